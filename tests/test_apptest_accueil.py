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
    total, documented, registers = (
        int(metrics[k].replace("\u00a0", ""))
        for k in ("Coopérations au catalogue", "dont documentées", "dont registres nationaux")
    )
    assert documented + registers == total and documented == 76
    text = " ".join(m.value for m in at.markdown)
    assert "De quoi est fait le catalogue" in text and "BANATIC" in text and "ANCT" in text
    assert "Mon territoire" in " ".join(link.label for link in at.get("page_link"))
