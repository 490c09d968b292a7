"""Entry point: `streamlit run dashboard.py`."""

import streamlit as st

from alliance.app.chrome import app_chrome
from alliance.app.heap import freeze_long_lived
from alliance.app.uploads import bound_uploads
from alliance.errors import guard_page

bound_uploads()  # already done by `python -m alliance.app.serve`; here for a plain `streamlit run`
st.set_page_config(
    page_title="Alliance des territoires – carte des coopérations",
    layout="wide",
    initial_sidebar_state="auto",  # open on a computer, closed on a phone
)

pages = [
    st.Page("pages/accueil.py", title="Accueil", default=True, url_path="accueil"),
    st.Page("pages/carte.py", title="Carte", url_path="carte"),
    st.Page("pages/statistiques.py", title="Statistiques", url_path="statistiques"),
    st.Page("pages/territoire.py", title="Territoire", url_path="territoire"),
    st.Page("pages/reseau.py", title="Réseau", url_path="reseau"),
    st.Page("pages/alliances.py", title="Alliances ville–campagne", url_path="alliances"),
    st.Page("pages/atelier.py", title="Atelier Loire-Bretagne 2019", url_path="atelier"),
    st.Page("pages/presentation.py", title="Présentation (colloque)", url_path="presentation"),
    st.Page("pages/donnees.py", title="Données", url_path="donnees"),
]
freeze_long_lived()  # before the run's own objects: what the previous runs loaded and kept
navigation = st.navigation(pages)
app_chrome()
guard_page(navigation.run)
