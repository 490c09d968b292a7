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
from alliance.fmt import fmt_int, plural
from alliance.views import charts

NOTE_MULTI = (
    "Une coopération qui porte sur plusieurs {what} compte une fois pour chacun ; "
    "les parts peuvent dépasser 100 % au total."
)
NOTE_SINGLE = "Chaque coopération compte une fois."
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
    empty: str = ""  # why the selection gives this chart nothing to show (French), "" when it does


@dataclass(frozen=True)
class StatChart:
    """One chart: how to build it from the selection, and which filters a click narrows."""

    key: str
    build: Callable[[Catalogue, GeoData, pd.Index], Built]
    narrows: tuple[str, ...] = ()  # Filters fields set by a click (empty: not clickable)
    point_fields: tuple[str, ...] = ("cle",)  # fields of the clicked point, in the same order


def selection_words(counts: dict[str, int]) -> str:
    """« 658 coopérations sélectionnées : 76 documentées, 582 des registres nationaux »."""
    parts = [
        plural(counts[key], singular, plural_form)
        for key, singular, plural_form in (
            ("documentees", "documentée", "documentées"),
            ("registres", "issue des registres nationaux", "issues des registres nationaux"),
            ("contributions", "contribution validée", "contributions validées"),
        )
        if counts[key]
    ]
    head = plural(counts["total"], "coopération sélectionnée", "coopérations sélectionnées")
    return f"{head} : {', '.join(parts)}" if parts else head


def _population_note(coops: pd.DataFrame, d: Distribution) -> str:
    """The population and denominator of a distribution, so that each share can be recomputed."""
    counts = stats.population(coops, d.column)
    stated = counts["renseignees"]
    what = d.title.lower()
    if stated == counts["total"]:
        detail = selection_words(counts).partition(" : ")[2]
        basis = f" Parts calculées sur les {fmt_int(stated)} coopérations de la sélection" + (
            f" ({detail})." if detail else "."
        )
    else:
        parts = []
        if counts["renseignees_documentees"]:
            parts.append(f"{fmt_int(counts['renseignees_documentees'])} documentées ou contribuées")
        if counts["renseignees_registres"]:
            parts.append(f"{fmt_int(counts['renseignees_registres'])} des registres")
        detail = ", ".join(parts)
        if counts["definition"]:
            detail += f", dont {fmt_int(counts['definition'])} d'après la définition officielle de leur programme"
        basis = (
            f" {what.capitalize()} : renseigné pour {plural(stated, 'coopération')} sur {fmt_int(counts['total'])} "
            f"sélectionnées ({detail}) ; les parts sont calculées sur ces {fmt_int(stated)}. Les autres n'ont pas "
            "de valeur dans leurs sources : elles ne sont pas comptées."
        )
    return basis


def _empty_distribution(coops: pd.DataFrame, d: Distribution) -> str:
    counts = stats.population(coops, d.column)
    return (
        f"{d.title} : aucune des {plural(counts['total'], 'coopération sélectionnée', 'coopérations sélectionnées')} "
        f"({selection_words(counts).split(' : ', 1)[-1]}) n'a de valeur renseignée dans ses sources. "
        "Élargissez les filtres (une autre région, toutes les provenances) pour voir cette répartition."
    )


def distribution_chart(d: Distribution) -> StatChart:
    """The bar chart of a distribution; a click narrows its filter when it has one."""

    def build(catalogue: Catalogue, geo: GeoData, ids: pd.Index) -> Built:
        coops = catalogue.cooperations.loc[list(ids)]
        data = stats.distribution(coops, d.column, catalogue.vocab[d.family])
        note = NOTE_MULTI.format(what=MULTI_WHAT.get(d.key, "valeurs")) if d.multi else NOTE_SINGLE
        chart = charts.bar_distribution(data, d.title, selectable=d.filter is not None)
        empty = _empty_distribution(coops, d) if data.empty else ""
        return Built(chart, data, note + _population_note(coops, d), empty)

    return StatChart(d.key, build, narrows=(d.filter,) if d.filter else ())


def _timeline(catalogue: Catalogue, geo: GeoData, ids: pd.Index) -> Built:
    coops = catalogue.cooperations.loc[list(ids)]
    types = catalogue.vocab["type"]
    data = stats.timeline(coops, types)
    colours = {types.label(k): types.colour(k) for k in types.keys if k in set(data["type"])}
    known = int(coops["annee"].notna().sum())
    empty = (
        f"Aucune des {fmt_int(len(coops))} coopérations sélectionnées n'a d'année de création connue : les registres "
        "nationaux n'en donnent pas, seuls les documents sources en citent. Élargissez les filtres pour voir la "
        "chronologie des coopérations documentées."
        if data.empty
        else ""
    )
    return Built(
        charts.timeline_chart(data, colours),
        data,
        f"Année de création connue pour {fmt_int(known)} coopérations sur {fmt_int(len(coops))} ; "
        "les autres n'apparaissent pas ici.",
        empty,
    )


def _theme_by_type(catalogue: Catalogue, geo: GeoData, ids: pd.Index) -> Built:
    coops = catalogue.cooperations.loc[list(ids)]
    data = stats.theme_by_type(coops, catalogue.vocab["theme"], catalogue.vocab["type"])
    stated = int(stats.informed(coops, "themes").sum())
    return Built(
        charts.heatmap(data),
        data,
        "Nombre de coopérations par thème et par type (une coopération compte dans chacun de ses thèmes) ; "
        f"thème renseigné pour {plural(stated, 'coopération')} sur {fmt_int(len(coops))} sélectionnées.",
        "Aucune coopération sélectionnée n'a de thème renseigné dans ses sources : pas de croisement à montrer. "
        "Élargissez les filtres."
        if data.empty
        else "",
    )


def _most_connected(catalogue: Catalogue, geo: GeoData, ids: pd.Index) -> Built:
    data = stats.most_connected(catalogue, geo, ids)
    counted = selection_words(stats.population(catalogue.cooperations.loc[list(ids)]))
    return Built(
        charts.ranking_chart(data),
        data,
        "Nombre de coopérations sélectionnées auxquelles chaque EPCI prend part, directement ou via "
        f"un groupement (PETR, Pays, pôle…) ; {counted}.",
        "Aucune coopération sélectionnée n'a d'EPCI membre : pas de classement. Élargissez les filtres."
        if data.empty
        else "",
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
