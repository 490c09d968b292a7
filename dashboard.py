"""Entry point: `streamlit run dashboard.py`."""
import streamlit as st

st.set_page_config(
    page_title="Alliance des territoires – carte des coopérations",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="expanded",
)

pages = [
    st.Page("pages/accueil.py", title="Accueil", icon="🏠", default=True, url_path="accueil"),
]
st.navigation(pages).run()
