"""Carte page in headless Chromium: filters, links, click to card, shared URL, offline."""

import re

from playwright.sync_api import expect

from alliance.maps.overlays import cooperation_groups, describe_selection
from tests.harness import (
    drawn_layers,
    map_evaluate,
    map_frame,
    shared_link,
    wait_for_links,
    wait_for_map,
    wait_for_still_map,
)


def n_links(catalogue, ids):
    return describe_selection(catalogue, ids).n_links


def ignore_base_path_probes(errors):
    # Streamlit probes /<page>/_stcore/... before finding its base path on deep links.
    return [e for e in errors if "404" not in e]


def test_theme_filter_draws_matching_links(page, app_url, catalogue, geo):
    page.goto(f"{app_url}/carte")
    wait_for_map(page)
    wait_for_links(page, n_links(catalogue, catalogue.cooperations.index))
    page.get_by_label("Thème").click()
    page.keyboard.type("Alimentation")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    food = [c for c, t in catalogue.cooperations["themes"].items() if "alimentation" in t]
    wait_for_links(page, n_links(catalogue, food))
    expect(page).to_have_url(re.compile(r"theme=alimentation"))  # the address follows within the same run
    metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert metric == str(len(food))
    # one layer control for the whole map, named in French, listing the base and the page's layers
    control = map_frame(page).locator(".leaflet-control-layers")
    assert control.count() == 1 and control.locator(".leaflet-control-layers-toggle").inner_text() == "Couches"
    names = control.locator(".leaflet-control-layers-list").evaluate("e => e.textContent")
    assert "Régions" in names and names.count("Liens de coopération") == 1  # the previous run's entries left
    # the frame keeps this run's groups only (the previous ones, and their shapes, are released)
    kept = map_frame(page).locator(".leaflet-container").evaluate("() => window.feature_group.length")
    assert kept == len(cooperation_groups(catalogue, geo, food))
    assert ignore_base_path_probes(page.console_errors) == []


def test_click_on_link_opens_card(page, app_url, catalogue):
    page.goto(f"{app_url}/carte?type=contrat_reciprocite&region=53")
    wait_for_map(page)
    wait_for_links(page, 1)  # only Brest – Pays du Centre Ouest Bretagne
    link = catalogue.links[catalogue.links["coop_id"] == "cr-brest-cob"].geometry.iloc[0]
    mid = link.interpolate(0.5, normalized=True)
    container = map_frame(page).locator(".leaflet-container")
    heading = page.get_by_role("heading", name=catalogue.cooperations.at["cr-brest-cob", "nom"])
    for _attempt in range(3):  # the map may still be flying to the filtered view
        wait_for_still_map(page, quiet_ms=1000)
        xy = container.evaluate(
            "(el, ll) => { const m = Object.values(window).find(v => v && v instanceof L.Map);"
            " const p = m.latLngToContainerPoint(ll); return [p.x, p.y]; }",
            [mid.y, mid.x],
        )
        box = container.bounding_box()
        page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
        try:
            heading.wait_for(timeout=8000)
            break
        except Exception:
            continue
    heading.wait_for(timeout=5000)
    assert "coop=cr-brest-cob" in page.url


def test_shared_url_restores_view(page, app_url, catalogue):
    page.goto(f"{app_url}/carte?theme=alimentation&type=contrat_reciprocite&coop=cr-toulouse-armagnac")
    wait_for_map(page)
    ids = [
        c
        for c, r in catalogue.cooperations.iterrows()
        if "alimentation" in r["themes"] and r["type"] == "contrat_reciprocite"
    ]
    wait_for_links(page, n_links(catalogue, ids))
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("Alimentation")  # the controls follow the painted map
    assert "Contrat de réciprocité" in sidebar.inner_text()
    page.get_by_role("heading", name=catalogue.cooperations.at["cr-toulouse-armagnac", "nom"]).wait_for()
    assert drawn_layers(page)["ext"] == 0


