"""The charts of the Statistiques page, declared once: each view is a list of columns of
chart definitions, and the page draws them in a loop (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from alliance.analysis import stats
from alliance.analysis.stats import DISTRIBUTIONS, Distribution
from alliance.data.catalogue import Catalogue
from alliance.data.geodata import GeoData
from alliance.fmt import fmt_int
from alliance.views import charts

NOTE_MULTI = (
    "Une coopération qui porte sur plusieurs {what} compte une fois pour chacun ; "
    "les parts peuvent dépasser 100 % au total."
)
NOTE_SINGLE = "Chaque coopération compte une fois ; part = nombre de coopérations / coopérations sélectionnées."
MULTI_WHAT = {
    "themes": "thèmes",
    "portage": "modes de portage",
    "finalites": "finalités",
    "territoires": "catégories de territoires",
}


@dataclass(frozen=True)
class Built:
    chart: alt.TopLevelMixin
    data: pd.DataFrame
    note: str


@dataclass(frozen=True)
class StatChart:
    """One chart: how to build it from the selection, and which filters a click narrows."""

    key: str
    build: Callable[[Catalogue, GeoData, pd.Index], Built]
    narrows: tuple[str, ...] = ()  # Filters fields set by a click (empty: not clickable)
    point_fields: tuple[str, ...] = ("cle",)  # fields of the clicked point, in the same order


def _coverage_note(coops: pd.DataFrame, d: Distribution) -> str:
    filled = int((coops[d.column].map(len) > 0).sum()) if d.multi else int((coops[d.column] != "").sum())
    if filled == len(coops):
        return ""
    return (
        f" Renseigné pour {fmt_int(filled)} coopérations sur {fmt_int(len(coops))} "
        "(les registres nationaux ne l'indiquent pas)."
    )


def distribution_chart(d: Distribution) -> StatChart:
    """The bar chart of a distribution; a click narrows its filter when it has one."""

    def build(catalogue: Catalogue, geo: GeoData, ids: pd.Index) -> Built:
        coops = catalogue.cooperations.loc[list(ids)]
        data = stats.distribution(coops, d.column, catalogue.vocab[d.family])
        note = NOTE_MULTI.format(what=MULTI_WHAT.get(d.key, "valeurs")) if d.multi else NOTE_SINGLE
        chart = charts.bar_distribution(data, d.title, selectable=d.filter is not None)
        return Built(chart, data, note + _coverage_note(coops, d))

    return StatChart(d.key, build, narrows=(d.filter,) if d.filter else ())


def _timeline(catalogue: Catalogue, geo: GeoData, ids: pd.Index) -> Built:
    coops = catalogue.cooperations.loc[list(ids)]
    types = catalogue.vocab["type"]
    data = stats.timeline(coops, types)
    colours = {types.label(k): types.colour(k) for k in types.keys if k in set(data["type"])}
    known = int(coops["annee"].notna().sum())
    return Built(
        charts.timeline_chart(data, colours),
        data,
        f"Année de création connue pour {fmt_int(known)} coopérations sur {fmt_int(len(coops))} ; "
        "les autres n'apparaissent pas ici.",
    )


def _theme_by_type(catalogue: Catalogue, geo: GeoData, ids: pd.Index) -> Built:
    coops = catalogue.cooperations.loc[list(ids)]
    data = stats.theme_by_type(coops, catalogue.vocab["theme"], catalogue.vocab["type"])
    return Built(
        charts.heatmap(data),
        data,
        "Nombre de coopérations par thème et par type (une coopération compte dans chacun de ses thèmes).",
    )


def _most_connected(catalogue: Catalogue, geo: GeoData, ids: pd.Index) -> Built:
    data = stats.most_connected(catalogue, geo, ids)
    return Built(
        charts.ranking_chart(data),
        data,
        "Nombre de coopérations sélectionnées auxquelles chaque EPCI prend part, directement ou via "
        "un groupement (PETR, Pays, pôle…).",
    )


CHARTS = {d.key: distribution_chart(d) for d in DISTRIBUTIONS.values()} | {
    "chronologie": StatChart("chronologie", _timeline),
    "croisement": StatChart("croisement", _theme_by_type, narrows=("themes", "types"), point_fields=("theme", "type")),
    "territoires_connectes": StatChart("territoires_connectes", _most_connected),
}

COVERAGE_VIEW = "Couverture nationale"
# View label -> columns of chart keys (COVERAGE_VIEW shows tables, drawn by the page).
VIEWS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Thèmes et portage": (("themes",), ("portage",)),
    "Types, finalités, statuts": (("types", "statuts"), ("finalites", "territoires")),
    "Chronologie": (("chronologie",),),
    "Croisements et territoires": (("croisement", "territoires_connectes"),),
    COVERAGE_VIEW: (),
}
