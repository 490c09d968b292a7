import folium
import pytest
import shapely
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


def test_views_frame_the_region_and_ignore_partners_abroad(catalogue, geo):
    from alliance.maps.overlays import MAX_SELECTION_ZOOM, view_of

    brittany = geo.regions.geometry.at["53"]
    (lat, lon), zoom = view_of(catalogue, catalogue.cooperations.index[:5], geo=geo, regions=("53",))
    assert brittany.contains(shapely.Point(lon, lat)) and zoom >= 6.5  # the region, not France
    # a cooperation with a partner in Cardiff is framed on its French members
    with_cardiff = [c for c, m in catalogue.cooperations["membres"].items() if any("Cardiff" in r for r in m)]
    if with_cardiff:
        (lat, lon), _ = view_of(catalogue, with_cardiff)
        assert lat < 49.5  # Cardiff is at 51.5° N
    # a single small EPCI keeps its surroundings in view
    small = catalogue.cooperations.index[catalogue.cooperations["membres"].map(len) == 1][:1]
    if len(small):
        assert view_of(catalogue, small)[1] <= MAX_SELECTION_ZOOM


def test_main_town_labels_come_from_the_geodata(geo):
    towns = basemap.main_towns(geo)
    names = [name for name, _, _ in towns]
    assert len(towns) == len(geo.departements) and "Rennes" in names and "Brest" in names
    layers = basemap.base_layers(geo)
    labels = '"alliance-towns leaflet-zoom-hide"'  # one SVG element holds them all
    assert labels in basemap.carte_base_map(layers).get_root().render()
    assert labels not in basemap.home_map(layers).get_root().render()  # France view: no labels


def test_a_view_of_ids_outside_the_catalogue_is_refused(catalogue):
    from alliance.maps.overlays import view_of

    known = list(catalogue.cooperations.index[:2])
    assert view_of(catalogue, known)[1] > 0
    with pytest.raises(KeyError, match="absente"):
        view_of(catalogue, [*known, "absente"])
