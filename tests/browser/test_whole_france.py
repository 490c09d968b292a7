"""« Read the whole of France » in the browser, as new users would: an elected official of the
Pas-de-Calais clicks where perimeters overlap and searches for a commune, a researcher opens
Alliances for each of the 22 métropoles, Statistiques and Territoire on register-only ground."""

import re

from playwright.sync_api import expect

from tests.harness import (
    map_evaluate,
    map_frame,
    search_territoire,
    shared_link,
    wait_for_map,
    wait_for_still_map,
)

SAINT_POL = (50.38775, 2.3511)  # Saint-Pol-sur-Ternoise: the CRTE de l'Arrageois over the PETR Ternois-7 vallées
VIEW = "return [m.getCenter().lat, m.getCenter().lng, m.getZoom()];"
OUTLINED = """return groups.flatMap(featuresOf).filter(f => f.options && f.options.weight === 4
    && f.options.fill === false && f.options.interactive === false).length;"""


def click_at(page, lat_lon) -> None:
    xy = map_evaluate(page, "const p = m.latLngToContainerPoint(arg); return [p.x, p.y];", list(lat_lon))
    box = page.locator('iframe[src*="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])


def test_a_click_where_perimeters_overlap_lists_them_all_and_the_choice_is_outlined_and_framed(page, app_url):
    page.goto(f"{app_url}/carte?region=32")
    wait_for_map(page)
    page.locator('[data-testid="stMetric"]').filter(has_text="Coopérations").first.wait_for(timeout=30000)
    wait_for_still_map(page, quiet_ms=1000)  # the map flies to the region
    choices = page.get_by_role("radiogroup", name=re.compile("À cet endroit"))
    for _attempt in range(3):
        click_at(page, SAINT_POL)
        try:
            choices.wait_for(timeout=15000)
            break
        except Exception:
            wait_for_still_map(page, quiet_ms=1000)
    options = choices.get_by_role("radio")
    names = [options.nth(i).evaluate("e => e.closest('label').innerText") for i in range(options.count())]
    assert names[0].startswith("PETR Ternois-7 vallées") and any("Arrageois" in n for n in names), names
    before = map_evaluate(page, VIEW)
    choices.get_by_text(re.compile("^PETR Ternois-7 vallées")).click()
    page.get_by_role("heading", name="PETR Ternois-7 vallées").wait_for(timeout=30000)
    expect(page).to_have_url(re.compile(r"coop=petr-200075679"))
    map_frame(page).locator(".leaflet-container").evaluate(
        """(el, before) => new Promise((resolve, reject) => { const t0 = Date.now(); const tick = () => {
            const m = Object.values(window).find(v => v && v instanceof L.Map);
            if (m.getZoom() > before[2]) resolve(true);
            else if (Date.now() - t0 > 20000) reject('not framed');
            else setTimeout(tick, 100); }; tick(); })""",
        before,
    )
    assert map_evaluate(page, OUTLINED) == 1  # the chosen one, outlined on top


def test_a_commune_search_finds_what_its_epci_takes_part_in_and_the_card_says_how(page, app_url):
    page.goto(f"{app_url}/carte")
    wait_for_map(page)
    box = page.get_by_label("Recherche (coopération, territoire)")
    box.fill("Saint-Pol-sur-Ternoise")
    box.press("Enter")
    count = page.locator('[data-testid="stMetric"]').filter(has_text="Coopérations").first
    expect(count.locator('[data-testid="stMetricValue"]')).to_have_text("2", timeout=30000)
    page.get_by_label(re.compile("^Fiche")).click()
    page.get_by_role("option", name="PETR Ternois-7 vallées").click()
    page.get_by_role("heading", name="PETR Ternois-7 vallées").wait_for(timeout=30000)
    expect(
        page.get_by_text(re.compile(r"Saint-Pol-sur-Ternoise — Pas-de-Calais \(62\) \(recherche\) : via son EPCI"))
    ).to_be_visible()
    assert map_evaluate(page, OUTLINED) == 1


def test_alliances_answers_for_each_of_the_22_metropoles(page, app_url, geo):
    """Each métropole shows its partners, or the one sentence saying that no row joins it with
    anyone (Grand Paris, Toulon)."""
    metropoles = geo.epci[geo.epci["type"].isin(["METRO", "MET69"])]
    assert len(metropoles) == 22
    page.goto(f"{app_url}/alliances")
    wait_for_map(page)
    answers = {}
    for siren, name in metropoles["nom"].items():
        page.get_by_role("combobox", name="Ville").click()
        page.keyboard.type(name)
        page.get_by_role("option", name=re.compile(re.escape(name))).first.click()
        answer = page.get_by_text(re.compile(r"^\d+\s?partenaires? :|^Aucune ligne du catalogue"))
        expect(page.get_by_text(f"Partenaires de {name}", exact=True)).to_be_visible(timeout=30000)
        answer.first.wait_for(timeout=30000)
        answers[siren] = answer.first.inner_text()
    without = {s for s, text in answers.items() if text.startswith("Aucune")}
    assert without == {"200054781", "248300543"}, answers  # Grand Paris, Toulon


def test_statistiques_and_reseau_on_register_only_ground(page, app_url):
    page.goto(f"{app_url}/statistiques?region=32")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.first.wait_for(timeout=30000)
    expect(charts).to_have_count(2)
    assert "0 / Coopérations" not in page.locator('[data-testid="stMain"]').inner_text()
    page.get_by_role("radio", name="Chronologie").or_(page.get_by_text("Chronologie", exact=True)).first.click()
    page.get_by_text(re.compile("n'a d'année de création connue")).wait_for(timeout=30000)
    page.goto(f"{app_url}/reseau?region=32")
    wait_for_map(page)
    expect(page.get_by_text(re.compile("Le poids des 10 premiers vient à 100,0"))).to_be_visible(timeout=30000)


def test_territoire_finds_the_right_saint_omer(page, app_url):
    search_territoire(page, app_url, "Saint-Omer", "Saint-Omer")
    expect(page).to_have_url(re.compile(r"t=com%3A62765|t=com:62765"))
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Pas-de-Calais (62)" in text and "Groupements et contrats de son EPCI" in text


def test_a_link_copied_after_a_zoom_opens_where_the_map_was(page, app_url, chromium):
    page.goto(f"{app_url}/carte?region=53")
    wait_for_map(page)
    page.locator('[data-testid="stMetric"]').filter(has_text="Coopérations").first.wait_for(timeout=30000)
    wait_for_still_map(page, quiet_ms=1000)
    framed = map_evaluate(page, VIEW)
    map_evaluate(page, "m.setView([48.39, -4.49], arg); return true;", framed[2] + 2)  # zoom in on Brest
    wait_for_still_map(page)
    link = shared_link(page, "vue=")
    assert "region=53" in link and "vue=48.39" in link, link
    other = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        other.goto(link)
        wait_for_map(other)
        other.locator('[data-testid="stMetric"]').filter(has_text="Coopérations").first.wait_for(timeout=30000)
        wait_for_still_map(other, quiet_ms=1000)
        lat, lon, zoom = map_evaluate(other, VIEW)
        assert abs(lat - 48.39) < 0.01 and abs(lon + 4.49) < 0.01 and zoom == framed[2] + 2
    finally:
        other.context.close()
