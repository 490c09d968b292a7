"""AppTest of the Statistiques and Atelier pages."""

import re
from unittest import mock

from streamlit.testing.v1 import AppTest

from alliance.paths import ROOT


def page(path: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(path)
    return at


def charts_of(at):
    return list(at.get("vega_lite_chart"))


def test_statistiques_every_view_renders():
    at = page("pages/statistiques.py").run()
    assert not at.exception
    assert len(charts_of(at)) == 2
    for view in ["Types, finalités, statuts", "Chronologie", "Croisements et territoires"]:
        at.session_state["vue_statistiques"] = view
        at.run()
        assert not at.exception, view
        assert len(charts_of(at)) >= 1
    assert any("Une coopération" in c.value or "Nombre de coopérations" in c.value for c in at.caption)


def test_statistiques_follow_the_shared_filters():
    at = page("pages/statistiques.py", {"theme": "alimentation", "region": "76"}).run()
    assert not at.exception
    assert any("**2\u00a0coopérations sélectionnées**" in m.value for m in at.markdown)


def test_statistiques_on_a_region_with_register_rows_only():
    """Hauts-de-France: every cooperation comes from the registers. Each view shows a chart or
    says in French why it has none, with a button that widens the filters — never a blank chart."""
    at = page("pages/statistiques.py", {"region": "32"}).run()
    assert not at.exception
    only_registers = re.compile(r"sélectionnées\*\* \(\d[\d\u202f]*\u00a0issues des registres nationaux\)")
    assert any(only_registers.search(m.value) for m in at.markdown)
    views = ["Thèmes et portage", "Types, finalités, statuts", "Chronologie", "Croisements et territoires"]
    shown, explained, notes = 0, 0, []
    for view in views:
        at.session_state["vue_statistiques"] = view
        at.run()
        assert not at.exception, view
        shown += len(charts_of(at))
        explained += sum("Élargissez les filtres" in i.value for i in at.info)
        notes += [c.value for c in at.caption]
    assert shown >= 5 and explained >= 1
    assert any("renseigné pour" in note and "sur ces" in note for note in notes)
    at.session_state["vue_statistiques"] = "Chronologie"
    at.run()
    assert any("année de création" in i.value for i in at.info)
    at.button(key="reinitialiser_chronologie").click().run()
    assert not at.exception and dict(at.query_params) == {} and charts_of(at)


def test_statistiques_empty_selection():
    at = page("pages/statistiques.py", {"theme": "sante", "region": "94"}).run()
    assert any("Aucune coopération" in i.value for i in at.info) and not charts_of(at)
    at.button(key="reinitialiser_vide").click().run()  # one click back to the whole catalogue
    assert not at.info and charts_of(at) and dict(at.query_params) == {}


def test_click_on_a_bar_narrows_the_filters():
    def clicked_themes_chart(spec, key=None, **kwargs):
        if key == "graphique_themes":
            return {"selection": {"choix": [{"cle": "alimentation"}]}}
        return {"selection": {}}

    at = page("pages/statistiques.py").run()
    with mock.patch("alliance.app.widgets.st.vega_lite_chart", side_effect=clicked_themes_chart):
        at.run()
    assert not at.exception
    assert at.query_params["theme"] == "alimentation"


def test_atelier_page_figures():
    at = page("pages/atelier.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Participants"] == "83"
    assert metrics["Coopérations métropoles – territoires (fin 2018)"] == "173"
    assert metrics["dont actives"] == "76\u00a0%" and metrics["dont en projet"] == "24\u00a0%"
    assert metrics["Territoires de projet"] == "268"
    assert metrics["Part du territoire national"] == "62\u00a0%"
    assert len(charts_of(at)) == 10
    assert any("appariement incertain" in c.value for c in at.caption)
