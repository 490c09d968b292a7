"""Streamlit caches: load once per server process, shared read-only between sessions."""
from __future__ import annotations

import streamlit as st

from . import maps
from .geodata import GeoData, load_geodata
from . import carte
from .filters import FilterIndex, build_filter_index
from .territory import TerritorySearch
from .mapview import DynamicLayers, RenderedMap, feature_group_js, render_map
from .catalogue import Catalogue, load_catalogue
from .vocab import Vocabularies, load_vocabularies


@st.cache_resource(show_spinner="Chargement de la géographie de référence…")
def geodata() -> GeoData:
    """The reference layers (never mutate: shared between sessions)."""
    return load_geodata()


@st.cache_resource(show_spinner=False)
def base_layers() -> maps.BaseLayers:
    """GeoJSON of the base map, computed once per process."""
    return maps.base_layers(geodata())


@st.cache_resource(show_spinner=False)
def home_map() -> RenderedMap:
    """The home map, rendered once per process (stable JavaScript: never remounted)."""
    return render_map(maps.home_map(base_layers()))


@st.cache_resource(show_spinner=False)
def vocabularies() -> Vocabularies:
    return load_vocabularies()


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
    return render_map(maps.carte_base_map(base_layers()))


@st.cache_data(show_spinner=False, max_entries=256)
def carte_layers(ids: tuple[str, ...], selected: str | None, layers: tuple[str, ...] = carte.ALL_LAYERS
                 ) -> DynamicLayers:
    """JavaScript of the cooperation layers for one selection (cached per selection)."""
    groups = carte.cooperation_groups(catalogue(), geodata(), ids, selected, layers)
    return feature_group_js(groups, control_title="Coopérations")


@st.cache_resource(show_spinner="Préparation de la recherche de territoires…")
def territory_search() -> TerritorySearch:
    return TerritorySearch(catalogue(), geodata())


@st.cache_data(show_spinner=False, max_entries=64)
def network_layers(ids: tuple[str, ...]) -> DynamicLayers:
    from .network import build_graph

    return feature_group_js(carte.network_groups(catalogue(), build_graph(catalogue(), ids)), control_title="Réseau")


@st.cache_resource(show_spinner=False)
def scenes() -> list:
    from .scenes import load_scenes

    return load_scenes(vocabularies(), geodata(), set(catalogue().cooperations.index))


@st.cache_resource(show_spinner=False)
def sources() -> dict[str, str]:
    """Titles of the seed documents (data/sources.yaml)."""
    from .vocab import load_sources

    return load_sources()


@st.cache_resource(show_spinner=False)
def atelier():
    """The workshop table (data/atelier_pmlb_2019.csv), read once."""
    from .atelier import load_atelier

    return load_atelier()
