"""Home page in headless Chromium, with every non-local request refused and recorded."""

from tests.harness import wait_for_map


def test_home_draws_regions_and_epci_offline(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="L'alliance des territoires").wait_for(timeout=30000)
    frame = wait_for_map(page)
    # Canvas renderer: shapes are painted on a canvas; check it has non-transparent pixels.
    painted = frame.locator(".leaflet-overlay-pane canvas").first.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    assert painted > 10000
    # The layer control lists the regions and the métropoles (EPCI) layers.
    control = frame.locator(".leaflet-control-layers").inner_text()
    assert "Régions" in control and "Métropoles" in control
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.console_errors == []


def test_home_tooltip_on_metropole(page, app_url):
    page.goto(app_url)
    frame = wait_for_map(page)
    frame.locator(".leaflet-container").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = frame.locator(".leaflet-container").bounding_box()
    map_js = "Object.values(window).find(v => v && v instanceof L.Map)"
    # Hover the centre of Toulouse Métropole, projected by Leaflet itself.
    xy = frame.locator(".leaflet-container").evaluate(
        f"el => {{ const m = {map_js}; const p = m.latLngToContainerPoint([43.604, 1.444]); return [p.x, p.y]; }}"
    )
    page.mouse.move(box["x"] + xy[0], box["y"] + xy[1])
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5000)
    assert "Toulouse Métropole" in tooltip.inner_text()
