"""Aggregations behind the charts (plain pandas, tested) and the exports of a selection."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from alliance.analysis.filters import FIELDS
from alliance.data.catalogue import LIST_COLUMNS, Catalogue
from alliance.data.geodata import GeoData
from alliance.data.vocab import Family
from alliance.fmt import fmt_int, fmt_pct


@dataclass(frozen=True)
class Distribution:
    """A count of cooperations per value of one catalogue column (a bar chart)."""

    key: str  # chart key: scene `graphique`, export file name
    column: str  # catalogue column
    family: str  # vocabulary family of its values
    title: str  # French chart title
    filter: str | None = None  # the Filters field a click on a bar narrows (None: not a filter)

    @property
    def multi(self) -> bool:
        """Whether a cooperation may hold several values (it then counts once in each)."""
        return self.column in LIST_COLUMNS


def _distribution(key: str, title: str, filter_name: str) -> Distribution:
    field = FIELDS[filter_name]
    return Distribution(key, field.column, field.family, title, filter_name)


DISTRIBUTIONS = {
    d.key: d
    for d in (
        _distribution("themes", "Thèmes", "themes"),
        _distribution("portage", "Portage", "portages"),
        _distribution("types", "Types de coopération", "types"),
        _distribution("finalites", "Finalités", "finalites"),
        _distribution("statuts", "Statut", "statuts"),
        Distribution("territoires", "territoires", "territoires", "Territoires parties prenantes"),
    )
}


def _exploded(coops: pd.DataFrame, column: str) -> pd.Series:
    values = coops[column]
    if values.map(lambda v: isinstance(v, tuple)).any():
        values = values.explode().dropna()
    return values


def informed(coops: pd.DataFrame, column: str) -> pd.Series:
    """Whether each cooperation states a value in `column` (a non-empty list, or a non-empty cell)."""
    return coops[column].map(lambda v: bool(v) if isinstance(v, tuple) else pd.notna(v) and v != "")


def distribution(coops: pd.DataFrame, column: str, family: Family) -> pd.DataFrame:
    """Cooperations per value of `column` (a cooperation with three themes counts once in each).

    Columns: cle, libelle, couleur, n, part (share in %), n_texte, part_texte. Shares are taken
    over the cooperations where `column` is stated (`informed`): a row whose sources state no
    theme or portage does not dilute them, and the note under the chart gives that number.
    Sorted by decreasing count; values absent from the selection are left out; values unknown to
    the vocabulary are kept under their key (so nothing is silently dropped)."""
    total = int(informed(coops, column).sum()) if len(coops) else 0
    counts = _exploded(coops, column).value_counts() if total else pd.Series(dtype="int64")
    counts = counts[counts.index != ""]
    rows = [
        {"cle": key, "libelle": family.label(key), "couleur": family.colour(key), "n": int(n)}
        for key, n in counts.items()
    ]
    out = pd.DataFrame(rows, columns=["cle", "libelle", "couleur", "n"])
    out["part"] = (100.0 * out["n"] / total) if total else 0.0
    order = {k: i for i, k in enumerate(family.keys)}
    out = (
        out.assign(_o=out["cle"].map(lambda k: order.get(k, len(order))))
        .sort_values(["n", "_o"], ascending=[False, True])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    out["n_texte"] = out["n"].map(fmt_int)
    out["part_texte"] = out["part"].map(fmt_pct)
    return out


def population(coops: pd.DataFrame, column: str | None = None) -> dict[str, int]:
    """What a figure rests on: the selection's cooperations by provenance (documentees,
    registres, contributions) and, for `column`, how many state it (renseignees, of which
    renseignees_documentees, renseignees_registres, and definition: register rows whose value
    comes from the instrument's official definition)."""
    provenance = coops["provenance"] if "provenance" in coops else pd.Series("documentee", index=coops.index)
    out = {
        "total": len(coops),
        "documentees": int((provenance == "documentee").sum()),
        "registres": int((provenance == "registre").sum()),
        "contributions": int((provenance == "contribution").sum()),
    }
    if column is not None:
        stated = informed(coops, column)
        out["renseignees"] = int(stated.sum())
        out["renseignees_registres"] = int((stated & (provenance == "registre")).sum())
        out["renseignees_documentees"] = out["renseignees"] - out["renseignees_registres"]
        origin = f"{column}_origine"
        out["definition"] = (
            int((stated & (coops[origin] != "") & coops[origin].str.startswith("définition")).sum())
            if origin in coops
            else 0
        )
    return out


def coverage(coops: pd.DataFrame, column: str) -> tuple[int, int]:
    """(cooperations where `column` is filled in, cooperations) of a selection."""
    return int(informed(coops, column).sum()), len(coops)


COVERAGE_TYPES = ("petr", "pole_metropolitain", "pays", "crte")


def register_coverage(catalogue: Catalogue, geo: GeoData, ids=None) -> pd.DataFrame:
    """Per région: EPCI, communes and population inside at least one PETR, pôle métropolitain,
    Pays or CRTE signed by several EPCI (documented or register rows among `ids`)."""
    coops = catalogue.cooperations if ids is None else catalogue.cooperations.loc[list(ids)]
    chosen = coops.index[coops["type"].isin(COVERAGE_TYPES)]
    members = catalogue.members_of(chosen, kind="epci")
    covered = set(members["code"])
    communes = geo.communes[geo.communes["siren_epci"] != ""].assign(couverte=lambda d: d["siren_epci"].isin(covered))
    epci = geo.epci.assign(couvert=geo.epci.index.isin(list(covered)))
    rows = []
    for code, name in geo.regions["nom"].items():
        com = communes[communes["region"] == code]
        ep = epci[epci["region"] == code]
        if com.empty:
            continue
        population = com["population"].sum()
        rows.append(
            {
                "region": name,
                "epci": len(ep),
                "epci_couverts": int(ep["couvert"].sum()),
                "part_epci": 100 * ep["couvert"].mean() if len(ep) else 0.0,
                "part_communes": 100 * com["couverte"].mean(),
                "part_population": 100 * com.loc[com["couverte"], "population"].sum() / population
                if population
                else 0.0,
            }
        )
    out = pd.DataFrame(rows).sort_values("part_population", ascending=False).reset_index(drop=True)
    for column in ("part_epci", "part_communes", "part_population"):
        out[column + "_texte"] = out[column].map(fmt_pct)
    return out


SIZE_CLASSES = (
    (0, 30_000, "moins de 30 000 habitants"),
    (30_000, 60_000, "30 000 à 60 000"),
    (60_000, 100_000, "60 000 à 100 000"),
    (100_000, 200_000, "100 000 à 200 000"),
    (200_000, 10**9, "200 000 et plus"),
)


def grouping_sizes(catalogue: Catalogue, geo: GeoData, ids, type_: str = "petr") -> pd.DataFrame:
    """Groupings of one type in `ids` by population class (population of their member EPCI)."""
    coops = catalogue.cooperations.loc[list(ids)]
    chosen = coops.index[coops["type"] == type_]
    members = catalogue.members_of(chosen, kind="epci")
    population = (
        members.assign(population=members["code"].map(geo.epci["population"])).groupby("coop_id")["population"].sum()
    )
    epci = members.groupby("coop_id")["code"].nunique()
    rows = []
    for lo, hi, label in SIZE_CLASSES:
        inside = population[(population >= lo) & (population < hi)]
        rows.append(
            {
                "classe": label,
                "n": len(inside),
                "epci_median": float(epci.loc[inside.index].median()) if len(inside) else 0.0,
            }
        )
    out = pd.DataFrame(rows)
    total = out["n"].sum()
    out["part_texte"] = (100 * out["n"] / total if total else out["n"] * 0.0).map(fmt_pct)
    out["n_texte"] = out["n"].map(fmt_int)
    return out


def timeline(coops: pd.DataFrame, type_family: Family) -> pd.DataFrame:
    """Cooperations created per year and type, with the running total (years known only)."""
    known = coops.dropna(subset=["annee"])
    if known.empty:
        return pd.DataFrame(columns=["annee", "type", "libelle", "couleur", "n", "cumul"])
    per = known.groupby([known["annee"].astype(int), "type"]).size().rename("n").reset_index()
    per["libelle"] = per["type"].map(type_family.label)
    per["couleur"] = per["type"].map(type_family.colour)
    totals = per.groupby("annee")["n"].sum().sort_index().cumsum().rename("cumul")
    return per.merge(totals, left_on="annee", right_index=True).sort_values(["annee", "type"]).reset_index(drop=True)


def theme_by_type(coops: pd.DataFrame, theme_family: Family, type_family: Family) -> pd.DataFrame:
    """Cross-table thème × type (counts of cooperations), long format for a heatmap."""
    pairs = coops[["themes", "type"]].explode("themes").dropna()
    if pairs.empty:
        return pd.DataFrame(columns=["theme", "type", "n", "theme_libelle", "type_libelle"])
    out = pairs.groupby(["themes", "type"]).size().rename("n").reset_index().rename(columns={"themes": "theme"})
    out["theme_libelle"] = out["theme"].map(theme_family.label)
    out["type_libelle"] = out["type"].map(type_family.label)
    return out


def most_connected(catalogue: Catalogue, geo: GeoData, ids, limit: int = 15) -> pd.DataFrame:
    """EPCI taking part in the most selected cooperations (directly or through a grouping)."""
    m = catalogue.members
    m = m[m["coop_id"].isin(list(ids)) & (m["kind"] == "epci")]
    if m.empty:
        return pd.DataFrame(columns=["siren", "nom", "n", "directes"])
    counts = m.groupby("code")["coop_id"].nunique().rename("n")
    direct = m[m["via"].isna()].groupby("code")["coop_id"].nunique().rename("directes")
    out = pd.concat([counts, direct], axis=1).fillna(0).astype(int).reset_index(names="siren")
    out["nom"] = out["siren"].map(geo.epci["nom"])
    return (
        out.sort_values(["n", "nom"], ascending=[False, True])
        .head(limit)
        .reset_index(drop=True)[["siren", "nom", "n", "directes"]]
    )


def _short_name(name: str, type_label: str) -> str:
    """« Pôle métropolitain du Pays de Brest » → « Pays de Brest » (the chart title names the type)."""
    import re

    short = re.sub(rf"^{re.escape(type_label)}\s+(?:du |de la |de l'|de l’|des |de |d'|d’)?", "", name, flags=re.I)
    return short[:1].upper() + short[1:] if short else name


def member_population(catalogue: Catalogue, geo: GeoData, ids, limit: int = 12) -> pd.DataFrame:
    """Population and number of member EPCI of each selected cooperation (largest first), in the
    shape of `distribution`: n = population in thousands, part_texte = « 7 EPCI · 412 000 hab. »."""
    from alliance.data.catalogue import territory_figures

    types = catalogue.vocab["type"]
    rows = []
    for cid in ids:
        figures = territory_figures(catalogue, geo, cid)
        row = catalogue.cooperations.loc[cid]
        rows.append(
            {
                "cle": cid,
                "libelle": _short_name(row["nom"], types.label(row["type"])),
                "couleur": types.colour(row["type"]),
                "population": figures["population"],
                "n_epci": figures["n_epci"],
            }
        )
    out = pd.DataFrame(rows, columns=["cle", "libelle", "couleur", "population", "n_epci"])
    out = out.sort_values(["population", "libelle"], ascending=[False, True]).head(limit).reset_index(drop=True)
    out["n"] = (out["population"] / 1000).round().astype(int)
    out["part"] = out["population"]
    out["n_texte"] = out["population"].map(fmt_int)
    out["part_texte"] = [
        f"{fmt_int(e)} EPCI · {fmt_int(p)} hab." for e, p in zip(out["n_epci"], out["population"], strict=True)
    ]
    return out


def catalogue_composition(catalogue: Catalogue) -> pd.DataFrame:
    """What the catalogue is made of: one row per (provenance, source, type) with its count, how
    many of them only prepare what the type names (a park not yet classified) and the vintages
    (millesime) of its rows, largest groups first within each source."""
    coops = catalogue.cooperations
    table = (
        coops.groupby(["provenance", "source", "type"])
        .agg(
            n=("nom", "size"),
            en_preparation=("description", lambda d: int(d.str.contains("préfiguration", regex=False).sum())),
            millesimes=("millesime", lambda m: " ; ".join(sorted({v for v in m if v}))),
        )
        .reset_index()
    )
    table["type_libelle"] = table["type"].map(catalogue.vocab["type"].label)
    order = {"documentee": 0, "registre": 1, "contribution": 2}
    return (
        table.assign(_o=table["provenance"].map(order).fillna(3))
        .sort_values(["_o", "source", "n"], ascending=[True, True, False])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
