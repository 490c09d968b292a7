"""Home page: France's reference geography and key figures."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.app import cache
from alliance.app.widgets import sources_footer
from alliance.fmt import fmt_int
from alliance.maps.component import show_map

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

catalogue = cache.catalogue()
coops = catalogue.cooperations
cols = st.columns(5)
cols[0].metric("Coopérations au catalogue", fmt_int(len(coops)))
cols[1].metric("Contrats de réciprocité", fmt_int((coops["type"] == "contrat_reciprocite").sum()))
cols[2].metric("PETR et Pays", fmt_int(coops["type"].isin(["petr", "pays"]).sum()))
cols[3].metric("Pôles métropolitains", fmt_int((coops["type"] == "pole_metropolitain").sum()))
cols[4].metric("EPCI engagés", fmt_int(catalogue.members.loc[catalogue.members["kind"] == "epci", "code"].nunique()))
links = st.columns(3)
links[0].page_link("pages/carte.py", label="Explorer la carte des coopérations")
links[1].page_link("pages/statistiques.py", label="Voir les statistiques")
links[2].page_link("pages/atelier.py", label="Résultats de l'atelier Loire-Bretagne 2019")

st.header("Les 22 métropoles dans la géographie de la France")
show_map(cache.home_map(), key="carte_accueil", height=620)
st.caption(
    "Survolez une métropole pour son nom, sa population et son nombre de communes. "
    "Le fond OpenStreetMap (en ligne) est facultatif : la carte fonctionne sans internet."
)

sources_footer()
