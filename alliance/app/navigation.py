"""Make sure the app runs through dashboard.py's st.navigation, whatever URL is opened first.

Streamlit keeps a legacy mode for apps with a `pages/` folder: until some script calls
st.navigation, a fresh server that first receives a request for /carte runs pages/carte.py on
its own (without dashboard.py: no wide layout, no French menu). Each page calls
`ensure_navigation()` first; in that legacy case it switches the server to st.navigation and
reruns, so dashboard.py lays out the app.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_navigation() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
