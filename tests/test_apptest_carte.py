"""AppTest of the Carte page: filters set -> expected counts, URL restore, simulated click."""

from unittest import mock

from streamlit.testing.v1 import AppTest

from tests.apptests import app_on


def carte(query: dict | None = None) -> AppTest:
    return app_on("carte", query)


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def address(at: AppTest) -> dict[str, str]:
    """The URL parameters the page puts in the browser's address bar (its view marker, last
    drawn; app.sidebar.sync_url)."""
    import html
    import re
    from urllib.parse import parse_qsl

    bodies = [h.proto.body for h in at.get("html") if "data-vue" in h.proto.body]
    return dict(parse_qsl(html.unescape(re.search(r"data-vue='([^']*)'", bodies[-1]).group(1))))


def test_all_cooperations_then_theme_filter(catalogue):
    at = carte().run()
    assert not at.exception
    assert metric(at, "Coopérations") == str(len(catalogue.cooperations))
    at.multiselect(key="filtre_themes").select("alimentation").run()
    expected = sum("alimentation" in t for t in catalogue.cooperations["themes"])
    assert metric(at, "Coopérations") == str(expected)
    assert address(at) == {"theme": "alimentation"}
    at.run()  # a full run: Streamlit's query parameters follow
    assert at.query_params["theme"] == "alimentation" and metric(at, "Coopérations") == str(expected)


def test_a_filter_change_reruns_the_explorer_not_the_page(catalogue):
    """A filter change reruns the explorer fragment only: the sidebar's filters are not sent
    again (the browser keeps them), nor is the page's layout, but the figures, the map's view
    state (reset button, address) and the card list follow the new filters. A change other
    filters depend on (the regions) reruns the page, so the départements offered follow.

    The search box is the explorer's own widget: in the browser a search reruns the fragment
    directly (tests/browser/test_carte.py); AppTest runs the page for it."""
    from alliance.analysis.filters import Filters, apply_filters
    from alliance.app import cache

    at = carte().run()
    at.text_input(key="filtre_texte").input("Brest").run()
    assert not at.exception
    expected = apply_filters(catalogue, cache.filter_index(), Filters(texte="Brest"))
    assert metric(at, "Coopérations") == str(len(expected))
    assert at.selectbox(key="choix_coop").options == [catalogue.cooperations.at[c, "nom"] for c in expected]
    assert address(at) == {"q": "Brest"}
    at.multiselect(key="filtre_types").set_value(["contrat_reciprocite"]).run()
    assert not at.exception
    assert not at.sidebar.get("multiselect") and not at.sidebar.get("slider")
    # the search box is the explorer's: sent again, with its value
    assert [(w.key, w.value) for w in at.sidebar.get("text_input")] == [("filtre_texte", "Brest")]
    # nor is the page's layout: the link to share, the context toggle, the scene form's header
    assert not at.get("popover") and not at.get("toggle") and not at.expander
    both = apply_filters(catalogue, cache.filter_index(), Filters(texte="Brest", types=("contrat_reciprocite",)))
    assert 0 < len(both) < len(expected) and metric(at, "Coopérations") == str(len(both))
    assert at.selectbox(key="choix_coop").options == [catalogue.cooperations.at[c, "nom"] for c in both]
    assert not at.button(key=next(b.key for b in at.sidebar.get("button"))).disabled  # « Réinitialiser »
    assert address(at) == {"q": "Brest", "type": "contrat_reciprocite"}
    at.run()
    at.multiselect(key="filtre_regions").set_value(["53"]).run()  # Bretagne
    assert at.sidebar.get("multiselect")
    assert set(at.multiselect(key="filtre_departements").options) == {
        "Côtes-d'Armor (22)",
        "Finistère (29)",
        "Ille-et-Vilaine (35)",
        "Morbihan (56)",
    }
    assert address(at) == {"q": "Brest", "type": "contrat_reciprocite", "region": "53"} == dict(at.query_params)


def test_shared_url_restores_filters_and_warns(catalogue):
    at = carte({"theme": "alimentation", "type": "contrat_reciprocite", "region": "76,xx"}).run()
    assert not at.exception
    assert at.multiselect(key="filtre_themes").value == ["alimentation"]
    assert at.multiselect(key="filtre_types").value == ["contrat_reciprocite"]
    assert any("région « xx »" in w.value for w in at.warning)
    assert metric(at, "Coopérations") == "2"  # Toulouse with Portes de Gascogne and with Armagnac


def test_empty_result_offers_reset():
    at = carte({"theme": "sante", "region": "94"}).run()
    assert any("Aucune coopération" in i.value for i in at.info)
    at.button(key="reset_vide").click().run()
    assert at.multiselect(key="filtre_themes").value == []
    assert int(metric(at, "Coopérations").replace("\u00a0", "")) > 70


