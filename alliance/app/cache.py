"""Streamlit caches: load once per server process, shared read-only between sessions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from alliance.analysis.filters import FilterIndex, build_filter_index
from alliance.analysis.territory import TerritorySearch
from alliance.app.sidebar import INCLUDE_KEY
from alliance.data.catalogue import Catalogue, load_catalogue
from alliance.data.geodata import GeoData, load_geodata
from alliance.data.vocab import Vocabularies, load_vocabularies
from alliance.errors import DataError
from alliance.escaping import markdown_text
from alliance.maps import basemap, overlays
from alliance.maps.component import DynamicLayers, RenderedMap, feature_group_js, render_map


class Ids(tuple):
    """The ids of a selection, as an argument of the caches below: hashed in one pass over
    their text (Streamlit's own hasher walks a tuple id by id: ~3 ms for the national
    selection, on every cached call of every rerun)."""

    __slots__ = ()

    def digest(self) -> str:
        return hashlib.blake2b(repr(tuple(self)).encode(), digest_size=16).hexdigest()


IDS_HASH: dict[str | type, Callable[[Any], Any]] = {Ids: Ids.digest}


@st.cache_resource(show_spinner="Chargement de la géographie de référence…")
def geodata() -> GeoData:
    """The reference layers (never mutate: shared between sessions)."""
    return load_geodata()


@st.cache_resource(show_spinner=False)
def base_layers() -> basemap.BaseLayers:
    """GeoJSON of the base map, computed once per process."""
    return basemap.base_layers(geodata())


@st.cache_resource(show_spinner=False)
def home_map() -> RenderedMap:
    """The home map, rendered once per process (stable JavaScript: never remounted)."""
    return render_map(basemap.home_map(base_layers()))


@st.cache_resource(show_spinner=False)
def vocabularies() -> Vocabularies:
    return load_vocabularies()


@st.cache_resource(show_spinner=False)
def register_perimeters() -> dict:
    """Precomputed perimeters of the national register rows (read-only)."""
    from alliance.data.catalogue import register_perimeters as read_perimeters

    return read_perimeters()


@st.cache_resource(show_spinner=False)
def zonages():
    """Study zones of communes and the CRTE of each EPCI (read-only)."""
    from alliance.analysis.territory import load_zonages

    return load_zonages()


@st.cache_resource(show_spinner=False)
def aires_attraction():
    """The aires d'attraction des villes (pôle and couronne of each), read-only."""
    import geopandas as gpd

    from alliance.paths import GEODATA_DIR

    return gpd.read_file(GEODATA_DIR / "aires_attraction.geojson", engine="pyogrio")


@st.cache_resource(show_spinner=False)
def epci_in_aires():
    from alliance.analysis.alliances import epci_in_aires as compute

    return compute(geodata(), zonages())


@st.cache_resource(show_spinner=False)
def alliance_cities():
    """The cities offered on Alliances ville–campagne (see `alliances.cities`), computed once."""
    from alliance.analysis.alliances import cities

    return cities(geodata(), epci_in_aires())


@st.cache_resource(show_spinner="Analyse de l'aire d'attraction…", max_entries=64)
def city_alliances(siren: str):
    from alliance.analysis.alliances import city_alliances as compute

    return compute(siren, catalogue(), geodata(), epci_in_aires(), aires_attraction())


@st.cache_data(show_spinner=False, max_entries=64)
def alliance_layers(siren: str) -> DynamicLayers:
    return feature_group_js(
        overlays.alliance_groups(city_alliances(siren), catalogue(), geodata()), control_title="Alliances"
    )


@st.cache_resource(show_spinner=False)
def register_matches():
    """Documented rows that are also in a national register (data/registres/correspondances.csv)."""
    from alliance.data.catalogue import register_matches as read_matches

    return read_matches()


@st.cache_resource(show_spinner="Chargement du catalogue des coopérations…")
def catalogue() -> Catalogue:
    """The validated curated catalogue of data/ (read-only, shared between sessions)."""
    return load_catalogue(geodata(), vocabularies())


@st.cache_resource(show_spinner=False)
def filter_index() -> FilterIndex:
    return build_filter_index(catalogue(), geodata())


@st.cache_resource(show_spinner=False)
def carte_base_map() -> RenderedMap:
    """The Carte page's base map (régions, départements, métropoles), rendered once."""
    return render_map(basemap.carte_base_map(base_layers()))


SLIDE_MAP_PX = (1078, 816)  # the slide's map frame at 1920×1080, for which scene views are computed


