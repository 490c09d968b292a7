"""The cooperation catalogue: territory references, validation, geometry and links.

A member of a cooperation is one of `epci:<SIREN>`, `com:<INSEE>`, `dep:<code>`, `reg:<code>`,
`coop:<id>` (another cooperation, whose own members give its shape) or `ext:<label>@<lat>,<lon>`
(a partner with no French code). Validation reports every problem with file, row and column;
`build_catalogue` turns valid rows into tables ready for the map (geometry, links, memberships).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, combinations
from pathlib import Path
from typing import IO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import process, utils

from alliance.data.geodata import GeoData
from alliance.data.vocab import Vocabularies
from alliance.paths import DATA_DIR, GEODATA_DIR

COLUMNS = [
    "id",
    "nom",
    "type",
    "membres",
    "chef_de_file",
    "themes",
    "finalites",
    "portage",
    "territoires",
    "temporalite",
    "intensite",
    "annee",
    "statut",
    "description",
    "source",
    "citation",
]
LIST_COLUMNS = {
    "membres": None,
    "themes": "theme",
    "finalites": "finalite",
    "portage": "portage",
    "territoires": "territoires",
    "temporalite": "temporalite",
    "intensite": "intensite",
}
REQUIRED = ("id", "nom", "type", "membres", "statut", "source", "citation")
# A register row (data/registres/) cites a dataset and a record identifier, not a sentence.
REGISTER_REQUIRED = ("id", "nom", "type", "membres", "statut", "source", "identifiant")
# Provenance of each row: documentee (a seed), registre (a national register), contribution;
# and of its members (membres_origine): seed, jeu_de_donnees (membres_jeu names it), deduit.
PROVENANCE_COLUMNS = [
    "provenance",
    "jeu_de_donnees",
    "millesime",
    "identifiant",
    "membres_origine",
    "membres_jeu",
    "membres_partiels",
    "membres_note",
    "portage_origine",  # register rows: what the register states that gives the portage
    "themes_origine",  # register rows: the instrument's official definition that gives the theme
]
MEMBER_ORIGINS = {
    "seed": "le document source, qui les nomme",
    "jeu_de_donnees": "un jeu de données officiel",
    "deduit": "des connaissances générales, non vérifiées (déduit)",
    "contribution": "la contribution",
}
MAX_CITATION_WORDS = 25
MIN_YEAR = 1950
COMMUNE_RADIUS_DEG = 0.02  # a commune member is drawn as a small disc around its point
REF_KINDS = {
    "epci": "EPCI",
    "com": "Commune",
    "dep": "Département",
    "reg": "Région",
    "coop": "Coopération",
    "ext": "Partenaire hors code officiel",
}
MAX_ID_CHARS = 100  # the same limit on SQLite and PostgreSQL (column of 200)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_EXT = re.compile(r"^(?P<label>[^@]+)@(?P<lat>-?\d+(?:\.\d+)?),(?P<lon>-?\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Problem:
    """One validation problem, located in a file, a row (1 = first data row) and a column."""

    fichier: str
    ligne: int | None
    colonne: str | None
    message: str

    def __str__(self) -> str:
        where = [self.fichier]
        if self.ligne is not None:
            where.append(f"ligne {self.ligne}")
        if self.colonne:
            where.append(f"colonne « {self.colonne} »")
        return f"{', '.join(where)} : {self.message}"


class CatalogueError(ValueError):
    """The catalogue does not validate; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n… et {len(problems) - 50} autres" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problème(s) dans le catalogue :\n{lines}{more}")


@dataclass(frozen=True)
class Ref:
    """A parsed territory reference."""

    kind: str
    code: str
    label: str | None = None
    lat: float | None = None
    lon: float | None = None
    raw: str = ""

    @property
    def text(self) -> str:
        """The reference as written in the catalogue (stable key of a member)."""
        return self.raw or f"{self.kind}:{self.code}"


def split_list(cell: object) -> list[str]:
    """Split a `;`-separated cell into stripped, non-empty values."""
    if not isinstance(cell, str):
        if cell is None or (isinstance(cell, float) and pd.isna(cell)):
            return []
        cell = str(cell)
    if ";" not in cell:
        cell = cell.strip()
        return [cell] if cell else []
    return [part for part in map(str.strip, cell.split(";")) if part]