def click_on_map(at: AppTest, tooltip: str) -> AppTest:
    """Run `at` again as after a click on the map's shape of `tooltip`: the component's value is
    in the session state from the run's start (as the browser sends it) and returned by the map."""
    from alliance.app import cache
    from alliance.maps.component import map_widget_key

    clicked = {"last_object_clicked_tooltip": tooltip}
    at.session_state[map_widget_key(cache.carte_base_map(), "carte_cooperations")] = clicked
    with mock.patch("alliance.maps.component.sf._component_func", return_value=clicked):
        return at.run()


def test_click_on_map_opens_card(catalogue):
    from alliance.maps.overlays import coop_label

    at = click_on_map(carte().run(), coop_label(catalogue, "cr-brest-cob"))
    assert not at.exception
    assert any(h.value == catalogue.cooperations.at["cr-brest-cob", "nom"] for h in at.subheader)
    assert at.query_params["coop"] == "cr-brest-cob"
    assert any("novembre 2016" in m.value for m in at.markdown)


def test_selected_cooperation_from_url(catalogue):
    at = carte({"coop": "ti-axe-seine"}).run()
    assert any(h.value == "Territoire d'industrie de l'axe Seine" for h in at.subheader)
    members = at.dataframe[0].value
    assert len(members) == 7


def test_filters_are_shared_between_pages():
    at = carte({"theme": "alimentation"}).run()
    at.multiselect(key="filtre_types").select("contrat_reciprocite").run()
    at.switch_page("pages/statistiques.py").run()
    assert at.multiselect(key="filtre_themes").value == ["alimentation"]
    assert at.multiselect(key="filtre_types").value == ["contrat_reciprocite"]
    at.switch_page("pages/reseau.py").run()
    assert metric(at, "Coopérations") == "3"
    at.switch_page("pages/carte.py").run()
    assert metric(at, "Coopérations") == "3"
    assert at.query_params["type"] == "contrat_reciprocite"


def test_save_view_as_scene(catalogue, geo):
    """The YAML the page offers (shown and downloadable) parses back into the same view."""
    from alliance.views.scenes import parse_scenes

    at = carte({"theme": "alimentation", "coop": "cr-toulouse-armagnac"}).run()
    assert not at.code, "the form is only built once opened"
    at.session_state["scene_form"] = True  # what a click on the expander sends
    at.run()
    at.text_input(key="scene_titre").input("Alimentation en Occitanie").run()
    at.selectbox(key="scene_graphique").set_value("portage").run()
    button = next(b for b in at.get("download_button") if "YAML" in b.proto.label)
    assert button.proto.label == "Télécharger l'entrée YAML de la scène"
    text = next(c.value for c in at.code if "scenes:" in c.value)
    [scene] = parse_scenes(text, catalogue.vocab, geo, set(catalogue.cooperations.index))
    assert scene.id == "alimentation-en-occitanie" and scene.titre == "Alimentation en Occitanie"
    assert scene.selection == "cr-toulouse-armagnac" and scene.graphique == "portage"
    assert scene.filters.themes == ("alimentation",)


def test_provenance_filter_and_url(catalogue):
    at = carte({"source": "registre", "region": "32"}).run()
    assert not at.exception
    assert at.multiselect(key="filtre_provenances").value == ["registre"]
    registers = catalogue.cooperations["provenance"] == "registre"
    shown = int(metric(at, "Coopérations").replace("\u00a0", ""))
    assert 0 < shown < int(registers.sum())
    at.multiselect(key="filtre_provenances").set_value(["documentee"]).run()
    assert metric(at, "Coopérations") == "0"  # no documented cooperation in Hauts-de-France
    assert address(at) == {"source": "documentee", "region": "32"}


def test_card_shows_both_memberships_of_a_register_match():
    at = carte({"coop": "pm-loire-bretagne"}).run()
    note = next(c.value for c in at.caption if "Aussi au registre" in c.value).replace("\\", "")
    assert (
        "4 EPCI, contre 5 d'après le document source" in note
        and "absents du registre : CA de la Région Nazairienne" in note
    )
    at = carte({"coop": "pm-le-mans-sarthe"}).run()  # its members are now the register's
    note = next(c.value for c in at.caption if "Aussi au registre" in c.value).replace("\\", "")
    assert "mêmes EPCI que ci-dessus" in note


def test_card_says_where_members_come_from_and_when_they_are_incomplete():
    at = carte({"coop": "territoires-de-confluence"}).run()
    assert not at.exception
    text = lambda elements: [e.value.replace("\\", "") for e in elements]  # noqa: E731 (Markdown escapes)
    assert any("Membres : d'après des connaissances générales" in m for m in text(at.markdown))
    assert any("Membres incomplets" in w and "Loudunais" in w for w in text(at.warning))
    at = carte({"coop": "pays-centre-ouest-bretagne"}).run()
    assert any("Membres : d'après BANATIC" in m and "200073971" in m for m in text(at.markdown))


