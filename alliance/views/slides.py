"""What a scene shows: its map view, its complete map (exports) and its chart."""

from __future__ import annotations

from alliance.analysis.stats import DISTRIBUTIONS
from alliance.data.geodata import GeoData
from alliance.views.scenes import CHARTS, Scene


def scene_view(scene: Scene, catalogue, ids, size: tuple[int, int] = (700, 560)):
    """Centre and zoom of a scene on a map of `size` pixels (width, height)."""
    from alliance.maps import overlays

    if scene.vue:
        return scene.vue[:2], scene.vue[2]
    return overlays.view_of(catalogue, ids, map_height_px=size[1], map_width_px=size[0])


def scene_map(scene: Scene, catalogue, geo: GeoData, ids, size: tuple[int, int] = (1600, 900)):
    """A complete folium map of a scene (base layers + its cooperations), for exports."""
    from alliance.maps import basemap, overlays

    centre, zoom = scene_view(scene, catalogue, ids, size)
    groups = overlays.cooperation_groups(catalogue, geo, ids, scene.selection, scene.couches)
    return basemap.carte_base_map(basemap.base_layers(geo), location=centre, zoom=zoom, extra_groups=groups)


def scene_chart(name: str, catalogue, ids, atelier=None):
    """(chart, data) of a scene's chart, or None for "aucun"."""
    from alliance.analysis import stats
    from alliance.data.atelier import chart_table
    from alliance.views import charts

    vocab = catalogue.vocab
    coops = catalogue.cooperations.loc[list(ids)]
    if name in DISTRIBUTIONS:
        d = DISTRIBUTIONS[name]
        data = stats.distribution(coops, d.column, vocab[d.family])
        return charts.bar_distribution(data, d.title, selectable=False), data
    if name == "chronologie":
        data = stats.timeline(coops, vocab["type"])
        colours = {
            vocab["type"].label(k): vocab["type"].colour(k) for k in vocab["type"].keys if k in set(data["type"])
        }
        return charts.timeline_chart(data, colours), data
    if name in ("atelier_themes", "atelier_finalites") and atelier is not None:
        jeu, family = ("themes_alliances", "theme") if name == "atelier_themes" else ("finalites_alliances", "finalite")
        data = chart_table(atelier, vocab, jeu, family=family)
        return charts.bar_distribution(
            data, CHARTS[name] + " (%)", count_title="%", selectable=False, uncertain=data["incertain"]
        ), data
    return None
