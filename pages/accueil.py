"""Home page: France's reference geography and key figures."""
from alliance.navigation import ensure_navigation

ensure_navigation()

import streamlit as st
from alliance import cache
from alliance.fmt import fmt_int
from alliance.mapview import show_map
from alliance.ui import sources_footer

geo = cache.geodata()

st.title("L'alliance des territoires")
st.markdown(
    "La carte de référence des **coopérations interterritoriales** en France : pôles "
    "métropolitains, contrats de réciprocité, PETR, ententes, accords-cadres…"
)

cols = st.columns(5)
cols[0].metric("Régions", fmt_int(len(geo.regions)))
cols[1].metric("Départements", fmt_int(len(geo.departements)))
cols[2].metric("EPCI à fiscalité propre", fmt_int(len(geo.epci)))
cols[3].metric("Métropoles", fmt_int(len(geo.metropoles)))
cols[4].metric("Communes", fmt_int(len(geo.communes)))

st.subheader("Les 22 métropoles dans la géographie de la France")
show_map(cache.home_map(), key="carte_accueil", height=620)
st.caption(
    "Survolez une métropole pour son nom, sa population et son nombre de communes. "
    "Le fond OpenStreetMap (en ligne) est facultatif : la carte fonctionne sans internet."
)

sources_footer()
