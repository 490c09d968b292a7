"""Filtering the catalogue (AND across fields, OR within a field) and the URL form of filters."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, fields, replace

import pandas as pd

from .catalogue import Catalogue
from .geodata import GeoData
from .vocab import Vocabularies

# Filter field -> (URL parameter, catalogue column, vocabulary family)
VOCAB_FIELDS = {
    "types": ("type", "type", "type"),
    "themes": ("theme", "themes", "theme"),
    "finalites": ("finalite", "finalites", "finalite"),
    "portages": ("portage", "portage", "portage"),
    "statuts": ("statut", "statut", "statut"),
}
PLACE_FIELDS = {"regions": "region", "departements": "dep"}
URL_KEYS = ("region", "dep", "type", "theme", "finalite", "portage", "statut", "de", "a", "q")


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

    places: pd.DataFrame          # coop_id, region, dep (one row per pair)
    search_text: pd.Series        # coop_id -> folded names of the cooperation and its members
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
        keep &= cells.map(lambda c: bool(wanted & (set(c) if isinstance(c, tuple) else {c})))
    for name, column in PLACE_FIELDS.items():
        wanted = set(getattr(filters, name))
        if wanted:
            hits = set(index.places.loc[index.places[column].isin(wanted), "coop_id"])
            keep &= coops.index.isin(list(hits))
    if filters.annee_min is not None or filters.annee_max is not None:
        years = coops["annee"]
        lo = filters.annee_min if filters.annee_min is not None else -10**6
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


def from_query(params: dict[str, str], vocab: Vocabularies, geo: GeoData) -> tuple[Filters, list[str]]:
    """Filters from URL parameters; invalid values are dropped with a French warning each."""
    warnings: list[str] = []
    values: dict[str, object] = {}

    def keep_known(key: str, allowed, what: str) -> tuple[str, ...]:
        raw = [v.strip() for v in str(params.get(key, "")).split(",") if v.strip()]
        good = tuple(dict.fromkeys(v for v in raw if v in allowed))
        for bad in [v for v in raw if v not in allowed]:
            warnings.append(f"Paramètre « {key} » : {what} « {bad} » inconnu(e), ignoré(e).")
        return good

    for name, (key, _, family) in VOCAB_FIELDS.items():
        values[name] = keep_known(key, vocab[family].values, vocab[family].libelle.lower())
    values["regions"] = keep_known("region", set(geo.regions.index), "région")
    values["departements"] = keep_known("dep", set(geo.departements.index), "département")
    for key, name in (("de", "annee_min"), ("a", "annee_max")):
        if params.get(key):
            try:
                values[name] = int(params[key])
            except ValueError:
                warnings.append(f"Paramètre « {key} » : année « {params[key]} » invalide, ignorée.")
    values["texte"] = str(params.get("q", ""))[:200]
    for unknown in sorted(set(params) - set(URL_KEYS) - {"coop"}):
        warnings.append(f"Paramètre « {unknown} » inconnu, ignoré.")
    filters = Filters(**values)
    if filters.annee_min is not None and filters.annee_max is not None and filters.annee_min > filters.annee_max:
        warnings.append("Période inversée : les années ont été échangées.")
        filters = replace(filters, annee_min=filters.annee_max, annee_max=filters.annee_min)
    return filters, warnings