def test_address_follows_each_filter_change_and_back_undoes_it(page, app_url):
    """The address bar shows the view after every change (not one step behind), and Back returns
    to the previous filters, the widgets and the selection with them."""
    page.goto(f"{app_url}/carte")
    wait_for_map(page)
    box = page.get_by_label("Recherche (coopération, territoire)")
    count = (
        page.locator('[data-testid="stMetric"]')
        .filter(has_text="Coopérations")
        .locator('[data-testid="stMetricValue"]')
    )
    everything = count.inner_text()
    box.fill("Brest")
    box.press("Enter")
    page.wait_for_function("() => location.search === '?q=Brest'", timeout=20000)
    # The address is pushed before the rerun ends: wait for the selection itself to change.
    expect(count).not_to_have_text(everything, timeout=30000)
    brest = count.inner_text()
    box.fill("Nantes")
    box.press("Enter")
    page.wait_for_function("() => location.search === '?q=Nantes'", timeout=20000)
    expect(count).not_to_have_text(brest, timeout=30000)
    page.go_back()
    page.wait_for_function("() => location.search === '?q=Brest'", timeout=20000)
    page.get_by_label("Recherche (coopération, territoire)").and_(page.locator("[value='Brest']")).wait_for(
        timeout=30000
    )
    assert count.inner_text() == brest


# Records what the page sends to the server (BackMsg protobufs, base64).
RECORD_SENT_JS = """(() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (bytes) { let s = ''; for (const b of bytes) s += String.fromCharCode(b); window.__sent.push(btoa(s)); }
    return send.call(this, data);
  };
})();"""


def test_a_search_asks_for_the_explorers_run_alone(page, app_url, catalogue):
    """The search box is the explorer fragment's own widget: Enter asks the server for that
    fragment's run, once, not for the page's (whose widget callback would then start the
    fragment's, and the browser would render the whole page once more). The address follows."""
    import base64

    from streamlit.proto.BackMsg_pb2 import BackMsg

    from alliance.analysis.filters import Filters, apply_filters
    from alliance.app import cache

    page.add_init_script(RECORD_SENT_JS)
    page.goto(f"{app_url}/carte")
    wait_for_map(page)
    page.get_by_label("Type").wait_for()  # the controls are drawn
    page.evaluate("window.__sent = []")
    box = page.get_by_label("Recherche (coopération, territoire)")
    box.fill("Brest")
    box.press("Enter")
    wait_for_links(page, n_links(catalogue, apply_filters(catalogue, cache.filter_index(), Filters(texte="Brest"))))
    page.wait_for_function("() => location.search === '?q=Brest'", timeout=20000)
    sent = [BackMsg.FromString(base64.b64decode(m)) for m in page.evaluate("window.__sent")]
    reruns = [m.rerun_script for m in sent if m.WhichOneof("type") == "rerun_script"]
    assert len(reruns) == 1, reruns
    assert reruns[0].fragment_id  # the explorer's run, not the page's
    assert any(w.id.endswith("filtre_texte") and w.string_value == "Brest" for w in reruns[0].widget_states.widgets)


