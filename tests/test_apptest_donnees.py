"""AppTest of the Données page: read-only without a password, login required for writes."""

from streamlit.testing.v1 import AppTest

from alliance.paths import ROOT


def page(monkeypatch, tmp_path, password=None):
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(tmp_path / "c.db"))
    if password:
        monkeypatch.setenv("ALLIANCE_EDITOR_PASSWORD", password)
    else:
        monkeypatch.delenv("ALLIANCE_EDITOR_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/donnees.py")
    return at


def test_read_only_without_password(monkeypatch, tmp_path):
    at = page(monkeypatch, tmp_path).run()
    assert not at.exception
    assert any("Consultation seule" in i.value for i in at.info)
    assert not any("ALLIANCE_EDITOR_PASSWORD" in i.value or "secrets" in i.value for i in at.info)  # README
    assert not at.get("file_uploader")


def test_login_required_then_granted(monkeypatch, tmp_path):
    at = page(monkeypatch, tmp_path, password="s3cret").run()
    assert not at.get("file_uploader")
    at.text_input(key="mot_de_passe").input("mauvais")
    at.button(key="connexion").click().run()
    assert any("incorrect" in e.value for e in at.error)
    assert not at.get("file_uploader")
    at.text_input(key="mot_de_passe").input("s3cret")
    at.button(key="connexion").click().run()
    assert not at.exception
    assert at.get("file_uploader")
