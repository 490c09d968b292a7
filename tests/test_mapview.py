"""The cached rendering of maps reproduces what st_folium would send."""
import folium

from alliance import maps
from alliance.mapview import feature_group_js, render_map


def test_rendered_home_map_is_complete_and_offline(geo):
    rendered = render_map(maps.home_map(maps.base_layers(geo)))
    assert "map_div" in rendered.script and "L.map(" in rendered.script
    assert rendered.js_links == ("/app/static/vendor/leaflet-1.9.3/leaflet.js",)
    assert rendered.css_links == ("/app/static/vendor/leaflet-1.9.3/leaflet.css",)
    assert 100_000 < rendered.payload_bytes < 2_500_000


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
