"""The cached rendering of maps reproduces what st_folium would send."""

import json
import re

import folium
import shapely

from alliance.maps import basemap
from alliance.maps.component import feature_group_js, render_map
from alliance.maps.features import SCALE, Feature, FeatureLayer, encode_geometry, features_json, serve_from
from alliance.paths import STATIC_DIR


def test_rendered_home_map_is_complete_and_offline(geo):
    rendered = render_map(basemap.home_map(basemap.base_layers(geo)))
    assert "map_div" in rendered.script and "L.map(" in rendered.script
    assert rendered.js_links == ("/app/static/vendor/leaflet-1.9.3/leaflet.js",)
    assert rendered.css_links == ("/app/static/vendor/leaflet-1.9.3/leaflet.css",)
    # The large layers (régions, département borders) are served once as static files
    # (local: /app/static/generated/), not in the JavaScript sent on every rerun.
    assert rendered.payload_bytes < 32_000  # JavaScript and the 22 métropoles inline
    urls = re.findall(r'"(/app/static/generated/[0-9a-f]+\.json)"', rendered.script)
    assert len(urls) == 2
    served = sum(len(json.loads((STATIC_DIR / u[len("/app/static/") :]).read_text())) for u in urls)
    inline = len(geo.metropoles)  # small: stays in the script
    assert served == len(geo.regions) + 1 and inline < 30


def test_inline_data_when_the_static_folder_is_not_writable(tmp_path, geo):
    blocked = tmp_path / "fichier"
    blocked.write_text("x")
    layer = FeatureLayer([Feature(g) for g in geo.regions.geometry], {"defaut": {}})
    serve_from(layer, blocked / "sous-dossier", "/x")
    assert layer.source() == layer.data
    serve_from(layer, tmp_path / "generated", "/x")
    url = json.loads(layer.source())
    assert url.startswith("/x/") and (tmp_path / "generated" / url[3:]).read_text() == layer.data


def _decode(sequence: list[int]) -> list[tuple[float, float]]:
    points, x, y = [], 0, 0
    for dx, dy in zip(sequence[::2], sequence[1::2]):
        x, y = x + dx, y + dy
        points.append((x / SCALE, y / SCALE))
    return points


def test_compact_geometry_round_trips_at_the_geodata_precision():
    polygon = shapely.Polygon(
        [(-4.486, 48.39), (-4.3, 48.39), (-4.3, 48.5), (-4.486, 48.39)],
        [[(-4.4, 48.42), (-4.35, 48.42), (-4.35, 48.45), (-4.4, 48.42)]],
    )
    encoded = encode_geometry(polygon)
    assert encoded["type"] == "Polygon"
    assert [_decode(ring) for ring in encoded["c"]] == [
        list(polygon.exterior.coords),
        list(polygon.interiors[0].coords),
    ]
    multi = encode_geometry(shapely.MultiPolygon([polygon, shapely.box(1.0, 43.0, 1.5, 43.5)]))
    assert len(multi["c"]) == 2 and _decode(multi["c"][1][0])[0] == (1.5, 43.0)
    line = encode_geometry(shapely.LineString([(-4.486, 48.39), (1.444, 43.604)]))
    assert line["c"] == [-4486, 48390, 5930, -4786]
    point = encode_geometry(shapely.Point(2.3522, 48.8566))
    assert point == {"type": "Point", "c": [2352, 48857]}
    collection = encode_geometry(shapely.GeometryCollection([shapely.Point(3.55, 50.55), polygon]))
    assert [g["type"] for g in collection["g"]] == ["Point", "Polygon"]
    assert encode_geometry(shapely.Polygon()) is None


def test_layer_data_is_safe_inside_a_script_element():
    hostile = "</script><script>alert(1)</script><!-- \u2028"
    data = features_json([Feature(shapely.Point(0, 0), tooltip=hostile + "\u2028")])
    assert "</script" not in data and "<!--" not in data and "\u2028" not in data
    assert json.loads(data)[0]["t"] == hostile + "\u2028"


def test_standalone_maps_keep_their_data_inline(geo):
    html = basemap.home_map(basemap.base_layers(geo)).get_root().render()
    assert "/app/static/generated" not in html and "allianceLayer" in html


def test_render_is_stable_between_builds(geo):
    layers = basemap.base_layers(geo)
    assert render_map(basemap.home_map(layers)).script == render_map(basemap.home_map(layers)).script


def test_feature_group_js_targets_the_mounted_map():
    group = folium.FeatureGroup(name="Essai")
    folium.CircleMarker([48.39, -4.49], radius=5, tooltip="Brest").add_to(group)
    layers = feature_group_js([group], control_title="Couches")
    assert "map_div.addLayer(feature_group_feature_group_0)" in layers.groups
    assert "L.circleMarker" in layers.groups
    assert "Essai" in layers.control and "window.layer_control" in layers.control
    # one control per map: the page's layers join the base map's control when it has one
    assert "allianceControl._addLayer(p[0], p[1], true)" in layers.control
    assert '[feature_group_feature_group_0, "Essai"]' in layers.control


def test_base_map_publishes_its_layer_control(geo):
    html = basemap.carte_base_map(basemap.base_layers(geo)).get_root().render()
    assert "window.allianceBaseControl = layer_control_" in html


def _statements(js: str) -> list[str]:
    """The script's statements without whitespace, less the redundant `.addTo(map_div)` folium
    writes next to streamlit-folium's own `map_div.addLayer`."""
    flat = re.sub(r"\s+", "", js)
    return [s for s in flat.split(";") if s and not re.fullmatch(r"feature_group_\w+\.addTo\(map_div\)", s)]


def test_feature_groups_of_our_layers_skip_folium_and_say_the_same(catalogue, geo, monkeypatch):
    """The Carte's groups (our layers only) are written directly, not through folium's Jinja
    rendering: the same groups, layers, data, visibility and control as the folium path."""
    from alliance.analysis.filters import Filters, apply_filters, build_filter_index
    from alliance.maps import component, overlays

    ids = apply_filters(catalogue, build_filter_index(catalogue, geo), Filters(texte="Brest"))
    fast = feature_group_js(overlays.cooperation_groups(catalogue, geo, ids), control_title="Coopérations")
    monkeypatch.setattr(component, "_is_plain", lambda group: False)
    slow = feature_group_js(overlays.cooperation_groups(catalogue, geo, ids), control_title="Coopérations")
    assert _statements(fast.groups) == _statements(slow.groups)
    assert fast.control == slow.control
    assert "Registres : Territoires d'industrie" in fast.control  # every group listed, hidden ones too
    assert fast.groups.count("map_div.addLayer(") == slow.groups.count("map_div.addLayer(") < 8  # hidden stay off


def test_groups_holding_folium_elements_still_go_through_folium():
    group = folium.FeatureGroup(name="Essai")
    folium.CircleMarker([48.39, -4.49], radius=5, tooltip="Brest").add_to(group)
    FeatureLayer([Feature(shapely.Point(-4.49, 48.39), tooltip="Brest")], {"defaut": {}}).add_to(group)
    js = feature_group_js([group]).groups
    assert "L.circleMarker" in js and "window.allianceLayer" in js
