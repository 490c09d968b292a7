"""Building folium maps: offline base map (régions, départements) and reference layers."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement, Template

from .escaping import html_text, inert_markup
from .fmt import fmt_int
from .geodata import EPCI_TYPE_LABELS, FRANCE_CENTER, FRANCE_ZOOM, GeoData, outline_mesh
from .offline import use_local_assets

ATTRIBUTION = ("Contours © IGN ADMIN EXPRESS 2018 · Codes © INSEE COG · Groupements © BANATIC/DGCL, ANCT · "
               "Licence Ouverte")
REGION_STYLE = {"color": "#5b6770", "weight": 1.6, "fillColor": "#eef1f4", "fillOpacity": 1.0}
DEPARTEMENT_STYLE = {"color": "#9aa5ad", "weight": 0.7, "opacity": 0.9}
METROPOLE_STYLE = {"color": "#8c1d40", "weight": 1.2, "fillColor": "#c2185b", "fillOpacity": 0.55}
MAP_FONT = "font-size:14px"


class _Attribution(MacroElement):
    """Adds a text to Leaflet's attribution control (there is no tile layer to carry it)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix(false).addAttribution({{ this.text|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = text


escape = html_text  # every variable part of a popup or tooltip goes through it


def tooltip(markup: str) -> folium.Tooltip:
    """A map tooltip from markup whose variable parts were escaped (made inert for folium's
    JavaScript template literal)."""
    return folium.Tooltip(inert_markup(markup), style=MAP_FONT)


def popup(markup: str, max_width: int = 340) -> folium.Popup:
    """A map popup, same guarantees as `tooltip`."""
    return folium.Popup(inert_markup(markup), max_width=max_width)


def tooltip_html(title: str, *lines: str) -> str:
    """Pre-escaped tooltip: a bold title and plain lines."""
    parts = [f"<b>{escape(title)}</b>"] + [escape(line) for line in lines if line]
    return "<br>".join(parts)


def feature_collection(gdf: gpd.GeoDataFrame, properties: Callable[[object], dict]) -> dict:
    """GeoJSON of `gdf` keeping only the given properties (smaller payload than all columns)."""
    features = []
    for row in gdf.itertuples():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        features.append({"type": "Feature", "properties": properties(row),
                         "geometry": json.loads(shapely.to_geojson(geom))})
    return {"type": "FeatureCollection", "features": features}


def tooltip_layer(gdf: gpd.GeoDataFrame, infobulle: Callable[[object], str], style, *,
                  properties: Callable[[object], dict] | None = None, highlight: dict | None = None) -> folium.GeoJson:
    """One GeoJSON layer of `gdf` with a pre-escaped tooltip per feature (`infobulle(row)`), a style
    (a dict, or a function of the feature as folium passes it) and optional extra properties."""
    style_function = style if callable(style) else (lambda _: style)
    return folium.GeoJson(
        feature_collection(gdf, lambda r: {"infobulle": infobulle(r), **(properties(r) if properties else {})}),
        style_function=style_function,
        highlight_function=(lambda _: highlight) if highlight else None,
        tooltip=folium.GeoJsonTooltip(fields=["infobulle"], labels=False, style=MAP_FONT),
    )


def new_map(location: tuple[float, float] = FRANCE_CENTER, zoom: float = FRANCE_ZOOM,
            online_basemap: bool = True) -> folium.Map:
    """Empty map (no remote tiles), canvas renderer, centred on mainland France by default."""
    fmap = folium.Map(tiles=None, prefer_canvas=True, zoom_control=True, min_zoom=3, max_zoom=13,
                      control_scale=True, location=list(location), zoom_start=zoom,
                      zoom_snap=0.25, zoom_delta=0.5)
    _Attribution(ATTRIBUTION).add_to(fmap)
    if online_basemap:
        folium.TileLayer(
            "OpenStreetMap", name="Fond OpenStreetMap (en ligne)", overlay=True, show=False,
            attr="© contributeurs OpenStreetMap",
        ).add_to(fmap)
    return fmap


@dataclass(frozen=True)
class BaseLayers:
    """GeoJSON of the reference layers, computed once and shared (read-only)."""

    regions: dict
    departement_borders: dict
    metropoles: dict


def base_layers(geo: GeoData) -> BaseLayers:
    """Precompute the GeoJSON of the base map (the costly part of building a map)."""
    mesh = outline_mesh(geo.departements)
    return BaseLayers(
        regions=feature_collection(
            geo.regions, lambda r: {"code": r.code, "infobulle": tooltip_html(r.nom, f"Région {r.code}")}),
        departement_borders={"type": "Feature", "properties": {},
                             "geometry": json.loads(shapely.to_geojson(mesh))},
        metropoles=feature_collection(
            geo.metropoles, lambda r: {"siren": r.siren, "infobulle": epci_tooltip(r)}),
    )


def add_basemap(fmap: folium.Map, layers: BaseLayers) -> folium.Map:
    """Regions as light polygons (tooltip: name) and département borders as thin lines."""
    folium.GeoJson(
        layers.regions, name="Régions", style_function=lambda _: REGION_STYLE,
        tooltip=folium.GeoJsonTooltip(fields=["infobulle"], labels=False, style=MAP_FONT),
    ).add_to(fmap)
    folium.GeoJson(
        layers.departement_borders, name="Départements",
        style_function=lambda _: DEPARTEMENT_STYLE, interactive=False,
    ).add_to(fmap)
    return fmap


def epci_tooltip(row) -> str:
    return tooltip_html(
        row.nom,
        f"{EPCI_TYPE_LABELS.get(row.type, row.type)} · SIREN {row.siren}",
        f"{fmt_int(row.population)} habitants · {fmt_int(row.n_communes)} communes",
    )


def add_metropoles(fmap: folium.Map, layers: BaseLayers) -> folium.Map:
    """The 22 métropoles (METRO and the Métropole de Lyon) as highlighted polygons."""
    folium.GeoJson(
        layers.metropoles, name="Métropoles", style_function=lambda _: METROPOLE_STYLE,
        highlight_function=lambda _: {"weight": 3, "fillOpacity": 0.8},
        tooltip=folium.GeoJsonTooltip(fields=["infobulle"], labels=False, style=MAP_FONT),
    ).add_to(fmap)
    return fmap


def home_map(layers: BaseLayers) -> folium.Map:
    """The home page map: régions, départements and the 22 métropoles, offline.

    A new Map each call: streamlit-folium mutates the map it renders, so maps are never cached;
    the GeoJSON they carry is (BaseLayers)."""
    fmap = new_map()
    add_basemap(fmap, layers)
    add_metropoles(fmap, layers)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return use_local_assets(fmap)


def carte_base_map(layers: BaseLayers, location: tuple[float, float] = FRANCE_CENTER,
                   zoom: float = FRANCE_ZOOM, extra_groups: list | None = None) -> folium.Map:
    """Base of the Carte page: same outlines as home, métropoles hidden by default.
    `extra_groups` (feature groups) are drawn on top, e.g. for a standalone export."""
    fmap = new_map(location=location, zoom=zoom)
    add_basemap(fmap, layers)
    folium.GeoJson(
        layers.metropoles, name="Métropoles (22)", show=False,
        style_function=lambda _: {**METROPOLE_STYLE, "fillOpacity": 0.25},
        tooltip=folium.GeoJsonTooltip(fields=["infobulle"], labels=False, style=MAP_FONT),
    ).add_to(fmap)
    for group in extra_groups or []:
        group.add_to(fmap)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    return use_local_assets(fmap, jquery=True)
