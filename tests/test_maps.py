import folium
import pytest
from folium.plugins import MarkerCluster

from alliance.maps import basemap
from alliance.maps.offline import ExternalAssetError, external_urls, use_local_assets


def test_home_map_is_offline(geo):
    fmap = basemap.home_map(basemap.base_layers(geo))
    html = fmap.get_root().render()
    assert external_urls(fmap) == []
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    assert "jquery" not in html  # no popup on the home map: no jQuery to load
    assert "/app/static/vendor/leaflet-1.9.3/leaflet.js" in html
    assert "preferCanvas" in html


def test_unknown_plugin_asset_is_refused():
    fmap = folium.Map(tiles=None)
    MarkerCluster().add_to(fmap)
    with pytest.raises(ExternalAssetError, match="markercluster"):
        use_local_assets(fmap)


def test_tooltips_are_escaped():
    assert basemap.tooltip_html("<img src=x onerror=alert(1)>", "a & b") == (
        "<b>&lt;img src=x onerror=alert(1)&gt;</b><br>a &amp; b"
    )


def test_home_map_has_22_metropoles_and_attribution(geo):
    html = basemap.home_map(basemap.base_layers(geo)).get_root().render()
    assert html.count("SIREN ") == 22  # one tooltip per métropole
    assert "ADMIN EXPRESS" in html and "INSEE" in html


def test_carte_base_map_needs_no_jquery(geo):
    # Popups of the cooperation layers are Leaflet's own (FeatureLayer): one script less to load.
    html = basemap.carte_base_map(basemap.base_layers(geo)).get_root().render()
    assert "jquery" not in html.lower()
