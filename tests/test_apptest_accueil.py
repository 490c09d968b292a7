from streamlit.testing.v1 import AppTest

from alliance.paths import ROOT


def test_home_page_renders_figures():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "L'alliance des territoires"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["EPCI à fiscalité propre"] == "1\u00a0255"
    assert metrics["Métropoles"] == "22"
    assert int(metrics["Coopérations au catalogue"].replace("\u00a0", "")) >= 70
