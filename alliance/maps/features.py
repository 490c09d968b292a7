"""Compact GeoJSON layers: every shape drawn on a map goes through `FeatureLayer`.

Why not folium.GeoJson: for each layer it writes a style switch that lists every feature's
tooltip a second time, a set of functions, and pretty-printed coordinates — about 1.4 MB of
JavaScript for the national map, sent again on every rerun. Here:
- each feature carries only `t` (tooltip markup, already escaped), `p` (popup markup), `s` (a
  key into the layer's small style table) and `w` (an optional line weight);
- coordinates are integers in thousandths of a degree (the precision of `geodata/`, ≈ 100 m),
  delta-encoded along each ring, decoded in the browser (`LayerRuntime`);
- when a map is shown through the Streamlit component (`serve_from`), the data of a large
  layer is written once as a static file named by its content hash and fetched by the browser,
  which keeps it across reruns and pages: the JavaScript sent on each rerun stays small; a
  layer hidden in the layer control is fetched only when the user shows it.
  Standalone exports keep the data inline (they must open offline from a file).
Layers fetched late, or shown later from the layer control, are restacked in declaration order
so the drawing looks the same as when everything is inline.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from branca.element import Element, MacroElement, Template

SCALE = 1000
EXTERNAL_MIN_BYTES = 20_000
TOOLTIP_CLASS = "alliance-tip"
MAP_CSS = (
    f"<style>.{TOOLTIP_CLASS}{{font-size:14px;max-width:360px;white-space:normal}}"
    # names of the leading territories on the network map (Feature.label), never hiding a click
    ".alliance-label{font:600 13px sans-serif;background:#fffe;border:0;box-shadow:none;padding:0 3px}"
    ".alliance-label:before{display:none}"
    # layer controls named in words (maps._ReadingAids), not two identical icons
    ".leaflet-control-layers-toggle{background-image:none !important;width:auto !important;"
    "height:auto !important;padding:6px 10px;font:600 14px sans-serif;color:#1f2328;text-decoration:none}"
    # the attribution never covers the metric scale at its left, even on a narrow map
    ".leaflet-control-attribution{font-size:11px;max-width:calc(100% - 170px);line-height:1.3}"
    # main towns' names (maps.basemap._TownLabels): dark text with a white halo
    ".alliance-towns{position:absolute;left:0;top:0;width:1px;height:1px;overflow:visible;pointer-events:none}"
    ".alliance-towns text{font:600 12px sans-serif;fill:#1f2328;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round;paint-order:stroke;text-anchor:middle}"
    # the mouse-wheel hint (maps.basemap._ReadingAids), shown over the map for a moment
    ".alliance-hint{position:absolute;z-index:1000;left:50%;top:45%;transform:translate(-50%,-50%);"
    "background:rgba(31,35,40,.85);color:#fff;padding:8px 14px;border-radius:6px;font:15px sans-serif;"
    "pointer-events:none;opacity:0;transition:opacity .2s}"
    "</style>"
)


def _sequence(coords) -> list[int]:
    """A coordinate sequence as [x0, y0, dx1, dy1, …] in 1/SCALE degrees."""
    ints = np.rint(np.asarray(coords, dtype=float)[:, :2] * SCALE).astype(np.int64)
    return np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel().tolist()


def _polygon_rings(polygon) -> list[list[int]]:
    return [_sequence(polygon.exterior.coords)] + [_sequence(ring.coords) for ring in polygon.interiors]


def encode_geometry(geom) -> dict | None:
    """A shapely geometry in the compact form the browser decodes (None if empty)."""
    if geom is None or geom.is_empty:
        return None
    kind = geom.geom_type
    if kind == "Point":
        return {"type": kind, "c": _sequence([geom.coords[0]])}
    if kind in ("LineString", "LinearRing"):
        return {"type": "LineString", "c": _sequence(geom.coords)}
    if kind == "Polygon":
        return {"type": kind, "c": _polygon_rings(geom)}
    if kind == "MultiPoint":
        return {"type": kind, "c": _sequence(shapely.get_coordinates(geom))}
    if kind == "MultiLineString":
        return {"type": kind, "c": [_sequence(part.coords) for part in geom.geoms]}
    if kind == "MultiPolygon":
        return {"type": kind, "c": [_polygon_rings(part) for part in geom.geoms]}
    parts = [encode_geometry(part) for part in geom.geoms]  # GeometryCollection
    return {"type": "GeometryCollection", "g": [p for p in parts if p is not None]}


@dataclass(frozen=True)
class Feature:
    """One shape of a layer: geometry, pre-escaped tooltip and popup markup, style key, weight."""

    geometry: object
    tooltip: str | None = None
    popup: str | None = None
    style: str = "defaut"
    weight: float | None = None
    radius: float | None = None  # points only (circle markers)
    label: str | None = None  # pre-escaped name always shown beside the shape (a few per map)


def _script_safe_json(value) -> str:
    """Compact JSON that is also safe inside an HTML <script> element and a JavaScript source."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("</", "<\\/")
        .replace("<!--", "<\\u0021--")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_ENCODED: weakref.WeakKeyDictionary[object, str | None] = weakref.WeakKeyDictionary()