def parse_ref(text: str) -> Ref:
    """Parse `kind:code`; raise ValueError (French message) when malformed."""
    kind, sep, rest = text.strip().partition(":")
    if not sep or kind not in REF_KINDS or not rest.strip():
        raise ValueError(f"référence « {text} » mal formée (attendu epci:, com:, dep:, reg:, coop: ou ext:)")
    rest = rest.strip()
    if kind == "ext":
        match = _EXT.match(rest)
        if not match:
            raise ValueError(f"partenaire externe « {text} » mal formé (attendu ext:libellé@lat,lon)")
        lat, lon = float(match["lat"]), float(match["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"coordonnées hors limites dans « {text} »")
        label = match["label"].strip()
        return Ref(
            kind="ext", code=label, label=label, lat=lat, lon=lon, raw=f"ext:{label}@{match['lat']},{match['lon']}"
        )
    return Ref(kind=kind, code=rest, raw=f"{kind}:{rest}")


class TerritoryIndex:
    """What the references can point at: the committed geodata (read-only)."""

    def __init__(self, geo: GeoData):
        self.geo = geo
        layers = {"epci": geo.epci, "com": geo.communes, "dep": geo.departements, "reg": geo.regions}
        # zip of plain lists: Series.to_dict iterates Arrow-backed strings one by one (10× slower)
        self.names = {kind: dict(zip(layer.index.tolist(), layer["nom"].tolist())) for kind, layer in layers.items()}
        self._choices = {
            f"{kind}:{code}": f"{name} ({code})"
            for kind, names in self.names.items()
            if kind != "com"
            for code, name in names.items()
        }

    def exists(self, ref: Ref) -> bool:
        return ref.code in self.names.get(ref.kind, {})

    def name(self, ref: Ref) -> str:
        if ref.kind == "ext":
            return ref.label or ref.code
        return self.names.get(ref.kind, {}).get(ref.code, ref.code)

    def closest(self, text: str, limit: int = 3) -> list[str]:
        """Closest known references to an unresolved one (by code or name), for error messages."""
        query = text.partition(":")[2] or text
        found = process.extract(query, self._choices, limit=limit, processor=utils.default_process)
        return [f"{key} {label}" for label, _score, key in found]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk build: building tens of thousands of
    geometries and rows otherwise triggers full collections over the whole (large, long-lived)
    heap — measured 0.42 s instead of 0.11 s for 10 000 perimeters. The build makes no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _objects(column: pd.Series | pd.Index):
    """A column as a NumPy array of Python objects (fast for Arrow-backed strings)."""
    return column.to_numpy(dtype=object)


def _texts(column: pd.Series) -> list[str]:
    """A column's cells as stripped text, "" for a missing cell."""
    return column.fillna("").astype(str).str.strip().tolist()


def validate(
    df: pd.DataFrame,
    vocab: Vocabularies,
    index: TerritoryIndex,
    fichier: str = "cooperations.csv",
    known_ids: set[str] | None = None,
) -> list[Problem]:
    """Every problem of a catalogue table (columns as in COLUMNS, all cells text)."""
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        return [Problem(fichier, None, c, "colonne absente") for c in missing]
    # Plain Python lists of stripped text, read once per column (vectorised): iterating rows of
    # Arrow-backed strings costs far more.
    table = {c: _texts(df[c]) for c in COLUMNS}
    ids = table["id"]
    all_ids = set(ids) | (known_ids or set())
    seen: dict[str, int] = {}
    this_year = dt.date.today().year
    years = {str(year) for year in range(MIN_YEAR, this_year + 2)}  # not int(): it reads "2_020" or "٢٠٢٠"
    provenance = _texts(df["provenance"]) if "provenance" in df else [""] * len(df)
    identifiant = _texts(df["identifiant"]) if "identifiant" in df else [""] * len(df)
    types, statuts = table["type"], table["statut"]
    vocab_types, vocab_statuts = vocab["type"].values, vocab["statut"].values
    # Checks that cannot fail on any row are skipped: one pass over each column settles it.
    table["identifiant"] = identifiant
    maybe_empty = {col for col in {*REQUIRED, *REGISTER_REQUIRED} if not all(table[col])}
    required = {
        register: [col for col in (REGISTER_REQUIRED if register else REQUIRED) if col in maybe_empty]
        for register in (False, True)
    }
    lists = []  # (column, family, cells, {cell: its unknown values}) for columns with any unknown value
    for col, family in LIST_COLUMNS.items():
        if family is None:
            continue
        known = vocab[family].values
        unknown = {cell: tuple(v for v in split_list(cell) if v not in known) for cell in set(table[col])}
        unknown = {cell: values for cell, values in unknown.items() if values}
        if unknown:
            lists.append((col, family, table[col], unknown))
    checked: dict[str, tuple[str | None, str | None]] = {}  # once per distinct member reference

    for i, cid in enumerate(ids):
        pos = i + 1

        def add(col: str | None, msg: str, pos: int = pos) -> None:
            problems.append(Problem(fichier, pos, col, msg))

        for col in required[provenance[i] == "registre"]:
            if not table[col][i]:
                add(col, "valeur obligatoire manquante")
        if cid:
            if len(cid) > MAX_ID_CHARS:
                add("id", f"identifiant trop long ({len(cid)} caractères, {MAX_ID_CHARS} au plus)")
            elif not _ID.match(cid):
                add("id", f"identifiant « {cid} » invalide (minuscules, chiffres et tirets)")
            if cid in seen:
                add("id", f"identifiant « {cid} » en double (déjà ligne {seen[cid]})")
            seen.setdefault(cid, pos)
        if types[i] and types[i] not in vocab_types:
            add("type", f"type inconnu « {types[i]} »")
        if statuts[i] and statuts[i] not in vocab_statuts:
            add("statut", f"statut inconnu « {statuts[i]} »")
        for col, family, cells, unknown in lists:
            for value in unknown.get(cells[i], ()):
                add(col, f"{vocab[family].libelle.lower()} inconnu(e) « {value} »")
        members = split_list(table["membres"][i])
        for text in members:
            if text not in checked:
                checked[text] = _check_member(text, index, all_ids)
            coop, message = checked[text]
            if message:
                add("membres", message)
            elif coop == cid:
                add("membres", "une coopération ne peut pas être membre d'elle-même")
        if len(set(members)) != len(members):
            add("membres", "membre en double")
        chef, annee, citation = table["chef_de_file"][i], table["annee"][i], table["citation"][i]
        if chef and chef not in members:
            add("chef_de_file", f"le chef de file « {chef} » doit figurer parmi les membres")
        if annee and annee not in years:
            add("annee", f"année « {annee} » invalide (entre {MIN_YEAR} et {this_year + 1})")
        if citation and len(citation.split()) > MAX_CITATION_WORDS:
            add("citation", f"citation trop longue ({len(citation.split())} mots, {MAX_CITATION_WORDS} au plus)")
    problems.extend(_cycle_problems(df, fichier))
    return problems


def _check_member(text: str, index: TerritoryIndex, ids: set[str]) -> tuple[str | None, str | None]:
    """(id of the cooperation it names if `coop:`, what is wrong with the reference or None)."""
    try:
        ref = parse_ref(text)
    except ValueError as exc:
        return None, str(exc)
    if ref.kind == "coop":
        return ref.code, None if ref.code in ids else f"coopération « {ref.code} » inconnue"
    if ref.kind != "ext" and not index.exists(ref):
        hint = index.closest(text)
        return None, f"référence « {text} » introuvable dans la géographie de référence" + (
            f" (proches : {', '.join(hint)})" if hint else ""
        )
    return None, None


def _cycle_problems(df: pd.DataFrame, fichier: str) -> list[Problem]:
    graph = {
        str(cid).strip(): [m[5:] for m in split_list(members) if m.startswith("coop:")]
        for cid, members in zip(_objects(df["id"]), _objects(df["membres"]))
        if "coop:" in str(members)
    }
    problems, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = " → ".join(stack[stack.index(nxt) :] + [nxt]) if nxt in stack else nxt
                problems.append(Problem(fichier, None, "membres", f"cycle entre coopérations : {cycle}"))
            elif state.get(nxt) is None and nxt in graph:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    return problems


def read_catalogue_csv(path: Path | IO[str]) -> pd.DataFrame:
    """Read a catalogue CSV with every cell as text (codes keep their leading zeros)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@dataclass(frozen=True)
class Catalogue:
    """Validated cooperations and everything the map, charts and profiles need (read-only)."""

    cooperations: pd.DataFrame  # index id; list columns as tuples; annee as Int64
    members: pd.DataFrame  # coop_id, ref, kind, code, nom, via (None = direct, or coop id)
    shapes: gpd.GeoSeries  # id -> union of its members' shapes (WGS84)
    anchors: gpd.GeoSeries  # member ref -> representative point
    links: gpd.GeoDataFrame  # coop_id, source, target, geometry (LineString)
    vocab: Vocabularies

    def direct_members(self, coop_id: str) -> list[str]:
        return list(self.cooperations.at[coop_id, "membres"])

    def members_of(self, ids: str | Iterable[str], kind: str | None = None, direct: bool = False) -> pd.DataFrame:
        """Member rows of one or several cooperations: of one `kind` of reference if given,
        only those named by the cooperation itself if `direct` (not reached via a grouping)."""
        return self.members.iloc[self.member_positions(ids, kind, direct)]

    def member_positions(self, ids: str | Iterable[str], kind: str | None = None, direct: bool = False) -> np.ndarray:
        """Positions in `members` of the rows `members_of` returns (sorted), without building
        the frame: with `member_column`, for callers that need one or two columns only."""
        wanted = [ids] if isinstance(ids, str) else list(ids)
        rows = self._member_rows
        found = [rows[cid] for cid in dict.fromkeys(wanted) if cid in rows]
        positions = np.sort(np.concatenate(found)) if found else np.empty(0, dtype=np.intp)
        if kind is not None:
            positions = positions[self._member_kinds[positions] == kind]
        if direct:
            positions = positions[self._member_direct[positions]]
        return positions

    def member_column(self, column: str) -> np.ndarray:
        """A column of `members` as a NumPy object array (built once; read-only)."""
        arrays = self._member_arrays
        if column not in arrays:
            array = self.members[column].to_numpy(dtype=object)
            array.flags.writeable = False
            arrays[column] = array
        return arrays[column]

    @functools.cached_property
    def _member_arrays(self) -> dict[str, np.ndarray]:
        return {}

    @functools.cached_property
    def _member_rows(self) -> dict[str, np.ndarray]:
        """Positions of each cooperation's rows in `members` (one pass, then lookups per rerun)."""
        return {str(cid): rows for cid, rows in self.members.groupby("coop_id", sort=False).indices.items()}

    @functools.cached_property
    def _member_kinds(self) -> np.ndarray:
        return self.member_column("kind")

    @functools.cached_property
    def _member_direct(self) -> np.ndarray:
        return self.members["via"].isna().to_numpy()

    def cooperations_of(self, ref: str) -> pd.Index:
        """Ids of the cooperations a territory reference takes part in (directly or via a grouping)."""
        return pd.Index(self.members.loc[self.members["ref"] == ref, "coop_id"].unique())


def build_catalogue(
    df: pd.DataFrame,
    vocab: Vocabularies,
    geo: GeoData,
    fichier: str = "cooperations.csv",
    known_shapes: dict[str, object] | None = None,
    base: Catalogue | None = None,
    index: TerritoryIndex | None = None,
) -> Catalogue:
    """Validate `df` and build the tables of the catalogue; raise CatalogueError if invalid.

    `known_shapes` (id -> geometry) are used as they are (precomputed register perimeters).
    With `base`, the rows of `df` are added to that catalogue (they may name its cooperations
    as `coop:` members) and only the new rows are computed: geometry, memberships and links
    are built with vectorised shapely calls, linear in the number of rows."""
    index = index or TerritoryIndex(geo)
    known_ids = set(base.cooperations.index) if base is not None else None
    problems = validate(df, vocab, index, fichier, known_ids=known_ids)
    if base is not None:
        problems += [
            Problem(fichier, pos, "id", f"identifiant « {cid} » déjà au catalogue de référence")
            for pos, cid in enumerate(df["id"].astype(str).str.strip(), start=1)
            if cid in base.cooperations.index
        ]
    if problems:
        raise CatalogueError(problems)
    return assemble_catalogue(df, vocab, geo, known_shapes, base, index)


def assemble_catalogue(
    df: pd.DataFrame,
    vocab: Vocabularies,
    geo: GeoData,
    known_shapes: dict[str, object] | None = None,
    base: Catalogue | None = None,
    index: TerritoryIndex | None = None,
) -> Catalogue:
    """The catalogue of rows already validated (see `build_catalogue`), added to `base` if given."""
    with gc_paused():
        return _assemble(df, vocab, geo, known_shapes, base, index or TerritoryIndex(geo))


def _assemble(
    df: pd.DataFrame,
    vocab: Vocabularies,
    geo: GeoData,
    known_shapes: dict[str, object] | None,
    base: Catalogue | None,
    index: TerritoryIndex,
) -> Catalogue:
    coops = _cooperation_table(df)
    builder = _Builder(coops, geo, index, base, known_shapes or {})
    members = builder.members()
    shapes = builder.shapes()
    anchors = builder.anchors(members)
    links = builder.links(vocab, anchors)
    if base is not None:
        coops = pd.concat([base.cooperations, coops])
        members = pd.concat([base.members, members], ignore_index=True)
        shapes = pd.concat([base.shapes, shapes])
        anchors = pd.concat([base.anchors, anchors])
        links = pd.concat([base.links, links], ignore_index=True)
    return Catalogue(
        cooperations=coops,
        members=members,
        shapes=gpd.GeoSeries(shapes, crs="EPSG:4326"),
        anchors=gpd.GeoSeries(anchors, crs="EPSG:4326"),
        links=gpd.GeoDataFrame(links, geometry="geometry", crs="EPSG:4326"),
        vocab=vocab,
    )


def _cooperation_table(df: pd.DataFrame) -> pd.DataFrame:
    """Validated rows as the `cooperations` table: list cells as tuples, year as Int64, index id."""
    coops = df.copy()
    for column in PROVENANCE_COLUMNS:
        coops[column] = coops[column].fillna("") if column in coops else ""
    coops["provenance"] = coops["provenance"].replace("", "documentee")
    contributed = coops["provenance"] == "contribution"
    coops.loc[contributed & (coops["membres_origine"] == ""), "membres_origine"] = "contribution"
    coops = coops[COLUMNS + PROVENANCE_COLUMNS + [c for c in coops.columns if c not in COLUMNS + PROVENANCE_COLUMNS]]
    for col in LIST_COLUMNS:
        coops[col] = pd.Series(_split_column(_texts(coops[col])), index=coops.index, dtype=object)
    coops["annee"] = pd.to_numeric(coops["annee"].replace("", None), errors="coerce").astype("Int64")
    return coops.set_index("id", drop=False).rename_axis(None)


def _split_column(cells: list[str]) -> np.ndarray:
    """`split_list` of each cell as a tuple, computed once per distinct cell (most repeat)."""
    codes, distinct = pd.factorize(np.asarray(cells, dtype=object))
    split = np.empty(len(distinct), dtype=object)
    for position, cell in enumerate(distinct):  # one by one: numpy would unpack a list of tuples
        split[position] = tuple(split_list(cell))
    return split[codes]


MEMBER_COLUMNS = ["coop_id", "ref", "kind", "code", "nom", "via"]


class _Builder:
    """Memberships, shapes, anchors and links of new (validated) rows, optionally on a base."""

    def __init__(self, coops: pd.DataFrame, geo: GeoData, index: TerritoryIndex, base, known: dict):
        self.coops, self.geo, self.index, self.base = coops, geo, index, base
        self.known = {cid: shape for cid, shape in known.items() if cid in coops.index}
        membres = _objects(coops["membres"])
        self.direct = pd.DataFrame(
            {
                "coop_id": np.repeat(_objects(coops.index), [len(members) for members in membres]),
                "text": np.fromiter(chain.from_iterable(membres), dtype=object),
            }
        )
        self.refs = {text: parse_ref(text) for text in self.direct["text"].unique()}
        self._shapes: dict[str, object] = {}

    def _coop_name(self, code: str) -> str:
        if code in self.coops.index:
            return self.coops.at[code, "nom"]
        return self.base.cooperations.at[code, "nom"]

    def members(self) -> pd.DataFrame:
        """Direct members (via None), then those reached through a `coop:` member (via = it)."""
        refs = self.refs
        info = pd.DataFrame(
            [
                (text, r.text, r.kind, r.code, self._coop_name(r.code) if r.kind == "coop" else self.index.name(r))
                for text, r in refs.items()
            ],
            columns=["text", "ref", "kind", "code", "nom"],
        )
        direct = self.direct.merge(info, on="text", how="left").drop(columns="text").assign(via=None)
        nested = direct[direct["kind"] == "coop"]
        if nested.empty:
            return direct[MEMBER_COLUMNS]
        own = direct.groupby("coop_id", sort=False).indices  # positions of each row's members
        memo: dict[str, pd.DataFrame] = {}

        def all_members(cid: str) -> pd.DataFrame:
            """Every member row of `cid` (direct and reached), computed once per cooperation."""
            if cid not in memo:
                if cid not in own:  # a cooperation of the base catalogue
                    memo[cid] = self.base.members[self.base.members["coop_id"] == cid]
                else:
                    rows = direct.iloc[own[cid]]
                    reached = [all_members(code).assign(via=code) for code in rows.loc[rows["kind"] == "coop", "code"]]
                    memo[cid] = pd.concat([rows, *reached], ignore_index=True) if reached else rows
            return memo[cid]

        expanded = [
            all_members(code).assign(coop_id=cid, via=code) for cid, code in zip(nested["coop_id"], nested["code"])
        ]
        return pd.concat([direct, *expanded], ignore_index=True)[MEMBER_COLUMNS]

    @functools.cached_property
    def _polygons(self) -> dict[str, dict[str, object]]:
        layers = {"epci": self.geo.epci, "dep": self.geo.departements, "reg": self.geo.regions}
        return {kind: dict(zip(layer.index, layer.geometry.to_numpy())) for kind, layer in layers.items()}

    @functools.cached_property
    def _commune_points(self) -> dict[str, tuple[float, float]]:
        communes = self.geo.communes
        return dict(zip(communes.index.tolist(), zip(communes["lon"].tolist(), communes["lat"].tolist())))

    def _part(self, ref: Ref):
        if ref.kind in self._polygons:
            return self._polygons[ref.kind][ref.code]
        if ref.kind == "com":
            lon, lat = self._commune_points[ref.code]
            return shapely.Point(lon, lat).buffer(COMMUNE_RADIUS_DEG)
        if ref.kind == "coop":
            if ref.code in self._shapes:
                return self._shapes[ref.code]
            return self.base.shapes.at[ref.code]
        return shapely.Point(ref.lon, ref.lat)

    def shapes(self) -> pd.Series:
        """Union of the members' shapes of each new row, coop: members resolved first."""
        shapes = self._shapes
        shapes.update(self.known)
        refs = self.refs
        parts_of = {text: self._part(r) for text, r in refs.items() if r.kind != "coop"}
        cids, texts = list(_objects(self.direct["coop_id"])), list(_objects(self.direct["text"]))
        todo = [k for k, cid in enumerate(cids) if cid not in shapes]
        # A row waits while one of its coop: members is a new row whose shape is not built yet.
        new_ids = set(_objects(self.coops.index))
        nested = [(cids[k], refs[texts[k]].code) for k in todo if refs[texts[k]].kind == "coop"]
        while todo:
            blocked = {cid for cid, code in nested if code in new_ids and code not in shapes}
            ready = [k for k in todo if cids[k] not in blocked] if blocked else todo
            if not ready:
                raise CatalogueError([Problem("catalogue", None, "membres", "cycle entre coopérations")])
            geoms = [parts_of[texts[k]] if texts[k] in parts_of else self._part(refs[texts[k]]) for k in ready]
            shapes.update(_union_by_group([cids[k] for k in ready], geoms))
            todo = [k for k in todo if cids[k] in blocked] if blocked else []
        return pd.Series([shapes[cid] for cid in _objects(self.coops.index)], index=self.coops.index, dtype=object)

    def anchors(self, members: pd.DataFrame) -> pd.Series:
        """A representative point per member reference not already anchored in the base."""
        texts = [t for t in members["ref"].unique() if self.base is None or t not in self.base.anchors.index]
        points = []
        for text in texts:
            ref = self.refs.get(text) or parse_ref(text)
            points.append(shapely.Point(ref.lon, ref.lat) if ref.kind == "ext" else self._part(ref))
        geoms = np.array(points, dtype=object)
        polygonal = shapely.get_type_id(geoms) != 0
        geoms[polygonal] = shapely.point_on_surface(geoms[polygonal])
        return pd.Series(geoms, index=texts, dtype=object)

    def links(self, vocab: Vocabularies, anchors: pd.Series) -> pd.DataFrame:
        """Lines between members of the cooperations drawn as links (chef de file → members)."""
        coops = self.coops
        types = _objects(coops["type"])
        drawn_as_links = {type_ for type_ in set(types) if vocab.forme(type_) == "liens"}
        rows = [
            (cid, source, target)
            for cid, members, chef, type_ in zip(
                _objects(coops.index), _objects(coops["membres"]), _objects(coops["chef_de_file"]), types
            )
            if type_ in drawn_as_links
            for source, target in link_pairs(list(members), chef or None)
        ]
        table = pd.DataFrame(rows, columns=["coop_id", "source", "target"])
        if not len(table):
            return table.assign(geometry=[])
        lookup = anchors if self.base is None else pd.concat([self.base.anchors, anchors])
        points = shapely.get_coordinates(lookup.to_numpy())  # anchors are points: one row each
        positions = [lookup.index.get_indexer(table[end]) for end in ("source", "target")]
        if any((where < 0).any() for where in positions):
            raise KeyError("membre sans point d'ancrage")
        ends = [points[where].reshape(-1, 1, 2) for where in positions]
        return table.assign(geometry=shapely.linestrings(np.concatenate(ends, axis=1)))


def _union_by_group(groups: list[str], geoms: list) -> dict[str, object]:
    """{group: union of its geometries}, one vectorised union per group size."""
    codes, names = pd.factorize(np.asarray(groups, dtype=object))
    counts = np.bincount(codes)
    ordered = np.fromiter(geoms, dtype=object, count=len(geoms))[np.argsort(codes, kind="stable")]
    starts = np.cumsum(counts) - counts
    out: dict[str, object] = {}
    for size in np.unique(counts):
        chosen = np.flatnonzero(counts == size)
        table = ordered[starts[chosen][:, None] + np.arange(size)]
        if size == 1:
            out.update(zip(names[chosen], table[:, 0]))
            continue
        merged = np.empty(len(table), dtype=object)
        apart = _apart(table)
        merged[apart] = _collect_polygons(table[apart])
        overlay = table[~apart]
        if size <= 4:  # pairwise unions are several times faster than a cascaded union here
            joined = overlay[:, 0]
            for column in range(1, size):
                joined = shapely.union(joined, overlay[:, column])
        else:
            joined = shapely.union_all(overlay, axis=1)
        merged[~apart] = joined
        out.update(zip(names[chosen], merged))
    return out


def _apart(table: np.ndarray) -> np.ndarray:
    """Rows of polygonal geometries whose bounding boxes pairwise do not even touch: their
    union is the collection of their polygons, no overlay needed (most partners lie apart)."""
    apart = np.asarray(np.isin(shapely.get_type_id(table), (3, 6)).all(axis=1))  # polygonal only
    bounds = shapely.bounds(table)  # rows × parts × (xmin, ymin, xmax, ymax)
    for i, j in combinations(range(table.shape[1]), 2):
        a, b = bounds[:, i], bounds[:, j]
        apart &= (a[:, 2] < b[:, 0]) | (b[:, 2] < a[:, 0]) | (a[:, 3] < b[:, 1]) | (b[:, 3] < a[:, 1])
    return apart


def _collect_polygons(table: np.ndarray) -> np.ndarray:
    """One MultiPolygon per row of the polygons of its (disjoint) geometries."""
    collected = np.empty(len(table), dtype=object)
    simple = (shapely.get_type_id(table) == 3).all(axis=1)  # only Polygons: one copy, no split
    if simple.any():
        collected[simple] = shapely.multipolygons(table[simple])
    if not simple.all():
        parts, index = shapely.get_parts(table[~simple].ravel(), return_index=True)
        collected[~simple] = shapely.multipolygons(parts, indices=index // table.shape[1])
    return collected


def link_pairs(members: list[str], chef: str | None) -> list[tuple[str, str]]:
    """Links drawn for a network cooperation: chef de file to each member; without one, every
    pair for up to four members, else a star from the first member."""
    if len(members) < 2:
        return []
    if chef:
        return [(chef, m) for m in members if m != chef]
    if len(members) <= 4:
        return list(combinations(members, 2))
    return [(members[0], m) for m in members[1:]]


def reference_rows(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The reference catalogue as one table: the documented rows (data/cooperations.csv) and
    the national register rows (data/registres/, built by scripts/build_registers.py), each row
    with its provenance."""
    documented = read_catalogue_csv(data_dir / "cooperations.csv").assign(provenance="documentee")
    origins = read_catalogue_csv(data_dir / "membres_origine.csv")
    documented = documented.merge(origins, on="id", how="left", validate="one_to_one")
    path = data_dir / "registres" / "cooperations_registres.csv"
    if not path.exists():
        return documented.fillna("")
    registers = read_catalogue_csv(path)
    registers = registers.reindex(columns=sorted(set(COLUMNS) | set(registers.columns)), fill_value="")
    registers["statut"] = "active"
    registers["provenance"] = "registre"
    registers["membres_origine"] = "jeu_de_donnees"
    registers["membres_jeu"] = (
        registers["jeu_de_donnees"] + " (" + registers["millesime"] + ") — " + registers["identifiant"]
    )
    table = pd.concat(
        [documented, registers[[c for c in registers.columns if c in COLUMNS + PROVENANCE_COLUMNS]]], ignore_index=True
    )
    return table.fillna("")


def register_perimeters(folder: Path = GEODATA_DIR) -> dict[str, object]:
    """Precomputed perimeters of the register rows (geodata/perimetres_registres.geojson)."""
    path = folder / "perimetres_registres.geojson"
    if not path.exists():
        return {}
    layer = gpd.read_file(path, engine="pyogrio")
    return dict(zip(layer["id"].astype(str), layer.geometry))


# data/registres/correspondances.csv (written by scripts/build_registers.py)
MATCH_COLUMNS = [
    "id_catalogue",
    "id_registre",
    "nom_registre",
    "identifiant",
    "jeu_de_donnees",
    "millesime",
    "membres_registre",
]


def register_matches(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Documented rows that are also register rows, with the register's membership."""
    path = data_dir / "registres" / "correspondances.csv"
    if not path.exists():
        return pd.DataFrame(columns=MATCH_COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("id_catalogue", drop=False)


def load_catalogue(geo: GeoData, vocab: Vocabularies, data_dir: Path = DATA_DIR) -> Catalogue:
    """Read the documented and register rows and build the validated catalogue."""
    return build_catalogue(reference_rows(data_dir), vocab, geo, known_shapes=register_perimeters())


def territory_figures(catalogue: Catalogue, geo: GeoData, ident: str) -> dict[str, int]:
    """n_epci, n_communes and population of a cooperation (through its groupings) or a territory."""
    if ident.startswith(("epci:", "dep:", "reg:", "com:")):
        refs = [parse_ref(ident)]
    else:
        refs = [parse_ref(r) for r in catalogue.members_of(ident)["ref"]]
    codes = {kind: {r.code for r in refs if r.kind == kind} for kind in ("epci", "com", "dep", "reg")}
    epci, deps, regs = codes["epci"], codes["dep"], codes["reg"]
    communes = set(geo.communes.index[geo.communes["siren_epci"].isin(epci)]) | codes["com"]
    communes |= set(geo.communes.index[geo.communes["departement"].isin(deps) | geo.communes["region"].isin(regs)])
    return {
        "n_epci": len(epci),
        "n_communes": len(communes),
        "population": int(geo.communes.loc[sorted(communes), "population"].sum()),
    }
