"""Réseau: who are the hubs? The graph of territories linked by shared cooperations."""
from alliance.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance import cache
from alliance.filters import apply_filters
from alliance.fmt import fmt_int
from alliance.mapview import show_map
from alliance.network import build_graph, rankings, systems
from alliance.state import filter_sidebar
from alliance.ui import sources_footer

geo = cache.geodata()
catalogue, index, catalogue_key = cache.active()
filters = filter_sidebar(catalogue, geo, index, page="reseau")
selected = apply_filters(catalogue, index, filters)
# The network links partners of documented cooperations (and contributions): a register
# grouping makes all its members "partners" at once, which would drown the documented links.
ids = tuple(i for i in selected if catalogue.cooperations.at[i, "provenance"] != "registre")

st.title("Réseau des territoires")
st.markdown("Deux territoires sont reliés lorsqu'ils prennent part à une même coopération ; l'épaisseur du lien "
            "compte les coopérations partagées. Le réseau suit les filtres de la barre latérale (par exemple, le "
            "réseau des seules coopérations « Mobilités »). Il porte sur les coopérations documentées et les "
            f"contributions ({fmt_int(len(ids))}) ; les {fmt_int(len(selected) - len(ids))} groupements et contrats des "
            "registres nationaux de la sélection sont sur la Carte et le Territoire.")
graph = build_graph(catalogue, ids)
ranks = rankings(graph)
cols = st.columns(4)
cols[0].metric("Coopérations", fmt_int(len(ids)))
cols[1].metric("Territoires (nœuds)", fmt_int(graph.number_of_nodes()))
cols[2].metric("Liens", fmt_int(graph.number_of_edges()))
cols[3].metric("Systèmes de coopération", fmt_int(ranks["systeme"].nunique() if len(ranks) else 0))
if graph.number_of_nodes() == 0:
    st.info("Aucune coopération ne correspond à ces filtres.")
    sources_footer()
    st.stop()

left, right = st.columns([1.2, 1], gap="medium")
with left:
    show_map(cache.carte_base_map(), key="carte_reseau", height=560, layers=cache.network_layers(ids, key=catalogue_key))
    st.caption("Cercles : territoires, taille selon le nombre de partenaires (degré). Traits : coopérations partagées.")
with right:
    table = ranks.head(25).rename(columns={"nom": "Territoire", "degre": "Partenaires", "degre_pondere": "Liens pondérés",
                                           "intermediarite": "Intermédiarité", "systeme": "Système"})
    st.markdown("**Les plus connectés**")
    st.dataframe(table[["Territoire", "Partenaires", "Liens pondérés", "Intermédiarité", "Système"]], hide_index=True,
                 width="stretch", height=560,
                 column_config={"Intermédiarité": st.column_config.NumberColumn(format="%.3f")})
st.subheader("Systèmes de coopération (composantes connexes)")
st.dataframe(systems(graph).rename(columns={"systeme": "Système", "territoires": "Territoires", "liens": "Liens",
                                            "exemples": "Exemples"}), hide_index=True, width="stretch")
sources_footer()
