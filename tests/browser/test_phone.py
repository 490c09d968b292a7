"""The Carte on a phone (390×844, touch): filters folded away, the page scrolls over the map with
one finger, and a tap on a perimeter brings its card into view below the map."""

import pytest

from tests.browser.test_national import CENTRE_OF_A_REGISTER_SHAPE
from tests.harness import guard_network, map_evaluate, wait_for_map, wait_for_still_map


@pytest.fixture()
def phone(chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2, locale="fr-FR"
    )
    external: list[str] = []
    guard_network(context, external)
    yield context.new_page()
    context.close()
    assert external == []


def test_carte_on_a_phone(phone, app_url):
    phone.goto(f"{app_url}/carte?region=32&type=petr")
    frame = wait_for_map(phone)
    sidebar = phone.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("aria-expanded") == "false" or not sidebar.is_visible()
    # one finger on the map scrolls the page, it does not pan the map
    assert (
        frame.locator(".leaflet-container").evaluate(
            "el => { const m = Object.values(window).find(v => v && v instanceof L.Map); return m.dragging.enabled(); }"
        )
        is False
    )
    iframe = phone.locator('iframe[src*="streamlit_folium.st_folium"]')
    iframe.scroll_into_view_if_needed()
    wait_for_still_map(phone)
    target = map_evaluate(phone, CENTRE_OF_A_REGISTER_SHAPE)
    box = iframe.bounding_box()
    # the tap: Chromium's emulated touch events give Leaflet no click inside the map's frame, so
    # the click a phone browser makes of a tap is sent directly
    phone.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    marker = phone.locator("[data-fiche]")
    marker.wait_for(state="attached", timeout=30000)
    phone.wait_for_function(
        "() => { const r = document.querySelector('[data-fiche]').getBoundingClientRect();"
        " return r.top >= -5 && r.top < innerHeight / 2; }",
        timeout=10000,
    )
    assert "coop=petr-" in phone.url
