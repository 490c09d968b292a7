"""Réseau: who are the hubs? The graph of territories linked by shared cooperations."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.analysis.filters import apply_filters
from alliance.analysis.network import LEVELS, SOURCES, of_source, registers_share
from alliance.app import cache
from alliance.app.sidebar import (
    current_filters,
    draw_filter_sidebar,
    draw_search_box,
    draw_view_state,
    explorer_sidebar,
    read_filters,
    url_warnings,
)
from alliance.app.widgets import empty_selection, sources_footer
from alliance.fmt import fmt_int, fmt_pct
from alliance.maps.component import show_map

geo = cache.geodata()
catalogue, index, catalogue_key = cache.active()
EXPLORER_KEY = "reseau_explorateur"  # the fragment a filter change reruns (app.sidebar)

st.title("Réseau des territoires")
st.markdown(
    "Deux territoires sont reliés lorsqu'ils prennent part à une même coopération (y compris par un "
    "groupement : un contrat avec un PETR relie la ville à chaque EPCI du PETR). Chaque coopération à "
    "*n* membres ajoute 1/(*n*−1) à chacun de ses liens : le poids d'un territoire compte ses coopérations, "
    "et un grand groupement ne pèse pas plus que plusieurs coopérations bilatérales. Le réseau suit les "
    "filtres de la barre latérale et se lit un niveau à la fois, à partir des **coopérations documentées** "
    "(alliances décrites par cinq documents sources, surtout centrés sur l'Ouest : leur classement reflète ces "
    "documents, pas toute la France), des **groupements des registres nationaux** (PETR, pôles, Pays, parcs, "
    "CRTE, Territoires d'industrie, partout en France), ou des deux."
)
url_warnings(catalogue, geo, index)  # outside the explorer: its reruns keep them
sidebar = explorer_sidebar(EXPLORER_KEY)


def explorer() -> None:
    """Everything the filters and the level change, then the sidebar's search box and view state.
    A fragment: a filter change reruns it alone, and the browser keeps the sidebar's other
    widgets and the text above as they are."""
    filters = read_filters(catalogue, geo, index, page="reseau", show_warnings=None)
    network_view(tuple(apply_filters(catalogue, index, filters)), filters.regions)
    draw_search_box(catalogue, geo, index, sidebar)
    draw_view_state(filters, sidebar.state)


def figures(box, n_cooperations: int, graph, ranks) -> None:
    """The network's four figures, in the horizontal container `box` above the map."""
    box.metric("Coopérations", fmt_int(n_cooperations))
    box.metric("Territoires (nœuds)", fmt_int(graph.number_of_nodes()))
    box.metric("Liens", fmt_int(graph.number_of_edges()))
    box.metric("Systèmes de coopération", fmt_int(ranks["systeme"].nunique() if len(ranks) else 0))


def network_view(ids: tuple[str, ...], regions: tuple[str, ...]) -> None:
    """The level, the figures, the map of the network (framing the selection, as the Carte's)
    beside its hubs, and its systems."""
    level = (
        st.segmented_control("Niveau", list(LEVELS), format_func=LEVELS.get, default="epci", key="niveau_reseau")
        or "epci"
    )
    source = (
        st.segmented_control(
            "Coopérations prises en compte",
            list(SOURCES),
            format_func=SOURCES.get,
            default="toutes",
            key="source_reseau",
        )
        or "toutes"
    )
    ids = tuple(of_source(catalogue.cooperations, ids, source))
    shown = cache.Ids(ids)  # hashed once, for every cache below
    graph, ranks, system_table = cache.network(catalogue, catalogue_key, shown, level)
    figures_box = st.container(horizontal=True, gap="medium")  # one block, filled once the map is out
    if graph.number_of_nodes() == 0:
        figures(figures_box, len(ids), graph, ranks)
        empty_selection(
            f"Aucune coopération ({SOURCES[source].lower()}) ne relie deux territoires de ce niveau avec ces filtres. "
            "Choisissez « Les deux » ou élargissez les filtres."
        )
        return

    # The view and layers computed before the map is drawn, the map then sent before the figures and
    # tables (as the Carte's explorer does): the browser renders the page for each batch it receives.
    centre, zoom = cache.carte_view(catalogue, catalogue_key, shown, regions)
    layers = cache.network_layers(catalogue, catalogue_key, shown, level=level)
    left, right = st.columns(2, gap="medium")
    with left:
        show_map(cache.carte_base_map(), key="carte_reseau", height=560, layers=layers, center=centre, zoom=zoom)
        st.caption(
            "Cercles : territoires, taille selon leur poids (plafonnée) ; les 10 premiers sont nommés. "
            "Traits : les liens les plus forts."
        )
    figures(figures_box, len(ids), graph, ranks)
    table = cache.network_table(catalogue, catalogue_key, shown, level)  # French, formatted once
    with right:
        share = registers_share(ranks)
        st.markdown("**Les plus connectés**")
        st.caption(
            f"Le poids des 10 premiers vient à {fmt_pct(100 * share)} des groupements des registres et à "
            f"{fmt_pct(100 * (1 - share))} des coopérations documentées"
            + (
                " : ce classement est d'abord celui des groupements institutionnels."
                if share >= 0.5
                else " : il reflète d'abord les documents sources, centrés sur l'Ouest."
            )
        )
        st.dataframe(
            table.head(25)[["Rang", "Territoire", "Poids", "Centile", "Intermédiarité"]],
            hide_index=True,
            width="stretch",
            height=490,
            column_config={  # the five key columns fit the column at 1 280 px
                "Rang": st.column_config.NumberColumn(width=42),
                "Territoire": st.column_config.TextColumn(width=128),
                "Poids": st.column_config.TextColumn(width=50),
                "Centile": st.column_config.TextColumn(width=56),
                "Intermédiarité": st.column_config.TextColumn(width=94),
            },
        )
    st.header("Classement complet, national et régional")
    st.dataframe(
        table[
            [
                "Rang",
                "Territoire",
                "Région",
                "Rang régional",
                "Poids",
                "Documentées / coopérations",
                "Partenaires",
                "Centile",
                "Intermédiarité",
                "Système",
            ]
        ],
        hide_index=True,
        width="stretch",
        height=420,
    )
    st.caption(
        "Poids : somme des 1/(n−1) de ses liens (≈ nombre de coopérations). Rang régional : rang parmi les "
        "territoires de sa région dans ce réseau. Documentées / coopérations : combien de ses coopérations "
        "viennent des documents sources. Centile : part des territoires de poids inférieur ou égal. "
        "Intermédiarité : part des plus courts chemins qui passent par lui"
        + (" (estimée sur un échantillon fixe au-delà de 400 territoires)." if graph.number_of_nodes() > 400 else ".")
    )
    st.header("Systèmes de coopération (composantes connexes)")
    st.dataframe(
        system_table.rename(
            columns={"systeme": "Système", "territoires": "Territoires", "liens": "Liens", "exemples": "Exemples"}
        ),
        hide_index=True,
        width="stretch",
    )


st.fragment(explorer, key=EXPLORER_KEY)()
draw_filter_sidebar(catalogue, geo, index, current_filters(), explorer=sidebar)
sources_footer()
