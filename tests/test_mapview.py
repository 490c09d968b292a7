"""The cached rendering of maps reproduces what st_folium would send."""
import folium

from alliance import maps
import json
import re

from alliance.mapview import externalize_geojson, feature_group_js, render_map
from alliance.paths import STATIC_DIR


def test_rendered_home_map_is_complete_and_offline(geo):
    rendered = render_map(maps.home_map(maps.base_layers(geo)))
    assert "map_div" in rendered.script and "L.map(" in rendered.script
    assert rendered.js_links == ("/app/static/vendor/leaflet-1.9.3/leaflet.js",)
    assert rendered.css_links == ("/app/static/vendor/leaflet-1.9.3/leaflet.css",)
    # The GeoJSON of the régions, départements and métropoles is served once as static files
    # (local: /app/static/generated/), not in the JavaScript sent on every rerun.
    assert rendered.payload_bytes < 30_000
    urls = re.findall(r'fetch\("(/app/static/generated/[0-9a-f]+\.json)"\)', rendered.script)
    assert len(urls) == 3
    features = sum(len(json.loads((STATIC_DIR / u[len("/app/static/"):]).read_text())["features"]) for u in urls)
    assert features == len(geo.regions) + 1 + len(geo.metropoles)  # régions, one border mesh, métropoles


def test_inline_data_when_the_static_folder_is_not_writable(tmp_path):
    script = 'var a = 1;\ngeo_json_x_add({"type": "FeatureCollection", "features": [' + ", ".join(
        ['{"type": "Feature", "properties": {}, "geometry": null}'] * 600) + ']});\n'
    blocked = tmp_path / "fichier"
    blocked.write_text("x")
    assert externalize_geojson(script, folder=blocked / "sous-dossier") == script
    moved = externalize_geojson(script, folder=tmp_path / "generated", url="/x")
    assert "geo_json_x_add(data[0]); geo_json_x.bringToBack();" in moved and len(moved) < 500


def test_render_is_stable_between_builds(geo):
    layers = maps.base_layers(geo)
    assert render_map(maps.home_map(layers)).script == render_map(maps.home_map(layers)).script


def test_feature_group_js_targets_the_mounted_map():
    group = folium.FeatureGroup(name="Essai")
    folium.CircleMarker([48.39, -4.49], radius=5, tooltip="Brest").add_to(group)
    layers = feature_group_js([group], control_title="Couches")
    assert "map_div.addLayer(feature_group_feature_group_0)" in layers.groups
    assert "L.circleMarker" in layers.groups
    assert "Essai" in layers.control and "window.layer_control" in layers.control
