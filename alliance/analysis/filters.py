"""Filtering the catalogue (AND across fields, OR within a field) and the URL form of filters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from alliance.data.catalogue import Catalogue
from alliance.data.geodata import GeoData
from alliance.data.vocab import Vocabularies


@dataclass(frozen=True)
class FilterField:
    """One filter of the pages, declared once: the sidebar widget, the URL, the filtering and
    the scenes all read this table."""

    name: str  # attribute of Filters (period: annee_min / annee_max)
    url: str  # URL parameter (period: start year; PERIOD_END_URL for the end)
    kind: Literal["text", "place", "vocab", "period"]
    column: str  # catalogue column (vocab, period) or FilterIndex.places column (place)
    family: str = ""  # vocabulary family of a vocab filter (its French label comes from there)
    label: str = ""  # French label of the other kinds
    everything: str = "Tous"  # placeholder of an empty multiselect


FILTER_FIELDS: tuple[FilterField, ...] = (
    FilterField("texte", "q", "text", "", label="Recherche (coopération, territoire)"),
    FilterField("regions", "region", "place", "region", label="Région", everything="Toutes"),
    FilterField("departements", "dep", "place", "dep", label="Département"),
    FilterField("types", "type", "vocab", "type", "type"),
    FilterField("themes", "theme", "vocab", "themes", "theme"),
    FilterField("finalites", "finalite", "vocab", "finalites", "finalite", everything="Toutes"),
    FilterField("portages", "portage", "vocab", "portage", "portage"),
    FilterField("statuts", "statut", "vocab", "statut", "statut"),
    FilterField("provenances", "source", "vocab", "provenance", "provenance", everything="Toutes"),
    FilterField("periode", "de", "period", "annee", label="Période (année de création)"),
)
FIELDS = {f.name: f for f in FILTER_FIELDS}
PERIOD_END_URL = "a"
URL_KEYS = tuple(f.url for f in FILTER_FIELDS) + (PERIOD_END_URL,)
MAX_PARAM_CHARS = 300  # longer URL values are cut before any work
MAX_PARAMS = 20  # parameters beyond that are ignored
MAX_LIST_VALUES = 30  # values of one list parameter beyond that are ignored
MAX_WARNINGS = 8
_YEAR = re.compile(r"-?[0-9]{1,4}", re.ASCII)


VIEW_URL = "vue"  # the map's view when the link was copied: « latitude,longitude,zoom »


def parse_view(text: str) -> tuple[float, float, float] | None:
    """(latitude, longitude, zoom) of a `vue` URL parameter, or None when it is not one."""
    try:
        lat, lon, zoom = (float(part) for part in str(text).split(","))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 2 <= zoom <= 18):
        return None
    return lat, lon, zoom


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
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class FilterIndex:
    """Per cooperation, the places it touches and the text it can be found by (computed once)."""

    places: pd.DataFrame  # coop_id, region, dep (one row per pair)
    search_text: pd.Series  # coop_id -> folded names of the cooperation and its members
    years: tuple[int, int] | None = field(default=None)
    # coop_id -> "|name|name|…|": folded names of the communes of its EPCI and of its départements
    place_names: pd.Series | None = field(default=None)


def build_filter_index(catalogue: Catalogue, geo: GeoData) -> FilterIndex:
    members = catalogue.members
    region_of = geo.departements["region"]
    deps_of = {
        ref: geo.departements_of(kind, code)
        for ref, kind, code in members[["ref", "kind", "code"]].drop_duplicates("ref").itertuples(index=False)
    }
    pairs = members[["coop_id", "ref"]].assign(dep=members["ref"].map(deps_of)).explode("dep").dropna(subset=["dep"])
    rows = zip(pairs["coop_id"], pairs["dep"].map(region_of), pairs["dep"])
    places = pd.DataFrame(rows, columns=["coop_id", "region", "dep"]).drop_duplicates()
    names: dict[str, list[str]] = {}
    for cid, nom in zip(members["coop_id"].tolist(), members["nom"].astype(str).tolist()):
        names.setdefault(cid, []).append(nom)
    # A cooperation is also found by the full name of a commune of its member EPCI or of a
    # département it touches: « Saint-Pol-sur-Ternoise » finds what its EPCI takes part in (a
    # whole name only: « Brest » must not bring the cooperations of Brestot's EPCI).
    communes_of = geo.communes.groupby("siren_epci")["nom"].agg(lambda n: "|".join(map(fold, n)))
    place_names: dict[str, list[str]] = {}
    epci = members[members["kind"] == "epci"]
    for cid, code in zip(epci["coop_id"].tolist(), epci["code"].tolist()):
        if code in communes_of.index:
            place_names.setdefault(cid, []).append(communes_of[code])
    dep_names = geo.departements["nom"].map(fold)
    for cid, dep in zip(places["coop_id"].tolist(), places["dep"].tolist()):
        if dep in dep_names.index:
            place_names.setdefault(cid, []).append(dep_names[dep])
    coops = catalogue.cooperations
    text = pd.Series(
        [
            fold(f"{nom} {' '.join(names.get(cid, ()))}")
            for cid, nom in zip(coops.index.tolist(), coops["nom"].tolist())
        ],
        index=coops.index,
    )
    whole_names = pd.Series(
        ["|" + "|".join(place_names.get(cid, ())) + "|" for cid in coops.index.tolist()], index=coops.index
    )
    years = catalogue.cooperations["annee"].dropna()
    span = (int(years.min()), int(years.max())) if len(years) else None
    return FilterIndex(places=places, search_text=text, years=span, place_names=whole_names)


def apply_filters(catalogue: Catalogue, index: FilterIndex, filters: Filters) -> pd.Index:
    """Ids of the cooperations matching every field of `filters` (one value per field suffices)."""
    coops = catalogue.cooperations
    keep = pd.Series(True, index=coops.index)
    for f in FILTER_FIELDS:
        if f.kind == "vocab" and getattr(filters, f.name):
            wanted = set(getattr(filters, f.name))
            keep &= coops[f.column].map(
                lambda c, wanted=wanted: bool(wanted & (set(c) if isinstance(c, tuple) else {c}))
            )
        elif f.kind == "place" and getattr(filters, f.name):
            places = index.places
            hits = set(places.loc[places[f.column].isin(set(getattr(filters, f.name))), "coop_id"])
            keep &= coops.index.isin(list(hits))
        elif f.kind == "period" and (filters.annee_min is not None or filters.annee_max is not None):
            years = coops[f.column]
            lo = filters.annee_min if filters.annee_min is not None else -(10**6)
            hi = filters.annee_max if filters.annee_max is not None else 10**6
            keep &= years.notna() & (years.fillna(0) >= lo) & (years.fillna(0) <= hi)
        elif f.kind == "text" and fold(filters.texte.strip()):
            query = fold(filters.texte.strip())
            words = query.split()
            texts = index.search_text.tolist()
            found = np.fromiter((all(word in text for word in words) for text in texts), bool, len(texts))
            if index.place_names is not None:
                whole = f"|{query}|"
                found |= np.fromiter((whole in names for names in index.place_names.tolist()), bool, len(texts))
            keep &= found
    return coops.index[keep.to_numpy()]


def to_query(filters: Filters) -> dict[str, str]:
    """URL parameters of `filters` (lists comma-separated; empty fields left out)."""
    out = {}
    for f in FILTER_FIELDS:
        if f.kind == "period":
            if filters.annee_min is not None:
                out[f.url] = str(filters.annee_min)
            if filters.annee_max is not None:
                out[PERIOD_END_URL] = str(filters.annee_max)
        elif f.kind == "text":
            if filters.texte.strip():
                out[f.url] = filters.texte.strip()
        elif getattr(filters, f.name):
            out[f.url] = ",".join(getattr(filters, f.name))
    return out


def _year(text: str, key: str, years: tuple[int, int] | None, warnings: list[str]) -> int | None:
    """A year from the URL, clamped to `years` (French warning when invalid or clamped)."""
    if not text:
        return None
    if not _YEAR.fullmatch(text):
        warnings.append(f"Paramètre « {key} » : année « {text[:20]} » invalide, ignorée.")
        return None
    year = int(text)
    if years is not None and not years[0] <= year <= years[1]:
        clamped = min(max(year, years[0]), years[1])
        warnings.append(
            f"Paramètre « {key} » : année {year} hors de la période connue "
            f"({years[0]}–{years[1]}), ramenée à {clamped}."
        )
        year = clamped
    return year


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

    places = {"region": geo.regions.index, "dep": geo.departements.index}  # by FilterIndex.places column
    for f in FILTER_FIELDS:
        if f.kind == "vocab":
            values[f.name] = keep_known(f.url, vocab[f.family].values, vocab[f.family].libelle.lower())
        elif f.kind == "place":
            values[f.name] = keep_known(f.url, set(places[f.column]), f.label.lower())
        elif f.kind == "text":
            values[f.name] = str(params.get(f.url, ""))[:200]
        else:
            for key, name in ((f.url, "annee_min"), (PERIOD_END_URL, "annee_max")):
                year = _year(params.get(key, "").strip(), key, years, warnings)
                if year is not None:
                    values[name] = year
    for unknown in sorted(set(params) - set(URL_KEYS) - {"coop", VIEW_URL}):
        warnings.append(f"Paramètre « {unknown[:40]} » inconnu, ignoré.")
    if params.get(VIEW_URL) and parse_view(params[VIEW_URL]) is None:
        warnings.append(f"Paramètre « {VIEW_URL} » : « latitude,longitude,zoom » attendu, ignoré.")
    filters = Filters(**values)
    if filters.annee_min is not None and filters.annee_max is not None and filters.annee_min > filters.annee_max:
        warnings.append("Période inversée : les années ont été échangées.")
        filters = replace(filters, annee_min=filters.annee_max, annee_max=filters.annee_min)
    if len(warnings) > MAX_WARNINGS:
        warnings = warnings[: MAX_WARNINGS - 1] + [
            f"… et {len(warnings) - MAX_WARNINGS + 1} autre(s) paramètre(s) ignoré(s)."
        ]
    return filters, warnings


def describe(filters: Filters, vocab: Vocabularies, geo: GeoData, limit: int = 3) -> str:
    """The selection in words, for chart titles and exports: « Région : Bretagne · Thème :
    alimentation · 2010–2020 », or « Tout le catalogue » without filter."""
    names = {"region": geo.regions["nom"], "dep": geo.departements["nom"]}
    parts = []
    for f in FILTER_FIELDS:
        if f.kind == "text" and filters.texte.strip():
            parts.append(f"Recherche : « {filters.texte.strip()[:60]} »")
        elif f.kind == "period" and (filters.annee_min is not None or filters.annee_max is not None):
            start = filters.annee_min if filters.annee_min is not None else "…"
            end = filters.annee_max if filters.annee_max is not None else "…"
            parts.append(f"Créées de {start} à {end}")
        elif f.kind in ("vocab", "place") and getattr(filters, f.name):
            values = getattr(filters, f.name)
            if f.kind == "vocab":
                label, words = vocab[f.family].libelle, [vocab[f.family].label(v) for v in values]
            else:
                label, words = f.label, [str(names[f.column].get(v, v)) for v in values]
            more = f" et {len(words) - limit} autre(s)" if len(words) > limit else ""
            parts.append(f"{label} : {', '.join(words[:limit])}{more}")
    return " · ".join(parts) or "Tout le catalogue"