def test_after_filter_changes_a_card_and_the_link_to_share_carry_the_whole_view(page, app_url, catalogue):
    """A filter change reruns the explorer alone; Streamlit's own query parameters wait for the
    next full run (app.sidebar.sync_url). The address bar, a card chosen next and the link to share
    still hold every filter of the view: the URL's and the one just typed."""
    from alliance.analysis.filters import Filters, apply_filters
    from alliance.app import cache

    page.goto(f"{app_url}/carte?theme=alimentation")
    wait_for_map(page)
    box = page.get_by_label("Recherche (coopération, territoire)")
    box.fill("Toulouse")
    box.press("Enter")
    ids = apply_filters(catalogue, cache.filter_index(), Filters(themes=("alimentation",), texte="Toulouse"))
    assert len(ids) >= 2
    wait_for_links(page, n_links(catalogue, ids))
    view = "p.get('theme') === 'alimentation' && p.get('q') === 'Toulouse'"
    page.wait_for_function(f"() => {{ const p = new URLSearchParams(location.search); return {view}; }}")
    chosen = ids[-1]
    page.get_by_label(f"Fiche ({len(ids)} coopérations)").click()
    page.get_by_role("option", name=catalogue.cooperations.at[chosen, "nom"], exact=True).click()
    page.get_by_role("heading", name=catalogue.cooperations.at[chosen, "nom"]).wait_for(timeout=20000)
    page.wait_for_function(
        f"() => {{ const p = new URLSearchParams(location.search); return {view} && p.get('coop') === '{chosen}'; }}",
        timeout=20000,
    )
    shared = shared_link(page, "/carte?")
    assert "theme=alimentation" in shared and "q=Toulouse" in shared and f"coop={chosen}" in shared


