"""Statistiques: distributions of the filtered cooperations, timeline, cross-table, ranking."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.analysis.filters import apply_filters
from alliance.analysis.stats import population
from alliance.app import cache
from alliance.app.sidebar import current_filters, filter_sidebar
from alliance.app.widgets import (
    chart_block,
    coverage_tables,
    empty_selection,
    narrow_filters_from_selection,
    sources_footer,
)
from alliance.exports.selection import (
    XLSX_MIME,
    catalogue_csv,
    catalogue_geojson,
    selection_excel_csv,
    selection_xlsx,
)
from alliance.fmt import plural
from alliance.views.statistics import CHARTS, COVERAGE_VIEW, VIEWS, selection_words

geo = cache.geodata()
catalogue, index, catalogue_key = cache.active()
filters = filter_sidebar(catalogue, geo, index, page="statistiques")
ids = apply_filters(catalogue, index, filters)
coops = catalogue.cooperations.loc[list(ids)]

st.title("Statistiques des coopérations")
lead = st.columns([3, 1])
head, _, detail = selection_words(population(coops)).partition(" : ")
lead[0].markdown(
    f"**{head}**{f' ({detail})' if detail else ''} sur {plural(len(catalogue.cooperations), 'coopération')} au "
    "catalogue. Les coopérations **documentées** viennent des documents sources (cinq documents, surtout centrés "
    "sur l'Ouest) ; les autres, des registres nationaux (BANATIC, ANCT), qui donnent membres et portage mais pas "
    "de thème. Sous chaque graphique : sur combien de coopérations ses parts sont calculées. Cliquez une barre "
    "pour restreindre la sélection ; les filtres sont partagés avec la carte."
)
lead[1].page_link("pages/carte.py", label="Voir la sélection sur la carte", query_params=st.query_params.to_dict())

if len(ids) == 0:
    empty_selection("Aucune coopération ne correspond à ces filtres : aucun graphique à afficher.")
    sources_footer()
    st.stop()

view = st.segmented_control(
    "Vue", list(VIEWS), default=next(iter(VIEWS)), key="vue_statistiques", label_visibility="collapsed"
) or next(iter(VIEWS))
if view == COVERAGE_VIEW:
    coverage_tables(catalogue, catalogue_key, geo, ids)
for column, keys in zip(st.columns(len(VIEWS[view])) if VIEWS[view] else [], VIEWS[view]):
    with column:
        for key in keys:
            chart = CHARTS[key]
            spec, data, note, empty = cache.statistics_chart(key, catalogue, catalogue_key, cache.Ids(ids))
            if empty:
                empty_selection(empty, key=f"reinitialiser_{key}")
                continue
            event = chart_block(key, spec, data, note, selectable=bool(chart.narrows))
            if chart.narrows:
                narrow_filters_from_selection(event, chart.narrows, current_filters(), fields=chart.point_fields)

st.header("Exporter la sélection")
exports = (
    ("Tableur Excel (XLSX)", lambda: selection_xlsx(catalogue, ids), "xlsx", XLSX_MIME),
    ("CSV pour Excel (FR, « ; »)", lambda: selection_excel_csv(catalogue, ids), "csv", "text/csv"),
    ("CSV du catalogue (« , », UTF-8)", lambda: catalogue_csv(catalogue, ids), "csv", "text/csv"),
    ("Périmètres et liens (GeoJSON)", lambda: catalogue_geojson(catalogue, ids), "geojson", "application/geo+json"),
)
for column, (label, data, extension, mime) in zip(st.columns(len(exports)), exports):
    column.download_button(
        label,
        data,
        file_name=f"cooperations_selection{'_excel' if 'FR' in label else ''}.{extension}",
        mime=mime,
        width="stretch",
        on_click="ignore",
    )
st.caption(
    "XLSX et « CSV pour Excel » : libellés français à côté des codes et noms des membres ; le CSV du "
    "catalogue se réimporte tel quel dans la page Données."
)
sources_footer()