@st.cache_resource(show_spinner=False)
def presentation_base_map() -> RenderedMap:
    """The Carte's base map, as tall as its frame (the slide sizes the frame to the screen)."""
    return render_map(basemap.carte_base_map(base_layers(), fill_frame=SLIDE_MAP_PX))


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=IDS_HASH)
def slide_chart_svg(scene_id: str, graphique: str, ids: tuple[str, ...], font_size: int) -> tuple[str, str, str]:
    """(svg, note, alt text) of a reference scene's chart, rendered once per scene."""
    from alliance.views.slides import scene_chart, slide_svg

    built = scene_chart(graphique, catalogue(), ids, atelier(), geodata())
    if built is None:
        return "", "", ""
    data = built.data
    if "libelle" in data and "part_texte" in data:
        alt_text = " ; ".join(f"{label} : {value}" for label, value in zip(data["libelle"], data["part_texte"]))
    else:
        alt_text = f"{len(data)} valeurs"
    if built.caveat:
        alt_text += f". {built.caveat}"
    return slide_svg(built.chart, font_size, rows=len(data) if "libelle" in data else 0), built.note, alt_text


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=IDS_HASH)
def statistics_chart(
    chart_key: str, _catalogue: Catalogue, key: str, ids: tuple[str, ...]
) -> tuple[dict, object, str, str]:
    """(French Vega-Lite spec, data, note, why it is empty or "") of a Statistiques chart for a
    selection: altair builds each spec in ~0.1 s, so a rerun that does not change the selection
    reuses it."""
    import pandas as pd

    from alliance.views.charts import french
    from alliance.views.statistics import CHARTS

    built = CHARTS[chart_key].build(_catalogue, geodata(), pd.Index(ids))
    return french(built.chart).to_dict(validate=False), built.data, built.note, built.empty


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=IDS_HASH)
def coverage(_catalogue: Catalogue, key: str, ids: tuple[str, ...]) -> tuple[Any, dict]:
    """(table, French Vega-Lite spec) of the national coverage for a selection, built once per
    selection like the other Statistiques charts."""
    from alliance.analysis.stats import register_coverage
    from alliance.views.charts import coverage_chart, french

    data = register_coverage(_catalogue, geodata(), list(ids))
    return data, (french(coverage_chart(data)).to_dict(validate=False) if len(data) else {})


@st.cache_data(show_spinner=False, max_entries=64)
def workshop_chart(jeu: str, family: str, question: str | None, title: str, count_title: str) -> tuple[dict, object]:
    """(French Vega-Lite spec, data) of a chart of the workshop's figures, built once; pale bars
    mark uncertain label/value pairings."""
    from alliance.data.atelier import chart_table
    from alliance.views import charts

    table = chart_table(atelier(), vocabularies(), jeu, question, family)
    uncertain = table["incertain"] if question is None else None
    chart = charts.bar_distribution(table, title, count_title=count_title, selectable=False, uncertain=uncertain)
    return charts.french(chart).to_dict(validate=False), table


@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=IDS_HASH)
def selection(_catalogue: Catalogue, key: str, ids: tuple[str, ...]) -> overlays.Selection:
    """What the map shows for a selection (counts, zones, links), computed once per selection
    (~0.1 s for the national one); frozen, so shared between sessions."""
    return overlays.describe_selection(_catalogue, ids)


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=IDS_HASH)
def carte_view(
    _catalogue: Catalogue, key: str, ids: tuple[str, ...], regions: tuple[str, ...] = ()
) -> tuple[tuple[float, float], float]:
    """Centre and zoom framing a selection (`overlays.view_of`), once per selection (~7 ms for
    the national one, on every rerun otherwise)."""
    centre, zoom = overlays.view_of(_catalogue, ids, geo=geodata(), regions=regions)
    return (float(centre[0]), float(centre[1])), zoom


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=IDS_HASH)
def carte_layers(
    _catalogue: Catalogue,
    key: str,
    ids: tuple[str, ...],
    selected: str | None,
    layers: tuple[str, ...] = overlays.ALL_LAYERS,
    context: bool = False,
) -> DynamicLayers:
    """JavaScript of the cooperation layers for one selection of the catalogue named `key`
    (`_catalogue` is not hashed: the key stands for it); `context` adds the aires
    d'attraction des villes under them."""
    aires = aires_attraction() if context else None
    groups = overlays.cooperation_groups(
        _catalogue, geodata(), ids, selected, layers, aires=aires, sel=selection(_catalogue, key, ids)
    )
    return feature_group_js(groups, control_title="Coopérations")


@st.cache_resource(show_spinner=False)
def places_by_name() -> dict:
    """Communes, EPCI and départements by their folded whole name (see details.places_by_name)."""
    from alliance.analysis.details import places_by_name as build

    return build(geodata())


@st.cache_resource(show_spinner="Préparation de la recherche de territoires…")
def territory_search() -> TerritorySearch:
    return TerritorySearch(catalogue(), geodata())


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=IDS_HASH)
def network_layers(_catalogue: Catalogue, key: str, ids: tuple[str, ...], level: str = "epci") -> DynamicLayers:
    graph = network(_catalogue, key, ids, level)[0]
    return feature_group_js(overlays.network_groups(_catalogue, graph, geodata()), control_title="Réseau")


