"""Starting AppTest runs of the app (dashboard.py's navigation) on one page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from alliance.app import progressive
from alliance.paths import ROOT


def app_on(page: str, query: dict | None = None, map_painted: bool = True) -> AppTest:
    """dashboard.py opened on `pages/<page>.py` with `query` as URL parameters. AppTest has no
    browser to paint the map: with `map_painted`, the session starts as if the Carte's map had
    reported itself painted (its controls are drawn from the first run, app.progressive)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if map_painted:
        at.session_state[progressive.READY_KEY] = True
    at.switch_page(f"pages/{page}.py")
    return at