def test_reset_from_the_map_column_clears_the_sidebar_filters_too(page, app_url, catalogue):
    """The reset offered by an empty selection sits in the explorer (a fragment): it reruns the
    whole page, so the sidebar's widgets show the reset filters, not the old ones."""
    page.goto(f"{app_url}/carte?theme=sante&region=94")
    wait_for_map(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("Santé", timeout=20000)
    page.locator('[data-testid="stMain"]').get_by_role("button", name="Réinitialiser les filtres").click()
    wait_for_links(page, n_links(catalogue, catalogue.cooperations.index))
    expect(sidebar).not_to_contain_text("Santé", timeout=20000)
    expect(sidebar).not_to_contain_text("Corse")
    page.wait_for_function("() => location.search === ''", timeout=20000)


def test_share_link_and_scene_form_open_on_demand(page, app_url):
    """The link to share, the scene form and the sources' list are built when opened (not on
    every load)."""
    page.goto(f"{app_url}/carte?q=Brest")
    wait_for_map(page)
    assert page.locator('[data-testid="stCode"]').count() == 0
    sources = page.get_by_text("ADMIN EXPRESS COG 2018", exact=False)
    expect(page.get_by_text("Sources et licences")).to_be_visible(timeout=20000)
    assert sources.count() == 0
    page.get_by_text("Sources et licences").click()
    expect(sources).to_be_visible(timeout=20000)
    assert "/carte?q=Brest" in shared_link(page, "/carte?q=Brest")
    page.keyboard.press("Escape")
    page.get_by_text("Enregistrer cette vue comme scène de présentation").click()
    page.locator('[data-testid="stCode"]').filter(has_text="scenes:").wait_for(timeout=20000)
    expect(page.get_by_role("button", name="Télécharger l'entrée YAML de la scène")).to_be_visible()


def test_map_comes_first_then_its_controls_without_redrawing_it(page, app_url, catalogue):
    """A first visit: the map paints with the URL's filters, then the filters, the card list and
    the URL's warnings appear, in the same map (not reloaded), and they work."""
    page.goto(f"{app_url}/carte?theme=alimentation&region=xx")
    wait_for_map(page)
    food = [c for c, t in catalogue.cooperations["themes"].items() if "alimentation" in t]
    wait_for_links(page, n_links(catalogue, food))
    map_frame(page).locator(".leaflet-container").evaluate("() => { window.sameMap = true; }")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("Alimentation", timeout=15000)
    expect(sidebar).not_to_contain_text("Chargement des filtres")
    expect(page.get_by_text("région « xx »")).to_be_visible()
    expect(page.get_by_text(f"Fiche ({len(food)} coopérations)")).to_be_visible()
    assert map_frame(page).locator(".leaflet-container").evaluate("() => window.sameMap === true")
    page.get_by_label("Recherche (coopération, territoire)").fill("Brest")  # no food cooperation there
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=Brest"))
    expect(page.get_by_text("Aucune coopération ne correspond")).to_be_visible()
    # the notice above the map does not move it: the browser keeps the same map
    assert map_frame(page).locator(".leaflet-container").evaluate("() => window.sameMap === true")


LABEL_OFFSET_JS = """const texts = [...el.querySelectorAll('svg.alliance-towns text')];
    const text = texts.find(t => t.textContent === arg.name);
    if (!text) return null;
    const box = text.getBoundingClientRect(), at = m.latLngToContainerPoint([arg.lat, arg.lon]);
    const origin = el.getBoundingClientRect();
    return [box.left + box.width / 2 - origin.left - at.x, box.top + box.height / 2 - origin.top - at.y];"""


def test_town_names_are_one_svg_centred_on_their_towns_at_every_zoom(page, app_url, catalogue, geo):
    """The main towns' names: the text of one SVG element (one marker per name made the browser
    composite ~100 layers on each frame), centred on their town, placed again after a zoom."""
    from alliance.analysis.filters import Filters, apply_filters, build_filter_index
    from alliance.maps.basemap import main_towns

    brest = next({"name": n, "lat": lat, "lon": lon} for n, lat, lon in main_towns(geo) if n == "Brest")
    page.goto(f"{app_url}/carte?q=Brest")
    wait_for_map(page)
    wait_for_links(
        page, n_links(catalogue, apply_filters(catalogue, build_filter_index(catalogue, geo), Filters(texte="Brest")))
    )
    wait_for_still_map(page)
    frame = map_frame(page)
    assert frame.locator("svg.alliance-towns").count() == 1
    assert frame.locator(".leaflet-marker-icon").count() == 0
    names = frame.locator("svg.alliance-towns").evaluate("e => [...e.querySelectorAll('text')].map(t => t.textContent)")
    assert len(names) == len(geo.departements) and {"Brest", "Rennes", "Nantes"} <= set(names)
    for _ in range(2):
        dx, dy = map_evaluate(page, LABEL_OFFSET_JS, brest)
        assert abs(dx) < 3 and abs(dy) < 8, (dx, dy)  # centred on the town (baseline below the point)
        frame.locator(".leaflet-control-zoom-in").click()
        wait_for_still_map(page)
    # at the France view, no names (they would crowd the map)
    map_evaluate(page, "m.setZoom(5); return true;")
    expect(frame.locator("svg.alliance-towns")).to_have_count(0)


DRAW_ORDER_JS = """const rank = {};
    m.eachLayer(l => { if (l._allianceRank) l.eachLayer(p => { rank[L.stamp(p)] = l._allianceRank; }); });
    const renderer = m.getRenderer(groups[0]), ranks = [];
    for (let item = renderer._drawFirst; item; item = item.next) {
        const r = rank[L.stamp(item.layer)];
        if (r !== undefined) ranks.push(r);
    }
    return ranks;"""


def test_a_layer_shown_from_the_control_is_drawn_under_the_layers_declared_after_it(page, app_url, catalogue):
    """Territoires d'industrie are hidden at first and fetched when shown: they are still drawn
    under the member EPCI, the perimeters and the links (declaration order), as if inline."""
    page.goto(f"{app_url}/carte")
    wait_for_map(page)
    wait_for_links(page, n_links(catalogue, catalogue.cooperations.index))
    frame = map_frame(page)
    box = frame.get_by_role("checkbox", name="Registres : Territoires d'industrie", include_hidden=True)
    assert not box.is_checked()
    box.evaluate("e => e.click()")  # as a click in the (collapsed) control
    ranks: list = []
    for _ in range(100):  # the layer's data is fetched, then drawn
        ranks = map_evaluate(page, DRAW_ORDER_JS)
        if len(set(ranks)) >= 4 and len(ranks) > 300:
            break
        page.wait_for_timeout(100)
    shown = map_evaluate(page, "return groups.map(g => m.hasLayer(g));")
    assert sum(shown) >= 4
    assert ranks and ranks == sorted(ranks), "a layer shown late is drawn over the layers declared after it"