@st.cache_resource(show_spinner="Calcul du réseau…", max_entries=32, hash_funcs=IDS_HASH)
def network(_catalogue: Catalogue, key: str, ids: tuple[str, ...], level: str = "epci"):
    """(graph, rankings, systems) of a selection at one level (read-only, shared)."""
    from alliance.analysis.network import build_graph, rankings, systems

    geo = geodata()
    # the Series itself: mapping the members' codes with a dict would turn its 35 000 entries
    # into a Series on every call (20 ms)
    epci_names = dict(zip(geo.epci.index.tolist(), geo.epci["nom"].tolist()))
    graph = build_graph(_catalogue, ids, level, geo.communes["siren_epci"], epci_names)
    regions = {f"epci:{s}": r for s, r in zip(geo.epci.index, geo.epci["region"])} if level == "epci" else {}
    if level == "com":
        regions = {f"com:{c}": r for c, r in zip(geo.communes.index, geo.communes["region"])}
    return graph, rankings(graph, _catalogue.cooperations["provenance"], regions), systems(graph)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=IDS_HASH)
def network_table(_catalogue: Catalogue, key: str, ids: tuple[str, ...], level: str = "epci"):
    """The network's rankings in French, formatted once per selection and level (read-only)."""
    from alliance.analysis.network import readable_rankings

    regions = dict(zip(geodata().regions.index, geodata().regions["nom"]))
    return readable_rankings(network(_catalogue, key, ids, level)[1], regions)


@st.cache_resource(show_spinner=False)
def scenes() -> list:
    from alliance.views.scenes import load_scenes

    return load_scenes(vocabularies(), geodata(), set(catalogue().cooperations.index))


@st.cache_resource(show_spinner=False)
def sources() -> dict[str, str]:
    """Titles of the seed documents (data/sources.yaml)."""
    from alliance.data.vocab import load_sources

    return load_sources()


@st.cache_resource(show_spinner=False)
def atelier():
    """The workshop table (data/atelier_pmlb_2019.csv), read once."""
    from alliance.data.atelier import load_atelier

    return load_atelier()


# --- contributions merged into the catalogue ----------------------------------------------

REFERENCE = "reference"


def store():
    """The contributions database of this deployment, or None when it cannot be opened
    (the reason is in `store_problem()`); a failure is not cached: the next rerun retries."""
    try:
        return open_store()
    except DataError:
        return None


def open_store():
    """The contributions database; raises DataError (French) when it cannot be opened."""
    from alliance.contributions.store import database_url

    try:
        return _store(database_url())
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - unreachable server, unwritable path, corrupt file
        raise DataError(
            f"Base des contributions inaccessible ({exc.__class__.__name__}) : vérifiez "
            "ALLIANCE_DB_PATH ou ALLIANCE_DATABASE_URL. Rien n'a été écrit."
        ) from exc


@st.cache_resource(show_spinner=False)
def _store(url: str):
    """One Store per database URL and process (st.cache_resource does not keep exceptions)."""
    from alliance.contributions.store import Store

    return Store(url)


GENERATION_STEP = 10**12  # a restored file's tokens: far above any history length


def change_token() -> int | None:
    """The store's change token (None when the database cannot be read). A SQLite file restored
    under the app counts as a change: its token is offset by how many times it was replaced."""
    db = store()
    if db is None:
        return None
    try:
        return db.change_token() + GENERATION_STEP * db.replacements
    except Exception:  # noqa: BLE001 - reported by the caller
        return None


@st.cache_resource(show_spinner=False)
def territory_index():
    """What catalogue references can point at (names of every territory), built once."""
    from alliance.data.catalogue import TerritoryIndex

    return TerritoryIndex(geodata())


@st.cache_resource(show_spinner="Fusion des contributions validées…", max_entries=4)
def merged_bundle(url: str, token: int):
    """(catalogue, filter index, problems) of the reference catalogue plus the validated
    contributions, rebuilt only when the store's change token moves."""
    from alliance.contributions.merge import merge_contributions

    rows = _store(url).contributions("validee")
    merged = merge_contributions(catalogue(), rows, geodata(), territory_index())
    if merged.catalogue is catalogue():
        return catalogue(), filter_index(), list(merged.problems)
    return merged.catalogue, build_filter_index(merged.catalogue, geodata()), list(merged.problems)


def active_key() -> str:
    """Which catalogue the pages show: REFERENCE, or "contributions-<token>" for it plus the
    validated contributions (with a French warning when they cannot be read)."""
    if not st.session_state.get(INCLUDE_KEY, True):
        return REFERENCE
    token = change_token()
    if token is None:
        st.warning(
            "Les contributions validées ne peuvent pas être lues (base des contributions "
            "inaccessible) : seul le catalogue de référence est affiché.",
            icon="⚠️",
        )
        return REFERENCE
    return f"contributions-{token}"


def bundle(key: str):
    """(catalogue, filter index, problems) named by `key` (see active_key)."""
    if key == REFERENCE:
        return catalogue(), filter_index(), []
    db = store()
    token = int(key.rpartition("-")[2])
    if db is None:
        return catalogue(), filter_index(), []
    return merged_bundle(db.url, token)


def active() -> tuple:
    """(catalogue, filter index, key) for this rerun; the key is passed to the layer caches."""
    key = active_key()
    cat, index, problems = bundle(key)
    for problem in problems[:5]:
        st.warning(markdown_text(f"Contribution ignorée : {problem}"))
    return cat, index, key
