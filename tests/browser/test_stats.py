"""Statistiques and Atelier pages in headless Chromium, offline."""

from tests.harness import wait_for_map


def errors(page):
    return [e for e in page.console_errors if "404" not in e]  # base-path probes on deep links


def test_charts_render_offline_and_click_narrows(page, app_url):
    page.goto(f"{app_url}/statistiques")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.first.locator("g.mark-rect path").first.wait_for(timeout=30000)
    charts.nth(1).wait_for(timeout=30000)  # the page streams its charts one after the other
    assert charts.count() == 2
    assert charts.first.locator("text", has_text="Mobilités").count() >= 1
    # Click the bar of "Alimentation" in the themes chart: the shared filter narrows.
    charts.first.locator('g.mark-rect path[aria-label^="Alimentation : "]').click()
    page.wait_for_function("() => location.search.includes('theme=alimentation')", timeout=20000)
    page.get_by_text("coopérations sélectionnées").wait_for()
    page.get_by_role("link", name="Voir la sélection sur la carte").click()
    page.wait_for_function(
        "() => location.pathname.endsWith('/carte') && location.search.includes('theme=alimentation')", timeout=20000
    )
    wait_for_map(page)
    assert errors(page) == []


def test_atelier_charts_render(page, app_url):
    page.goto(f"{app_url}/atelier")
    page.get_by_role("heading", name="Les votes par thème").wait_for(timeout=30000)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.nth(9).locator("g.mark-rect path").first.wait_for(timeout=30000)
    assert charts.count() == 10
    assert errors(page) == []
