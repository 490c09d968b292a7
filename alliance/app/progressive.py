"""Map first, controls right after: the first time a session opens the Carte, the page sends its
map (with the title and figures) alone, and draws its controls (filters, card list, legend) once
the browser reports the map painted.

Why: the browser renders Streamlit's controls on the same main thread as the map's frame (same
origin), whatever the order of the elements. Drawn in the same run, the sidebar's filters and
the card column delayed the map's first shapes by ~0.4 s (benchmarks/run.py floor_comparison).
The map is what a visitor (or a colloquium room) came to see; the controls follow within a
moment. The map's report costs one more run of the page, and only this once per session; a
map that never reports (a script error in its frame) gets its controls anyway after `FALLBACK_S`.
"""

from __future__ import annotations

import time

import streamlit as st

from alliance.maps.component import PAINTED_KEY

READY_KEY = "carte_controles"  # session state: the controls are drawn from now on
_WAIT_START_KEY = "carte_attente_depuis"
FALLBACK_S = 8.0


def _reported(value: object) -> bool:
    return isinstance(value, dict) and bool(value.get(PAINTED_KEY) or value.get("last_object_clicked_tooltip"))


def controls_ready(map_key: str) -> bool:
    """Whether this run draws the page's controls: False until the map of the session's first
    Carte visit (component key `map_key`) has reported itself painted, or been clicked. The
    report reruns the whole page (the map is not in a fragment before it), read here at once."""
    if not st.session_state.get(READY_KEY) and _reported(st.session_state.get(map_key)):
        st.session_state[READY_KEY] = True
    return bool(st.session_state.get(READY_KEY))


def note_map_value(value: dict) -> None:
    """Call with the map component's value where it is shown: a report that reached a run
    without being seen at its start (e.g. a fragment's run) draws the whole page again."""
    if st.session_state.get(READY_KEY):
        return
    if _reported(value):
        st.session_state[READY_KEY] = True
        st.rerun(scope="app")


def controls_placeholder() -> None:
    """In the sidebar while the map paints: a French note, and the fallback timer."""
    with st.sidebar:
        _waiting_for_the_map()


@st.fragment(run_every=FALLBACK_S)
def _waiting_for_the_map() -> None:
    started = st.session_state.setdefault(_WAIT_START_KEY, time.monotonic())
    if not st.session_state.get(READY_KEY) and time.monotonic() - started >= FALLBACK_S * 0.9:
        st.session_state[READY_KEY] = True
        st.rerun(scope="app")
    st.caption("Chargement des filtres…")