def _geometry_json(geom) -> str | None:
    """`encode_geometry` as JSON, memoised per geometry (catalogue shapes are drawn on every rerun)."""
    try:
        return _ENCODED[geom]
    except (KeyError, TypeError):
        pass
    encoded = encode_geometry(geom)
    text = None if encoded is None else json.dumps(encoded, separators=(",", ":"))
    with contextlib.suppress(TypeError):  # an unhashable geometry is simply not memoised
        _ENCODED[geom] = text
    return text


def features_json(features: Iterable[Feature]) -> str:
    rows = []
    for feature in features:
        geometry = _geometry_json(feature.geometry) if feature.geometry is not None else None
        if geometry is None:
            continue
        row: dict = {"s": feature.style}
        if feature.tooltip:
            row["t"] = feature.tooltip
        if feature.popup:
            row["p"] = feature.popup
        if feature.weight is not None:
            row["w"] = round(float(feature.weight), 2)
        if feature.radius is not None:
            row["r"] = round(float(feature.radius), 1)
        if feature.label:
            row["e"] = feature.label
        rows.append('{"g":' + geometry + "," + _script_safe_json(row)[1:])
    return "[" + ",".join(rows) + "]"


class _Rendered(Element):
    """Text already rendered, emitted as it is: never compiled as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class RenderedMacroElement(MacroElement):
    """A MacroElement whose rendered header, html and script go into the page as plain text.

    branca's own `MacroElement.render` wraps each rendered part in `Element(text)`, which
    compiles that text again as a Jinja template — and the page render then runs it: a
    `{{ … }}` inside the data (a contribution's name, a partner's label) was evaluated on the
    server (template injection, up to running commands from an HTML export), an unbalanced
    `{%` failed the map, and compiling a large layer cost ~20 ms per rerun. Every element of
    ours derives from this class (tests/test_security.py)."""

    def render(self, **kwargs) -> None:  # type: ignore[override]  # as branca's MacroElement.render
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Rendered(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class FeatureLayer(RenderedMacroElement):
    """A GeoJSON layer drawn from compact features with a style table {key: Leaflet path style}."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.allianceLayer(L.geoJson(null, {
            interactive: {{ this.interactive|tojson }},
            style: function (f) { return window.allianceStyle({{ this.styles_json }}, f); },
            pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: {{ this.radius|tojson }}}); },
            onEachFeature: function (f, l) {
                var p = f.properties;
                if (p.t) l.bindTooltip(p.t, {sticky: true, className: {{ this.tooltip_class|tojson }}});
                if (p.p) l.bindPopup(p.p, {maxWidth: {{ this.popup_width|tojson }}});
                {#- a label replaces the sticky tooltip: Leaflet keeps the first one's handlers unless unbound #}
                if (p.e) l.unbindTooltip().bindTooltip(p.e, {permanent: 1, direction: "right",
                    className: "alliance-label"});
                {%- if this.highlight %}
                l.on({mouseover: function (e) { e.target.setStyle({{ this.highlight_json }}); },
                      mouseout: function (e) { {{ this.get_name() }}.resetStyle(e.target); }});
                {%- endif %}
            }
        }), {{ this.source() }}, typeof onLayerClick === "function" ? onLayerClick : null
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(
        self,
        features: Iterable[Feature] | str,
        styles: Mapping[str, dict],
        *,
        highlight: dict | None = None,
        interactive: bool = True,
        radius: float = 7,
        popup_width: int = 340,
    ):
        """`features`: Feature objects, or their `features_json` computed beforehand (cached)."""
        super().__init__()
        self._name = "FeatureLayer"
        self.data = features if isinstance(features, str) else features_json(features)
        self.styles_json = _script_safe_json(dict(styles))
        self.highlight = highlight
        self.highlight_json = _script_safe_json(highlight or {})
        self.interactive = interactive
        self.radius = radius
        self.popup_width = popup_width
        self.tooltip_class = TOOLTIP_CLASS
        self.serve_dir: Path | None = None
        self.serve_url = ""

    @property
    def n_features(self) -> int:
        return len(json.loads(self.data))

    @property
    def is_served(self) -> bool:
        return self.serve_dir is not None and len(self.data) >= EXTERNAL_MIN_BYTES and self.source() != self.data

    def source(self) -> str:
        """The layer's data as a JavaScript expression: inline, or the URL of its static file
        when the map is served (`serve_from`) and the data is large; inline if the folder
        cannot be written."""
        if self.serve_dir is None or len(self.data) < EXTERNAL_MIN_BYTES:
            return self.data
        name = hashlib.sha256(self.data.encode()).hexdigest()[:20] + ".json"
        try:
            self.serve_dir.mkdir(parents=True, exist_ok=True)
            target = self.serve_dir / name
            if not target.exists():
                temporary = self.serve_dir / f".{name}.{os.getpid()}"
                temporary.write_text(self.data, encoding="utf-8")
                temporary.replace(target)  # atomic: a browser never reads half a file
        except OSError:
            return self.data
        return json.dumps(f"{self.serve_url}/{name}")


