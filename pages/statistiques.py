"""Statistiques: distributions of the filtered cooperations, timeline, cross-table, ranking."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.analysis import stats
from alliance.analysis.filters import apply_filters
from alliance.app import cache
from alliance.app.sidebar import current_filters, filter_sidebar
from alliance.app.widgets import chart_block, narrow_filters_from_selection, sources_footer
from alliance.fmt import fmt_dec, fmt_int
from alliance.views import charts

geo = cache.geodata()
catalogue, index, catalogue_key = cache.active()
filters = filter_sidebar(catalogue, geo, index, page="statistiques")
ids = apply_filters(catalogue, index, filters)
coops = catalogue.cooperations.loc[list(ids)]
vocab = catalogue.vocab

st.title("Statistiques des coopérations")
lead = st.columns([3, 1])
contributed = int((coops["provenance"] == "contribution").sum())
origin = f" (dont {fmt_int(contributed)} contributions validées)" if contributed else ""
lead[0].markdown(
    f"**{fmt_int(len(ids))}** coopérations sélectionnées{origin} sur "
    f"{fmt_int(len(catalogue.cooperations))} au catalogue. Cliquez une barre pour restreindre la "
    "sélection ; les filtres sont partagés avec la carte."
)
lead[1].page_link("pages/carte.py", label="Voir la sélection sur la carte", query_params=st.query_params.to_dict())

if len(ids) == 0:
    st.info("Aucune coopération ne correspond à ces filtres : aucun graphique à afficher.")
    sources_footer()
    st.stop()

NOTE_MULTI = (
    "Une coopération qui porte sur plusieurs {what} compte une fois pour chacun ; "
    "les parts peuvent dépasser 100 % au total."
)
NOTE_SINGLE = "Chaque coopération compte une fois ; part = nombre de coopérations / coopérations sélectionnées."

VIEWS = [
    "Thèmes et portage",
    "Types, finalités, statuts",
    "Chronologie",
    "Croisements et territoires",
    "Couverture nationale",
]
view = (
    st.segmented_control("Vue", VIEWS, default=VIEWS[0], key="vue_statistiques", label_visibility="collapsed")
    or VIEWS[0]
)
if view == VIEWS[0]:
    left, right = st.columns(2)
    with left:
        data = stats.distribution(coops, "themes", vocab["theme"])
        filled, total = stats.coverage(coops, "themes")
        event = chart_block(
            "themes",
            charts.bar_distribution(data, "Thèmes"),
            data,
            NOTE_MULTI.format(what="thèmes") + f" Thèmes renseignés pour {fmt_int(filled)} "
            f"coopérations sur {fmt_int(total)} (les registres nationaux n'en indiquent pas).",
        )
        narrow_filters_from_selection(event, "themes", current_filters())
    with right:
        data = stats.distribution(coops, "portage", vocab["portage"])
        event = chart_block(
            "portage",
            charts.bar_distribution(data, "Portage"),
            data,
            NOTE_MULTI.format(what="modes de portage") + " Portage renseigné pour "
            f"{fmt_int(int((coops['portage'].map(len) > 0).sum()))} coopérations.",
        )
        narrow_filters_from_selection(event, "portages", current_filters())
elif view == VIEWS[1]:
    left, right = st.columns(2)
    with left:
        data = stats.distribution(coops, "type", vocab["type"])
        event = chart_block("types", charts.bar_distribution(data, "Types de coopération"), data, NOTE_SINGLE)
        narrow_filters_from_selection(event, "types", current_filters())
        data = stats.distribution(coops, "statut", vocab["statut"])
        event = chart_block("statuts", charts.bar_distribution(data, "Statut"), data, NOTE_SINGLE)
        narrow_filters_from_selection(event, "statuts", current_filters())
    with right:
        data = stats.distribution(coops, "finalites", vocab["finalite"])
        event = chart_block(
            "finalites", charts.bar_distribution(data, "Finalités"), data, NOTE_MULTI.format(what="finalités")
        )
        narrow_filters_from_selection(event, "finalites", current_filters())
        data = stats.distribution(coops, "territoires", vocab["territoires"])
        chart_block(
            "territoires",
            charts.bar_distribution(data, "Territoires parties prenantes", selectable=False),
            data,
            NOTE_MULTI.format(what="catégories de territoires"),
            selectable=False,
        )
elif view == VIEWS[2]:
    data = stats.timeline(coops, vocab["type"])
    colours = {vocab["type"].label(k): vocab["type"].colour(k) for k in vocab["type"].keys if k in set(data["type"])}
    known = int(coops["annee"].notna().sum())
    chart_block(
        "chronologie",
        charts.timeline_chart(data, colours),
        data,
        f"Année de création connue pour {fmt_int(known)} coopérations sur {fmt_int(len(coops))} ; "
        "les autres n'apparaissent pas ici.",
        selectable=False,
    )
elif view == VIEWS[4]:
    data = stats.register_coverage(catalogue, geo, ids)
    st.markdown(
        "**Part des EPCI, des communes et de la population couverts par au moins un PETR, un pôle "
        "métropolitain, un Pays ou un CRTE signé par plusieurs EPCI** (coopérations de la sélection)."
    )
    st.dataframe(
        data.rename(
            columns={
                "region": "Région",
                "epci": "EPCI",
                "epci_couverts": "EPCI couverts",
                "part_epci_texte": "Part des EPCI",
                "part_communes_texte": "Part des communes",
                "part_population_texte": "Part de la population",
            }
        )[["Région", "EPCI", "EPCI couverts", "Part des EPCI", "Part des communes", "Part de la population"]],
        hide_index=True,
        width="stretch",
    )
    st.caption("Sources : BANATIC (DGCL), adhésions 2025 ; ANCT, CRTE 2023 ; population municipale INSEE (COG 2026).")
    sizes = stats.grouping_sizes(catalogue, geo, ids, "petr")
    st.markdown(
        f"**Les PETR par taille** ({fmt_int(int(sizes['n'].sum()))} dans la sélection, population de leurs EPCI "
        "membres)"
    )
    st.dataframe(
        sizes.assign(epci=sizes["epci_median"].map(lambda v: fmt_dec(v, 0))).rename(
            columns={"classe": "Population", "n_texte": "PETR", "part_texte": "Part", "epci": "EPCI membres (médiane)"}
        )[["Population", "PETR", "Part", "EPCI membres (médiane)"]],
        hide_index=True,
        width="stretch",
    )
else:
    data = stats.theme_by_type(coops, vocab["theme"], vocab["type"])
    event = chart_block(
        "croisement",
        charts.heatmap(data),
        data,
        "Nombre de coopérations par thème et par type (une coopération compte dans chacun de ses thèmes).",
    )
    narrow_filters_from_selection(event, ("themes", "types"), current_filters(), fields=("theme", "type"))
    data = stats.most_connected(catalogue, geo, ids)
    chart_block(
        "territoires_connectes",
        charts.ranking_chart(data),
        data,
        "Nombre de coopérations sélectionnées auxquelles chaque EPCI prend part, directement ou via "
        "un groupement (PETR, Pays, pôle…).",
        selectable=False,
    )

st.subheader("Exporter la sélection")
cols = st.columns(2)
cols[0].download_button(
    "Catalogue filtré (CSV)",
    lambda: stats.catalogue_csv(catalogue, ids),
    file_name="cooperations_selection.csv",
    mime="text/csv",
    width="stretch",
    on_click="ignore",
)
cols[1].download_button(
    "Périmètres et liens (GeoJSON)",
    lambda: stats.catalogue_geojson(catalogue, ids),
    file_name="cooperations_selection.geojson",
    mime="application/geo+json",
    width="stretch",
    on_click="ignore",
)
sources_footer()
