"""AppTest walking through every scene of the Présentation page."""

from streamlit.testing.v1 import AppTest

from alliance.paths import ROOT


def test_walk_through_every_scene(geo):
    import yaml

    ids = [s["id"] for s in yaml.safe_load((ROOT / "data" / "scenes.yaml").read_text())["scenes"]]
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.switch_page("pages/presentation.py").run()
    seen = []
    for _ in ids:
        assert not at.exception
        seen.append(at.query_params["scene"])
        assert at.title[0].value
        assert sum("slide-chart" in m.value and "<img" in m.value for m in at.markdown) == 1
        assert any("slide-legend" in m.value for m in at.markdown)  # the map's legend is on the slide
        at.button(key="scene_next").click().run()
    assert seen == ids
    assert at.query_params["scene"] == ids[0]  # wraps around
    at.button(key="scene_prev").click().run()
    assert at.query_params["scene"] == ids[-1]


def test_scene_url_and_unknown_scene():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["scene"] = "toulouse-gascogne"
    at.switch_page("pages/presentation.py").run()
    assert at.title[0].value == "Toulouse, le dialogue métropolitain et les Portes de Gascogne"
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["scene"] = "inexistante"
    at.switch_page("pages/presentation.py").run()
    assert any("inconnue" in w.value for w in at.warning)
