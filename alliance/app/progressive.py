"""Map first, controls right after: the first time a session opens the Carte, the page sends its
map (with the title and figures) alone, and draws its controls (filters, card list, legend) once
the browser reports the map painted.

Why: the browser renders Streamlit's controls on the same main thread as the map's frame (same
origin), whatever the order of the elements. Drawn in the same run, the sidebar's filters and
the card column delayed the map's first shapes by ~0.4 s (benchmarks/run.py floor_comparison).
The map is what a visitor (or a colloquium room) came to see; the controls follow within a
moment. A map that never reports (a script error in its frame) gets its controls anyway after
`FALLBACK_S`.
"""

from __future__ import annotations

import time

import streamlit as st

from alliance.maps.component import PAINTED_KEY

READY_KEY = "carte_controles"  # session state: the controls are drawn from now on
_WAIT_START_KEY = "carte_attente_depuis"
FALLBACK_S = 4.0


def controls_ready() -> bool:
    """Whether this run draws the page's controls (False until the map of the session's first
    Carte visit has reported itself painted)."""
    return bool(st.session_state.get(READY_KEY))


def note_map_value(value: dict) -> None:
    """Call with the map component's value: when it says the map is painted (or a shape was
    clicked, which proves it), the whole page is drawn again, controls included."""
    if controls_ready():
        return
    if value.get(PAINTED_KEY) or value.get("last_object_clicked_tooltip"):
        st.session_state[READY_KEY] = True
        st.rerun(scope="app")


def controls_placeholder() -> None:
    """In the sidebar while the map paints: a French note, and the fallback timer."""
    with st.sidebar:
        _waiting_for_the_map()


@st.fragment(run_every=FALLBACK_S / 2)
def _waiting_for_the_map() -> None:
    started = st.session_state.setdefault(_WAIT_START_KEY, time.monotonic())
    if not controls_ready() and time.monotonic() - started >= FALLBACK_S:
        st.session_state[READY_KEY] = True
        st.rerun(scope="app")
    st.caption("Chargement des filtres…")