def serve_from(element, folder: Path, url: str) -> None:
    """Have every FeatureLayer under `element` fetch its large data from `folder` (served at `url`)."""
    if isinstance(element, FeatureLayer):
        element.serve_dir, element.serve_url = folder, url
    for child in getattr(element, "_children", {}).values():
        serve_from(child, folder, url)


def served_bytes(element, shown: bool = True) -> tuple[int, int]:
    """Bytes of the static files the layers under `element` fetch: (when the map opens, with
    every hidden layer shown too). Call after rendering."""
    if getattr(element, "show", True) is False:
        shown = False
    now = every = 0
    if isinstance(element, FeatureLayer) and element.is_served:
        size = len(element.data.encode())
        now, every = (size if shown else 0), size
    for child in getattr(element, "_children", {}).values():
        child_now, child_every = served_bytes(child, shown)
        now, every = now + child_now, every + child_every
    return now, every


class LayerRuntime(RenderedMacroElement):
    """The browser side of FeatureLayer, defined once per map (before any layer): decoding,
    styling, late loading and restacking in declaration order."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var S = {{ this.scale }};
            function seq(a) {
                var out = [], x = 0, y = 0;
                for (var i = 0; i < a.length; i += 2) { x += a[i]; y += a[i + 1]; out.push([x / S, y / S]); }
                return out;
            }
            function geometry(g) {
                switch (g.type) {
                    case "Point": return {type: g.type, coordinates: seq(g.c)[0]};
                    case "LineString": case "MultiPoint": return {type: g.type, coordinates: seq(g.c)};
                    case "Polygon": case "MultiLineString": return {type: g.type, coordinates: g.c.map(seq)};
                    case "MultiPolygon":
                        return {type: g.type, coordinates: g.c.map(function (p) { return p.map(seq); })};
                    default: return {type: "GeometryCollection", geometries: g.g.map(geometry)};
                }
            }
            window.allianceRank = window.allianceRank || 0;
            // The ranked layers on the map: scanning map.eachLayer instead visits every shape.
            window.allianceOnMap = window.allianceOnMap || [];
            window.allianceStyle = function (styles, f) {
                var style = Object.assign({}, styles[f.properties.s] || {});
                if (f.properties.w) style.weight = f.properties.w;
                if (f.properties.r) style.radius = f.properties.r;
                return style;
            };
            window.allianceRestack = function (map, rank) {
                if (!map) return;
                window.allianceOnMap = window.allianceOnMap.filter(function (l) { return l._map === map; });
                var above = window.allianceOnMap.filter(function (l) { return l._allianceRank > rank; });
                above.sort(function (a, b) { return a._allianceRank - b._allianceRank; });
                above.forEach(function (l) { l.bringToFront(); });
            };
            window.allianceLayer = function (layer, data, click) {
                layer._allianceRank = ++window.allianceRank;
                layer.on("add", function () {
                    if (window.allianceOnMap.indexOf(layer) < 0) window.allianceOnMap.push(layer);
                    window.allianceRestack(layer._map, layer._allianceRank);
                });
                function fill(rows) {
                    layer.addData(rows.map(function (r) {
                        return {type: "Feature", properties: r, geometry: geometry(r.g)};
                    }));
                    if (click) layer.eachLayer(function (l) { l.off("click", click); l.on("click", click); });
                    window.allianceRestack(layer._map, layer._allianceRank);
                }
                if (typeof data === "string") {  // fetched when first shown: hidden layers cost nothing
                    layer.once("add", function () {
                        window.alliancePending = (window.alliancePending || 0) + 1;  // maps.component.PAINTED_JS
                        fetch(data).then(function (r) { return r.json(); }).then(fill)
                            .finally(function () { window.alliancePending -= 1; });
                    });
                } else {
                    fill(data);
                }
                return layer;
            };
        })();
        {% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self._name = "LayerRuntime"
        self.scale = SCALE


def add_runtime(fmap) -> None:
    """Give `fmap` the FeatureLayer runtime and the map styles (call before adding layers)."""
    LayerRuntime().add_to(fmap)
    fmap.get_root().header.add_child(Element(MAP_CSS), name="alliance_map_css")
