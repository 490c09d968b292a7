"""Building folium maps: offline base map (régions, départements) and reference layers."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
from branca.element import Element, Template

from alliance.data.geodata import EPCI_TYPE_LABELS, FRANCE_CENTER, FRANCE_ZOOM, GeoData, inner_borders
from alliance.escaping import html_text
from alliance.fmt import fmt_int
from alliance.maps.features import Feature, FeatureLayer, RenderedMacroElement, add_runtime, features_json
from alliance.maps.offline import use_local_assets

ATTRIBUTION = (
    "Contours © IGN ADMIN EXPRESS 2018 · Codes © INSEE COG · Groupements © BANATIC/DGCL, ANCT · Licence Ouverte"
)
REGION_STYLE = {"color": "#5b6770", "weight": 1.6, "fillColor": "#eef1f4", "fillOpacity": 1.0}
DEPARTEMENT_STYLE = {"color": "#9aa5ad", "weight": 0.7, "opacity": 0.9}
METROPOLE_STYLE = {"color": "#8c1d40", "weight": 1.2, "fillColor": "#c2185b", "fillOpacity": 0.55}
MAP_FONT = "font-size:14px"
# streamlit-folium gives its map div a fixed pixel height: let it follow the frame instead.
FILL_FRAME_CSS = "<style>html,body{height:100%;margin:0}#map_div{height:100vh !important}</style>"
# A map filling a slide is read from the back of a room: every text at 18 px or more at
# 1920×1080 (issue 32), the names of towns and territories at 20 px.
PROJECTOR_MAP_CSS = (
    "<style>.alliance-towns text{font-size:20px;stroke-width:4px}"
    ".alliance-label{font-size:20px}"
    ".alliance-tip{font-size:20px}"
    ".leaflet-control-attribution{font-size:18px !important;line-height:1.35}"
    ".leaflet-control-layers-toggle{font-size:20px !important}"
    ".leaflet-control-layers-expanded{font-size:18px}"
    ".leaflet-control-scale-line{font-size:18px}"
    ".leaflet-control-zoom a{font-size:24px !important}</style>"
)


class _Attribution(RenderedMacroElement):
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


class _ReadingAids(RenderedMacroElement):
    """A metric scale bar (bottom left, clear of the attribution), and the mouse wheel zooming the
    map only once the user has clicked in it: scrolling the page over a map no longer zooms out
    to world scale (the + − buttons and a double click always work)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            L.control.scale({imperial: false, position: "bottomleft", maxWidth: 150}).addTo(map);
            if (map.zoomControl) {
                map.zoomControl.remove();
                L.control.zoom({zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière"}).addTo(map);
            }
            // The layer control (one per map: the pages' layers join the base map's) gets a French
            // name on screen and for screen readers, instead of an English "Layers" icon.
            var names = {"leaflet-right": "Couches", "leaflet-left": "Couches"};
            var pending = false;
            function frenchControls() {
                pending = false;
                Object.keys(names).forEach(function (side) {
                    document.querySelectorAll("." + side + " .leaflet-control-layers-toggle").forEach(function (a) {
                        if (a.title === names[side]) return;  // named already: no DOM write
                        a.title = names[side];
                        a.setAttribute("aria-label", names[side]);
                        a.textContent = names[side];
                    });
                });
            }
            // "layeradd" fires for every shape: name the controls once per burst, not per shape.
            map.on("layeradd", function () {
                if (!pending) { pending = true; setTimeout(frenchControls, 100); }
            });
            setTimeout(frenchControls, 0);
            map.scrollWheelZoom.disable();
            map.on("click focus", function () { map.scrollWheelZoom.enable(); });
            map.on("mouseout blur", function () { map.scrollWheelZoom.disable(); });
            // On a touch screen one finger scrolls the page; the map moves once it has been tapped.
            if (L.Browser.mobile && map.dragging) {
                map.dragging.disable();
                map.on("click", function () { map.dragging.enable(); });
            }
            // Ctrl + wheel zooms at once; a plain wheel over a map not yet clicked says how.
            var hint = L.DomUtil.create("div", "alliance-hint", map.getContainer());
            hint.textContent = "Cliquez dans la carte (ou maintenez Ctrl) pour zoomer avec la molette";
            hint.setAttribute("role", "status");
            var hideHint = null;
            map.getContainer().addEventListener("wheel", function (e) {
                if (map.scrollWheelZoom.enabled()) return;
                if (e.ctrlKey) {
                    e.preventDefault();
                    map.setZoomAround(map.mouseEventToContainerPoint(e), map.getZoom() + (e.deltaY < 0 ? 0.5 : -0.5));
                    return;
                }
                hint.style.opacity = "1";
                clearTimeout(hideHint);
                hideHint = setTimeout(function () { hint.style.opacity = "0"; }, 1500);
            }, {passive: false});
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self._name = "ReadingAids"


class _ScaleViewsToFrame(RenderedMacroElement):
    """Views (centre, zoom) sent by the page were computed for a `width`×`height` frame; on a
    slide the frame follows the screen, so each view's zoom is shifted by log2 of the size ratio
    (and again when the frame is resized, e.g. going full screen). Only the component's own
    two-argument setView calls are shifted: Leaflet's internal calls pass options."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            var ref = {x: {{ this.width }}, y: {{ this.height }}};
            function shift(size) { return Math.log2(Math.min(size.x / ref.x, size.y / ref.y)); }
            var setView = map.setView, measuring = false;
            map.setView = function (center, zoom, options) {
                if (arguments.length === 2 && typeof zoom === "number") {
                    measuring = true;  // the frame may have been resized by CSS since Leaflet looked
                    this.invalidateSize(false);
                    measuring = false;
                    return setView.call(this, center, zoom + shift(this.getSize()), {reset: true});
                }
                return setView.apply(this, arguments);
            };
            map.setView(map.getCenter(), map.getZoom());
            map.on("resize", function (e) {
                if (measuring) return;
                var d = Math.log2(Math.min(e.newSize.x / e.oldSize.x, e.newSize.y / e.oldSize.y));
                if (isFinite(d) && Math.abs(d) > 0.01) setView.call(map, map.getCenter(), map.getZoom() + d, {});
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, width: int, height: int):
        super().__init__()
        self._name = "ScaleViewsToFrame"
        self.width, self.height = int(width), int(height)


class _FirstViewAtOnce(RenderedMacroElement):
    """The first view the page sends (its selection's centre and zoom, set as the map mounts) is
    taken at once: a zoom animation from the base map's own view to it is only delay before the
    layers show (transition, then a redraw). Later changes of view still animate."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            var setView = map.setView;
            map.setView = function (center, zoom, options) {
                if (arguments.length !== 2) return setView.apply(this, arguments);
                map.setView = setView;
                return setView.call(this, center, zoom, {animate: false});
            };
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self._name = "FirstViewAtOnce"


escape = html_text  # every variable part of a popup or tooltip goes through it


def tooltip_html(title: str, *lines: str) -> str:
    """Pre-escaped tooltip: a bold title and plain lines."""
    parts = [f"<b>{escape(title)}</b>"] + [escape(line) for line in lines if line]
    return "<br>".join(parts)


def tooltip_layer(
    gdf: gpd.GeoDataFrame,
    infobulle: Callable[[Any], str],
    styles: dict,
    *,
    style_key: Callable[[Any], str] | None = None,
    highlight: dict | None = None,
    popup: Callable[[Any], str] | None = None,
) -> FeatureLayer:
    """One layer of `gdf` with a pre-escaped tooltip per feature (`infobulle(row)`). `styles` is
    one Leaflet style, or a table {key: style} with `style_key(row)` choosing each row's key."""
    table = styles if style_key else {"defaut": styles}
    return FeatureLayer(
        [
            Feature(
                row.geometry,
                tooltip=infobulle(row),
                popup=popup(row) if popup else None,
                style=style_key(row) if style_key else "defaut",
            )
            for row in gdf.itertuples()
        ],
        table,
        highlight=highlight,
    )


def new_map(
    location: tuple[float, float] = FRANCE_CENTER, zoom: float = FRANCE_ZOOM, online_basemap: bool = True
) -> folium.Map:
    """Empty map (no remote tiles), canvas renderer, centred on mainland France by default."""
    fmap = folium.Map(
        tiles=None,
        prefer_canvas=True,
        zoom_control=True,
        min_zoom=3,
        max_zoom=13,
        control_scale=False,  # ours is metric only (_ReadingAids)
        location=list(location),
        zoom_start=zoom,  # type: ignore[arg-type]  # Leaflet takes fractional zooms (zoom_snap)
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    _Attribution(ATTRIBUTION).add_to(fmap)
    _ReadingAids().add_to(fmap)
    add_runtime(fmap)
    if online_basemap:
        folium.TileLayer(
            "OpenStreetMap",
            name="Fond OpenStreetMap (en ligne)",
            overlay=True,
            show=False,
            attr="© contributeurs OpenStreetMap",
        ).add_to(fmap)
    return fmap


@dataclass(frozen=True)
class BaseLayers:
    """Compact data (`features_json`) of the reference layers, computed once and shared."""

    regions: str
    departement_borders: str
    metropoles: str
    towns: str = "[]"  # [[name, lat, lon], …] of the main town of each département


def main_towns(geo: GeoData) -> list[list]:
    """The most populous commune of each département (INSEE population): offline place names."""
    communes = geo.communes.sort_values("population", ascending=False).drop_duplicates("departement")
    return [[str(r.nom), round(float(r.lat), 4), round(float(r.lon), 4)] for r in communes.itertuples()]


class _SharedControl(RenderedMacroElement):
    """Publishes the base map's layer control, so that the layers a page adds later are listed
    in it: one control for the whole map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        window.allianceBaseControl = {{ this.control }};
        window.allianceDynamic = [];
        {% endmacro %}"""
    )

    def __init__(self, control: str):
        super().__init__()
        self._name = "SharedControl"
        self.control = control


class _TownLabels(RenderedMacroElement):
    """Names of the main towns, drawn from the geodata (no tile server), shown once zoomed in
    enough for them not to crowd the map (they never catch clicks).

    All the names are the text of ONE SVG element in the marker pane, hidden while the map zooms.
    One Leaflet marker per name (a positioned element each, over the map's canvas) made the
    browser composite each name as a layer of its own (~100 at a département's zoom), and it
    layerizes them again on every frame in which the map or the page changes."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            var NS = "http://www.w3.org/2000/svg", towns = {{ this.towns }};
            var TownLabels = L.Layer.extend({
                onAdd: function () {
                    this._svg = document.createElementNS(NS, "svg");
                    this._svg.setAttribute("class", "alliance-towns leaflet-zoom-hide");
                    this._texts = towns.map(function (t) {
                        var text = document.createElementNS(NS, "text");
                        text.textContent = t[0];
                        this._svg.appendChild(text);
                        return text;
                    }, this);
                    this.getPane("markerPane").appendChild(this._svg);
                    this._place();
                },
                onRemove: function () { L.DomUtil.remove(this._svg); },
                getEvents: function () { return {zoom: this._place, viewreset: this._place}; },
                _place: function () {
                    this._texts.forEach(function (text, i) {
                        var at = this._map.latLngToLayerPoint([towns[i][1], towns[i][2]]);
                        text.setAttribute("x", at.x);
                        text.setAttribute("y", at.y + 4);  // baseline: the text's middle on the town
                    }, this);
                }
            });
            var labels = new TownLabels();
            function show() {
                if (map.getZoom() >= {{ this.min_zoom }}) labels.addTo(map); else labels.remove();
            }
            map.on("zoomend", show);
            show();
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, towns_json: str, min_zoom: float = 6.75):
        super().__init__()
        self._name = "TownLabels"
        self.towns, self.min_zoom = towns_json, min_zoom


def base_layers(geo: GeoData) -> BaseLayers:
    """Precompute the data of the base map (the costly part of building a map)."""
    return BaseLayers(
        regions=features_json(
            Feature(r.geometry, tooltip=tooltip_html(r.nom, f"Région {r.code}")) for r in geo.regions.itertuples()
        ),
        departement_borders=features_json([Feature(inner_borders(geo.departements, "region"))]),
        metropoles=features_json(Feature(r.geometry, tooltip=epci_tooltip(r)) for r in geo.metropoles.itertuples()),
        towns=json.dumps(main_towns(geo), ensure_ascii=False).replace("</", "<\\/"),
    )


def _named(fmap: folium.Map, name: str, layer: FeatureLayer, show: bool = True) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, show=show)
    layer.add_to(group)
    group.add_to(fmap)
    return group


def add_basemap(fmap: folium.Map, layers: BaseLayers) -> folium.Map:
    """Regions as light polygons (tooltip: name) and the départements' borders inside each
    région as thin lines."""
    _named(fmap, "Régions", FeatureLayer(layers.regions, {"defaut": REGION_STYLE}))
    _named(
        fmap, "Départements", FeatureLayer(layers.departement_borders, {"defaut": DEPARTEMENT_STYLE}, interactive=False)
    )
    return fmap


def epci_tooltip(row) -> str:
    return tooltip_html(
        row.nom,
        f"{EPCI_TYPE_LABELS.get(row.type, row.type)} · SIREN {row.siren}",
        f"{fmt_int(row.population)} habitants · {fmt_int(row.n_communes)} communes",
    )


def add_metropoles(fmap: folium.Map, layers: BaseLayers) -> folium.Map:
    """The 22 métropoles (METRO and the Métropole de Lyon) as highlighted polygons."""
    _named(
        fmap,
        "Métropoles",
        FeatureLayer(layers.metropoles, {"defaut": METROPOLE_STYLE}, highlight={"weight": 3, "fillOpacity": 0.8}),
    )
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


def carte_base_map(
    layers: BaseLayers,
    location: tuple[float, float] = FRANCE_CENTER,
    zoom: float = FRANCE_ZOOM,
    extra_groups: list | None = None,
    fill_frame: tuple[int, int] | None = None,
    online_basemap: bool = True,
) -> folium.Map:
    """Base of the Carte page: same outlines as home, métropoles hidden by default.
    `extra_groups` (feature groups) are drawn on top, e.g. for a standalone export;
    `fill_frame` (width, height of the frame the page's views are computed for) makes the map
    as tall as its frame, which the page sizes (e.g. to the screen on a slide), views scaled;
    without `online_basemap`, no OpenStreetMap layer is offered (exports: they must open offline)."""
    fmap = new_map(location=location, zoom=zoom, online_basemap=online_basemap)
    if fill_frame:
        fmap.get_root().header.add_child(Element(FILL_FRAME_CSS), name="alliance_fill_frame")  # type: ignore[attr-defined]
        fmap.get_root().header.add_child(Element(PROJECTOR_MAP_CSS), name="alliance_projector")  # type: ignore[attr-defined]
        _ScaleViewsToFrame(*fill_frame).add_to(fmap)  # views taken at once, scaled
    else:
        _FirstViewAtOnce().add_to(fmap)
    add_basemap(fmap, layers)
    _named(
        fmap,
        "Métropoles (22)",
        FeatureLayer(layers.metropoles, {"defaut": {**METROPOLE_STYLE, "fillOpacity": 0.25}}),
        show=False,
    )
    _TownLabels(layers.towns).add_to(fmap)
    for group in extra_groups or []:
        group.add_to(fmap)
    control = folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    _SharedControl(control.get_name()).add_to(fmap)  # the pages' layers join it (maps.component)
    return use_local_assets(fmap)  # popups are Leaflet's own (FeatureLayer): no jQuery