def test_related_cooperation_outside_the_filters_opens_with_a_notice_and_widening():
    at = carte({"type": "contrat_reciprocite", "coop": "cr-brest-cob"}).run()
    related = next(b for b in at.button if str(b.key).startswith("rel_cr-brest-cob_") and "Pays de Brest" in b.label)
    related.click().run()
    assert not at.exception
    assert at.query_params["coop"] != "cr-brest-cob"
    assert any("hors des filtres actuels" in i.value for i in at.info)
    assert "Pays de Brest" in at.subheader[0].value.replace("\\", "")  # the related card is shown
    at.button(key="elargir").click().run()
    assert not at.exception
    assert not any("hors des filtres actuels" in i.value for i in at.info)
    assert at.multiselect(key="filtre_types").value == []


def test_click_on_a_member_epci_opens_a_cooperation_it_takes_part_in(catalogue, geo):
    """A member EPCI's tooltip (« <b>Nom</b><br>… habitants ») opens a cooperation of the selection."""
    from alliance.maps.basemap import tooltip_html

    tooltip = tooltip_html(geo.epci.at["242900314", "nom"], "1 habitants · 1 communes")  # Brest métropole
    at = click_on_map(carte({"type": "contrat_reciprocite", "region": "53"}).run(), tooltip)
    assert not at.exception
    opened = at.query_params["coop"]
    assert opened == "cr-brest-cob" and "epci:242900314" in catalogue.cooperations.at[opened, "membres"]


def test_filters_read_before_the_sidebar_is_drawn_are_the_widgets_values(catalogue):
    """Carte reads the filters from the widgets' state before drawing them (the map goes out
    first): each change — search text, période, département — counts in the run it triggers."""
    from alliance.analysis.filters import Filters, apply_filters
    from alliance.app import cache

    index = cache.filter_index()
    at = carte().run()
    at.text_input(key="filtre_texte").input("  Brest ").run()
    expected = apply_filters(catalogue, index, Filters(texte="Brest"))
    assert metric(at, "Coopérations") == str(len(expected)) and 0 < len(expected) < len(catalogue.cooperations)
    assert address(at)["q"] == "Brest"
    years = index.years
    at.run()  # AppTest keeps only the last run's elements: a full run draws the sidebar again
    at.slider(key="filtre_periode").set_value((years[0], 2015)).run()
    expected = apply_filters(catalogue, index, Filters(texte="Brest", annee_max=2015))
    assert metric(at, "Coopérations") == str(len(expected)) and address(at)["a"] == "2015"
    assert any("période restreinte" in c.value for c in at.sidebar.get("caption"))
    at.run()
    at.text_input(key="filtre_texte").input("").run()
    at.run()
    at.slider(key="filtre_periode").set_value(tuple(years)).run()
    at.run()
    at.multiselect(key="filtre_departements").set_value(["29"]).run()
    expected = apply_filters(catalogue, index, Filters(departements=("29",)))
    assert metric(at, "Coopérations") == str(len(expected)) and address(at) == {"dep": "29"}
    assert not at.exception


def test_first_visit_sends_the_map_then_the_controls_once_it_is_painted(catalogue):
    """A session's first Carte run: title, figures and map, no filter widget yet (a French note
    in the sidebar); the map reporting itself painted brings the filters, the card list and the
    URL's warnings, kept until then."""
    from alliance.maps.component import PAINTED_KEY

    at = app_on("carte", {"theme": "alimentation", "region": "xx"}, map_painted=False).run()
    assert not at.exception
    assert not at.multiselect and not at.selectbox
    assert any("Chargement des filtres" in c.value for c in at.sidebar.caption)
    expected = sum("alimentation" in t for t in catalogue.cooperations["themes"])
    assert metric(at, "Coopérations") == str(expected)  # the URL's filters already hold
    assert not at.warning
    with mock.patch("alliance.maps.component.sf._component_func", return_value={PAINTED_KEY: True}):
        at.run()
    assert not at.exception
    assert at.multiselect(key="filtre_themes").value == ["alimentation"]
    assert at.selectbox(key="choix_coop")
    assert any("région « xx »" in w.value for w in at.warning)
    assert metric(at, "Coopérations") == str(expected)
    at.multiselect(key="filtre_themes").unselect("alimentation").run()  # the controls stay
    assert metric(at, "Coopérations") == str(len(catalogue.cooperations))


def test_controls_come_anyway_when_the_map_never_reports():
    from alliance.app import progressive

    at = app_on("carte", map_painted=False).run()
    assert not at.multiselect
    start = at.session_state[progressive._WAIT_START_KEY]
    with mock.patch("alliance.app.progressive.time.monotonic", return_value=start + progressive.FALLBACK_S):
        at.run()
    assert not at.exception
    assert at.multiselect(key="filtre_themes").value == []
