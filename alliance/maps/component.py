"""Showing folium maps in Streamlit through streamlit-folium's component, with caching.

`st_folium` re-renders the whole folium map (Jinja templates, JSON of every layer) on every
rerun and mutates the map it is given. Here the base map is rendered ONCE into the strings the
component needs (`RenderedMap`, cached by the caller), and what changes between reruns travels
as feature-group JavaScript (`feature_group_js`), which the component adds to the mounted map
without remounting it. This relies on streamlit-folium's module-level helpers (version pinned
in requirements.txt; tests/test_mapview.py fails if they change).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
import streamlit_folium as sf

from alliance.maps.features import RenderedMacroElement, serve_from, served_bytes
from alliance.paths import STATIC_DIR


@dataclass(frozen=True)
class RenderedMap:
    """The strings streamlit-folium sends to the browser for one map."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    zoom: float | None
    served: tuple[int, int] = (0, 0)  # static files fetched: when shown, with hidden layers too

    @property
    def payload_bytes(self) -> int:
        """What the component sends (on first display)."""
        return len(self.script.encode()) + len(self.header.encode()) + len(self.html.encode())


def _links(fmap: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    css: list[str] = []
    js: list[str] = []

    def walk(element):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


GENERATED_DIR = STATIC_DIR / "generated"  # gitignored: written on demand, named by content hash
GENERATED_URL = "/app/static/generated"


def _zoom(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


MAP_NAME = "Carte interactive des coopérations"
# The component's own page is English (lang="en", « Streamlit Folium Component », a <noscript>
# in English) and folium's header forbids pinch-zoom (user-scalable=no): the map's script makes
# its frame French, named and a landmark before drawing the map.
FRAME_DOCUMENT_JS = (
    "(function(){var d=document;d.documentElement.lang='fr';d.title=%s;"
    "d.querySelectorAll('noscript').forEach(function(n){n.remove();});"
    "var m=d.querySelector('meta[name=description]');if(m)m.setAttribute('content',%s);"
    "var r=d.getElementById('root');if(r){r.setAttribute('role','main');r.setAttribute('aria-label',%s);}"
    "})();\n"
) % ((json.dumps(MAP_NAME),) * 3)
NO_PINCH_ZOOM = re.compile(r"<meta[^>]*name=[\"']viewport[\"'][^>]*>", re.I)


def render_map(fmap: folium.Map) -> RenderedMap:
    """Render `fmap` once (consumes it: streamlit-folium's helpers mutate the map); the data of
    its large layers is served as static files (`geojson_layer.serve_from`)."""
    serve_from(fmap, GENERATED_DIR, GENERATED_URL)
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = NO_PINCH_ZOOM.sub("", sf._get_header(fmap))  # the frame's own viewport allows zooming
    css, js = _links(fmap)
    script = FRAME_DOCUMENT_JS + sf._get_map_string(fmap)
    return RenderedMap(
        script=script,
        header=header,
        html=html,
        map_id=sf.get_full_id(fmap),
        css_links=css,
        js_links=js,
        zoom=_zoom(fmap.options.get("zoom")),
        served=served_bytes(fmap),
    )


@dataclass(frozen=True)
class DynamicLayers:
    """JavaScript of feature groups added to a mounted map, and of the control listing them."""

    groups: str
    control: str | None
    served: tuple[int, int] = (0, 0)  # static files fetched: when shown, with hidden layers too

    @property
    def payload_bytes(self) -> int:
        """What the component sends on each rerun that changes the layers."""
        return len(self.groups.encode()) + len((self.control or "").encode())


def feature_group_js(groups: Sequence[folium.FeatureGroup], control_title: str | None = None) -> DynamicLayers:
    """JavaScript adding `groups` to the mounted map (what st_folium's feature_group_to_add sends),
    with a layer control listing them when `control_title` is given."""
    scratch = folium.Map(tiles=None)
    parts = []
    for idx, group in enumerate(groups):
        serve_from(group, GENERATED_DIR, GENERATED_URL)
        if _is_plain(group):
            group._id = f"feature_group_{idx}"
            scratch.add_child(group)  # listed by the layer control of a map without the base one
            parts.append(_group_js(group))
        else:
            parts.append(_folium_group_js(group, scratch, idx))
    # streamlit-folium has removed every group listed in window.feature_group before running
    # this: the list starts again (otherwise it keeps every past group, and their shapes, alive).
    js = "window.feature_group = [];\n" + "".join(parts)
    control = None
    if control_title is not None:
        own = _own_control(tuple(group.layer_name if group.control else None for group in groups))
        control = _into_base_control(groups, own)
    served = [served_bytes(group) for group in groups]
    return DynamicLayers(
        groups=js, control=control, served=(sum(now for now, _ in served), sum(every for _, every in served))
    )


@functools.lru_cache(maxsize=64)
def _own_control(names: tuple[str | None, ...]) -> str:
    """A layer control listing feature groups named `names` (None: not listed), in streamlit-folium's
    JavaScript; depends on the names alone, rendered once (folium compiles its template: ~3 ms)."""
    scratch = folium.Map(tiles=None)
    for idx, name in enumerate(names):
        group = folium.FeatureGroup(name=name, control=name is not None)
        group._id = f"feature_group_{idx}"
        scratch.add_child(group)
    return sf._get_layer_control_string(folium.LayerControl(collapsed=True, position="topleft"), scratch)


def _is_plain(group: folium.FeatureGroup) -> bool:
    """A feature group holding only our layers (no folium element): written without folium's
    Jinja rendering (which compiles each rendered part again, ~2 ms per group on every rerun)."""
    return (
        type(group) is folium.FeatureGroup
        and not group.options
        and all(isinstance(child, RenderedMacroElement) and not child._children for child in group._children.values())
    )


def _group_js(group: folium.FeatureGroup) -> str:
    """The JavaScript streamlit-folium writes for a feature group (`sf._get_feature_group_string`),
    variables named the same way: `feature_group_feature_group_<idx>`, its layers inside."""
    name = group.get_name()
    lines = [f"var {name} = L.featureGroup({{}});"]
    for position, child in enumerate(group._children.values()):
        child._id = f"{group._id}_{position}"
        child._parent = group
        lines.append(child._template.module.__dict__["script"](child, {}))
    if group.show:  # streamlit-folium adds every group to the map: a hidden one waits for the control
        lines.append(f"map_div.addLayer({name});")
    lines.append(f"window.feature_group = window.feature_group || [];\nwindow.feature_group.push({name});\n")
    return "\n".join(lines)


def _folium_group_js(group: folium.FeatureGroup, scratch: folium.Map, idx: int) -> str:
    part = sf._get_feature_group_string(group, map=scratch, idx=idx)
    if not group.show:  # streamlit-folium adds every group to the map: a hidden one waits for the control
        part = part.replace(f"map_div.addLayer(feature_group_feature_group_{idx});", "")
    return part


def _into_base_control(groups: Sequence[folium.FeatureGroup], own_control: str) -> str:
    """JavaScript listing the feature groups in the base map's layer control (one control for the
    whole map, maps.basemap), replacing those of the previous rerun; a map without it gets
    `own_control`. window.layer_control is left alone: streamlit-folium removes it on updates."""
    pairs = ",".join(
        f"[feature_group_feature_group_{idx}, {json.dumps(group.layer_name, ensure_ascii=False)}]"
        for idx, group in enumerate(groups)
    ).replace("</", "<\\/")
    # The control's list is rebuilt once, not after each removal and addition (Leaflet's
    # removeLayer/addOverlay each redraw it: ~20 rebuilds per rerun). So the page's layers do not
    # tell the control when they are added or removed: only its own checkboxes add or remove them
    # (it updates itself then), and streamlit-folium removes them all before the next run's
    # (their entries are replaced below). Leaflet is pinned (1.9.3).
    return (
        "if (window.allianceBaseControl) {"
        " var allianceControl = window.allianceBaseControl, allianceOld = window.allianceDynamic || [];"
        " allianceControl._layers = allianceControl._layers.filter(function (o) {"
        " return allianceOld.indexOf(o.layer) < 0; });"
        f" window.allianceDynamic = [{pairs}].map(function (p) {{"
        " allianceControl._addLayer(p[0], p[1], true);"
        " p[0].off('add remove', allianceControl._onLayerChange, allianceControl); return p[0]; });"
        " if (allianceControl._map) allianceControl._update();"
        "} else {" + own_control + "}"
    )


PAINTED_KEY = "carte_peinte"
# Run after the page's layers are added (with their control): once per frame, when no layer
# data is still being fetched (features.LayerRuntime counts them) and two frames later (painted),
# the map sets its component value, which reruns the page. The message is the one
# streamlit-component-lib sends for Streamlit.setComponentValue.
PAINTED_JS = (
    ";(function () {"
    " if (window.alliancePaintReported) return; window.alliancePaintReported = true;"
    " function report() { window.parent.postMessage({isStreamlitMessage: true,"
    f" type: 'streamlit:setComponentValue', value: {{{PAINTED_KEY}: true}}, dataType: 'json'}}, '*'); }}"
    " function wait() { if (window.alliancePending > 0) { requestAnimationFrame(wait); return; }"
    " requestAnimationFrame(function () { requestAnimationFrame(report); }); }"
    " wait(); })();"
)


def map_widget_key(rendered: RenderedMap, key: str) -> str:
    """The component's key in the session state (its value is there between runs)."""
    return sf.generate_js_hash(rendered.script, key, False)


def show_map(
    rendered: RenderedMap,
    *,
    key: str,
    height: int = 600,
    returned_objects: Iterable[str] = (),
    layers: DynamicLayers | None = None,
    center: tuple[float, float] | None = None,
    zoom: float | None = None,
    report_painted: bool = False,
) -> dict:
    """Display a rendered map; return the requested interaction values (st_folium's dict). With
    `report_painted` (and `layers`), the map reports once, when its layers are drawn (fetched
    data included): the value then holds `PAINTED_KEY` (see app.progressive)."""
    returned = list(returned_objects)
    defaults = {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "bounds": None,
        "zoom": rendered.zoom,
        "center": None,
        "selected_layers": None,
    }
    value = sf._component_func(
        script=rendered.script,
        header=rendered.header,
        html=rendered.html,
        id=rendered.map_id,
        key=map_widget_key(rendered, key),
        height=height,
        width=None,
        returned_objects=returned,
        default={k: v for k, v in defaults.items() if k in returned},
        zoom=zoom,
        center=list(center) if center else None,
        feature_group=layers.groups if layers else None,
        return_on_hover=False,
        layer_control=((layers.control or "") + (PAINTED_JS if report_painted else "")) if layers else None,
        pixelated=False,
        css_links=list(rendered.css_links),
        js_links=list(rendered.js_links),
        on_change=None,
        wrap_longitude=False,
    )
    return value or {}
