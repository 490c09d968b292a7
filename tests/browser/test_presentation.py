"""Présentation in headless Chromium: arrow keys, every scene paints, offline HTML export."""

import yaml

from alliance.paths import ROOT
from tests.harness import wait_for_map

SCENES = [s["id"] for s in yaml.safe_load((ROOT / "data" / "scenes.yaml").read_text())["scenes"]]


def current_scene(page):
    return page.evaluate("() => new URLSearchParams(location.search).get('scene')")


def test_arrow_keys_move_between_scenes_and_each_paints(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/presentation")
    wait_for_map(page)
    assert current_scene(page) == SCENES[0]
    for expected in SCENES[1:]:
        page.mouse.click(5, 5)  # focus the app document (not the map iframe)
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => location.search.includes('scene={expected}')", timeout=20000)
        page.get_by_role("heading").first.wait_for()
        wait_for_map(page)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => location.search.includes('scene={SCENES[-2]}')", timeout=20000)
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert [e for e in page.console_errors if "404" not in e] == []


def test_exported_html_opens_offline(page, app_url, tmp_path):
    page.goto(f"{app_url}/presentation?scene=brest-ouest-breton")
    wait_for_map(page)
    page.get_by_text("Exporter cette scène").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Carte (HTML autonome, hors ligne)").click()
    path = tmp_path / "scene.html"
    info.value.save_as(path)
    # Open the file in a fresh context that refuses every network request.
    context = page.context.browser.new_context()
    blocked = []
    context.route(
        "**/*",
        lambda r: (blocked.append(r.request.url), r.abort()) if r.request.url.startswith("http") else r.continue_(),
    )
    offline = context.new_page()
    offline.goto(path.as_uri())
    offline.locator(".leaflet-overlay-pane canvas").first.wait_for(state="attached", timeout=15000)
    painted = offline.locator(".leaflet-overlay-pane canvas").first.evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"
    )
    context.close()
    assert painted > 10000 and blocked == []


def test_clicker_keys_work_after_a_click_on_the_map_and_quit_opens_the_carte(page, app_url):
    """Presentation clickers send PageDown / PageUp / Space; after a click on the map the focus is
    in the map's frame, where Leaflet would pan with the arrows: the scene changes instead."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/presentation?scene={SCENES[0]}")
    frame = wait_for_map(page)
    page.frame_locator("iframe[srcdoc]").first.get_by_role("button", name="plein écran").wait_for(timeout=20000)
    container = frame.locator(".leaflet-container")
    container.click(position={"x": 40, "y": 200})  # focus inside the map's frame
    page.keyboard.press("PageDown")
    page.wait_for_function(f"() => location.search.includes('scene={SCENES[1]}')", timeout=20000)
    wait_for_map(page)
    page.keyboard.press(" ")
    page.wait_for_function(f"() => location.search.includes('scene={SCENES[2]}')", timeout=20000)
    page.keyboard.press("PageUp")
    page.wait_for_function(f"() => location.search.includes('scene={SCENES[1]}')", timeout=20000)
    container.click(position={"x": 40, "y": 200})
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => location.search.includes('scene={SCENES[2]}')", timeout=20000)
    page.get_by_role("button", name="Quitter : ouvrir cette vue dans la Carte").click()
    page.wait_for_function("() => location.pathname.endsWith('/carte')", timeout=20000)
    scene = yaml.safe_load((ROOT / "data" / "scenes.yaml").read_text())["scenes"][2]
    for key, value in (scene.get("filtres") or {}).items():
        expected = ",".join(value) if isinstance(value, list) else str(value)
        page.wait_for_function(
            f"() => new URLSearchParams(location.search).get({key!r}) === {expected!r}", timeout=20000
        )
