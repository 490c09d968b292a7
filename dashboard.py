"""Entry point: `streamlit run dashboard.py`."""
import streamlit as st

st.set_page_config(
    page_title="Alliance des territoires – carte des coopérations",
    layout="wide",
    initial_sidebar_state="expanded",
)

pages = [
    st.Page("pages/accueil.py", title="Accueil", default=True, url_path="accueil"),
    st.Page("pages/carte.py", title="Carte", url_path="carte"),
]
st.navigation(pages).run()
