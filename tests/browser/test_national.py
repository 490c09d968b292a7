"""The national layers in the browser: a region the seeds never mention (Hauts-de-France) shows
its PETR, pôles and CRTE from the registers, and a click on a perimeter opens its card with
the register's provenance."""

from tests.harness import map_evaluate, map_frame, wait_for_map, wait_for_still_map

CENTRE_OF_A_REGISTER_SHAPE = """
    const target = groups.flatMap(featuresOf).find(f => f.getBounds && f.feature && f.feature.properties.s === 'petr');
    if (!target) return null;
    const point = m.latLngToContainerPoint(target.getCenter ? target.getCenter() : target.getBounds().getCenter());
    const box = el.getBoundingClientRect();
    return {x: point.x + box.left, y: point.y + box.top};
"""


def test_hauts_de_france_shows_register_groupings_and_a_click_opens_the_card(page, app_url):
    page.goto(f"{app_url}/carte?region=32&type=petr")
    wait_for_map(page)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Coopérations").first
    metric.wait_for(timeout=30000)
    assert int(metric.locator('[data-testid="stMetricValue"]').inner_text()) >= 3
    wait_for_still_map(page)  # the map flies to the region
    target = map_evaluate(page, CENTRE_OF_A_REGISTER_SHAPE)
    assert target is not None
    iframe_box = page.locator('iframe[src*="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(iframe_box["x"] + target["x"], iframe_box["y"] + target["y"])
    card = page.locator('[data-testid="stMain"] h3').first
    card.wait_for(timeout=30000)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "BANATIC" in text and "SIREN" in text
    assert "coop=petr-" in page.url


def test_alliances_page_draws_the_aire_partners_and_candidates(page, app_url):
    page.goto(f"{app_url}/alliances?ville=243100518")
    wait_for_map(page)
    page.get_by_text("PETR du Pays du Sud Toulousain").first.wait_for(state="attached", timeout=30000)
    counts = map_evaluate(page, "return groups.map(g => featuresOf(g).length);")
    aire, candidates, partners = counts[-3:]
    assert aire == 2 and candidates >= 3 and partners >= 10
    assert [e for e in page.console_errors if "404" not in e] == []


def test_carte_context_layer_of_aires(page, app_url):
    page.goto(f"{app_url}/carte?region=76")
    wait_for_map(page)
    page.get_by_text("Contexte : aires d'attraction des villes").click()
    frame = map_frame(page)
    frame.locator(".leaflet-container").evaluate(
        """el => new Promise((resolve, reject) => { const t0 = Date.now(); const tick = () => {
            const m = Object.values(window).find(v => v && v instanceof L.Map);
            const named = Object.values(m._layers).some(l => l.feature && l.feature.properties
                && l.feature.properties.s === 'couronne');
            if (named) resolve(true);
            else if (Date.now() - t0 > 30000) reject('no aire');
            else setTimeout(tick, 100); };
            tick(); })"""
    )
