"""Filtering the catalogue (AND across fields, OR within a field) and the URL form of filters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pandas as pd

from alliance.data.catalogue import Catalogue
from alliance.data.geodata import GeoData
from alliance.data.vocab import Vocabularies

# Filter field -> (URL parameter, catalogue column, vocabulary family)
VOCAB_FIELDS = {
    "types": ("type", "type", "type"),
    "themes": ("theme", "themes", "theme"),
    "finalites": ("finalite", "finalites", "finalite"),
    "portages": ("portage", "portage", "portage"),
    "statuts": ("statut", "statut", "statut"),
    "provenances": ("source", "provenance", "provenance"),
}
PLACE_FIELDS = {"regions": "region", "departements": "dep"}
URL_KEYS = ("region", "dep", "type", "theme", "finalite", "portage", "statut", "source", "de", "a", "q")
MAX_PARAM_CHARS = 300  # longer URL values are cut before any work
MAX_PARAMS = 20  # parameters beyond that are ignored
MAX_LIST_VALUES = 30  # values of one list parameter beyond that are ignored
MAX_WARNINGS = 8
_YEAR = re.compile(r"-?[0-9]{1,4}", re.ASCII)


def clip_params(params: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """URL parameters bounded before any work: at most MAX_PARAMS keys, values cut to
    MAX_PARAM_CHARS characters (a French warning says what was cut)."""
    warnings: list[str] = []
    clipped: dict[str, str] = {}
    for pos, (key, value) in enumerate(params.items()):
        key = str(key)[:40]
        if pos >= MAX_PARAMS:
            warnings.append(f"Adresse trop longue : {len(params) - MAX_PARAMS} paramètre(s) ignoré(s).")
            break
        text = value[-1] if isinstance(value, (list, tuple)) and value else value
        text = "" if text is None else str(text)
        if len(text) > MAX_PARAM_CHARS:
            warnings.append(f"Paramètre « {key} » trop long ({len(text)} caractères) : tronqué à {MAX_PARAM_CHARS}.")
            text = text[:MAX_PARAM_CHARS]
        clipped[key] = text
    return clipped, warnings


@dataclass(frozen=True)
class Filters:
    """What the user selected; empty tuples mean "no restriction"."""

    regions: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    finalites: tuple[str, ...] = ()
    portages: tuple[str, ...] = ()
    statuts: tuple[str, ...] = ()
    provenances: tuple[str, ...] = ()
    annee_min: int | None = None
    annee_max: int | None = None
    texte: str = ""

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    def active_count(self) -> int:
        return sum(1 for f in fields(self) if getattr(self, f.name) not in ((), None, ""))


def fold(text: str) -> str:
    """Lower case without accents, for searches where accents are optional."""
    text = str(text).lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class FilterIndex:
    """Per cooperation, the places it touches and the text it can be found by (computed once)."""

    places: pd.DataFrame  # coop_id, region, dep (one row per pair)
    search_text: pd.Series  # coop_id -> folded names of the cooperation and its members
    years: tuple[int, int] | None = field(default=None)


def build_filter_index(catalogue: Catalogue, geo: GeoData) -> FilterIndex:
    members = catalogue.members
    rows = []
    communes = geo.communes
    epci_deps = geo.epci["departements"].str.split(";")
    for m in members.itertuples():
        if m.kind == "epci":
            deps = epci_deps.get(m.code, [])
        elif m.kind == "com":
            deps = [communes.at[m.code, "departement"]]
        elif m.kind == "dep":
            deps = [m.code]
        elif m.kind == "reg":
            deps = list(geo.departements.index[geo.departements["region"] == m.code])
        else:
            deps = []
        for dep in deps:
            rows.append((m.coop_id, geo.departements.at[dep, "region"], dep))
    places = pd.DataFrame(rows, columns=["coop_id", "region", "dep"]).drop_duplicates()
    names = members.groupby("coop_id")["nom"].apply(lambda s: " ".join(s.astype(str)))
    text = (catalogue.cooperations["nom"] + " " + names.reindex(catalogue.cooperations.index).fillna("")).map(fold)
    years = catalogue.cooperations["annee"].dropna()
    span = (int(years.min()), int(years.max())) if len(years) else None
    return FilterIndex(places=places, search_text=text, years=span)


def apply_filters(catalogue: Catalogue, index: FilterIndex, filters: Filters) -> pd.Index:
    """Ids of the cooperations matching every field of `filters` (one value per field suffices)."""
    coops = catalogue.cooperations
    keep = pd.Series(True, index=coops.index)
    for name, (_, column, _) in VOCAB_FIELDS.items():
        wanted = set(getattr(filters, name))
        if not wanted:
            continue
        cells = coops[column]
        keep &= cells.map(lambda c, wanted=wanted: bool(wanted & (set(c) if isinstance(c, tuple) else {c})))
    for name, column in PLACE_FIELDS.items():
        wanted = set(getattr(filters, name))
        if wanted:
            hits = set(index.places.loc[index.places[column].isin(wanted), "coop_id"])
            keep &= coops.index.isin(list(hits))
    if filters.annee_min is not None or filters.annee_max is not None:
        years = coops["annee"]
        lo = filters.annee_min if filters.annee_min is not None else -(10**6)
        hi = filters.annee_max if filters.annee_max is not None else 10**6
        keep &= years.notna() & (years.fillna(0) >= lo) & (years.fillna(0) <= hi)
    query = fold(filters.texte.strip())
    if query:
        keep &= index.search_text.map(lambda t: all(word in t for word in query.split()))
    return coops.index[keep.to_numpy()]


def to_query(filters: Filters) -> dict[str, str]:
    """URL parameters of `filters` (lists comma-separated; empty fields left out)."""
    out = {}
    for name, (key, _, _) in VOCAB_FIELDS.items():
        if getattr(filters, name):
            out[key] = ",".join(getattr(filters, name))
    for name, key in (("regions", "region"), ("departements", "dep")):
        if getattr(filters, name):
            out[key] = ",".join(getattr(filters, name))
    if filters.annee_min is not None:
        out["de"] = str(filters.annee_min)
    if filters.annee_max is not None:
        out["a"] = str(filters.annee_max)
    if filters.texte.strip():
        out["q"] = filters.texte.strip()
    return out


def from_query(
    params: dict[str, str], vocab: Vocabularies, geo: GeoData, years: tuple[int, int] | None = None
) -> tuple[Filters, list[str]]:
    """Filters from URL parameters; invalid values are dropped with a French warning each
    (at most MAX_WARNINGS), years are clamped to `years` when given."""
    params, warnings = clip_params(params)
    values: dict[str, Any] = {}

    def keep_known(key: str, allowed, what: str) -> tuple[str, ...]:
        raw = [v.strip() for v in str(params.get(key, "")).split(",") if v.strip()]
        if len(raw) > MAX_LIST_VALUES:
            warnings.append(
                f"Paramètre « {key} » : {len(raw)} valeurs, seules les {MAX_LIST_VALUES} premières sont lues."
            )
            raw = raw[:MAX_LIST_VALUES]
        good = tuple(dict.fromkeys(v for v in raw if v in allowed))
        for bad in [v for v in raw if v not in allowed]:
            warnings.append(f"Paramètre « {key} » : {what} « {bad[:60]} » inconnu(e), ignoré(e).")
        return good

    for name, (key, _, family) in VOCAB_FIELDS.items():
        values[name] = keep_known(key, vocab[family].values, vocab[family].libelle.lower())
    values["regions"] = keep_known("region", set(geo.regions.index), "région")
    values["departements"] = keep_known("dep", set(geo.departements.index), "département")
    for key, name in (("de", "annee_min"), ("a", "annee_max")):
        text = params.get(key, "").strip()
        if not text:
            continue
        if not _YEAR.fullmatch(text):
            warnings.append(f"Paramètre « {key} » : année « {text[:20]} » invalide, ignorée.")
            continue
        year = int(text)
        if years is not None and not years[0] <= year <= years[1]:
            clamped = min(max(year, years[0]), years[1])
            warnings.append(
                f"Paramètre « {key} » : année {year} hors de la période connue "
                f"({years[0]}–{years[1]}), ramenée à {clamped}."
            )
            year = clamped
        values[name] = year
    values["texte"] = str(params.get("q", ""))[:200]
    for unknown in sorted(set(params) - set(URL_KEYS) - {"coop"}):
        warnings.append(f"Paramètre « {unknown[:40]} » inconnu, ignoré.")
    filters = Filters(**values)
    if filters.annee_min is not None and filters.annee_max is not None and filters.annee_min > filters.annee_max:
        warnings.append("Période inversée : les années ont été échangées.")
        filters = replace(filters, annee_min=filters.annee_max, annee_max=filters.annee_min)
    if len(warnings) > MAX_WARNINGS:
        warnings = warnings[: MAX_WARNINGS - 1] + [
            f"… et {len(warnings) - MAX_WARNINGS + 1} autre(s) paramètre(s) ignoré(s)."
        ]
    return filters, warnings
