"""What a scene shows: its map view, its complete map (exports) and its chart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alliance.analysis.stats import DISTRIBUTIONS
from alliance.data.geodata import GeoData
from alliance.exports.standalone_map import MapSheet
from alliance.views.scenes import CHARTS, Scene

if TYPE_CHECKING:  # altair takes 0.4 s to import: the Présentation loads it once its map is sent
    import altair as alt
    import pandas as pd


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
    return basemap.carte_base_map(
        basemap.base_layers(geo), location=centre, zoom=zoom, extra_groups=groups, online_basemap=False
    )


MEMBER_EPCI = ("EPCI membres", "#ffd166")


def legend_items(catalogue, ids, scene: Scene) -> tuple[tuple[str, str], ...]:
    """The map legend of a scene: types of the cooperations shown, and member EPCI if drawn."""
    types = catalogue.vocab["type"]
    present = set(catalogue.cooperations.loc[list(ids), "type"])
    items = [(types.label(t), types.colour(t)) for t in types.keys if t in present]
    if "epci" in scene.couches:
        items.append(MEMBER_EPCI)
    return tuple(items)


def scene_sheet(scene: Scene, catalogue, ids) -> MapSheet:
    """Title, message, legend and source of a scene's exported map."""
    from alliance.maps.basemap import ATTRIBUTION

    return MapSheet(
        title=scene.titre, message=scene.message, legend=legend_items(catalogue, ids, scene), source=ATTRIBUTION
    )


SLIDE_MAX_BARS = 10  # a slide shows the first ten values; the note says how many there are


@dataclass(frozen=True)
class SlideChart:
    """The chart of a scene as the slide shows it, and what a reader needs to trust it."""

    chart: alt.TopLevelMixin
    data: pd.DataFrame  # what the chart draws (one row per bar, largest first)
    note: str = ""  # shown under the chart, e.g. « Les 10 premières valeurs sur 21. »
    caveat: str = ""  # for the speaker and the export's source line, not on the slide (issue 32)


def scene_chart(name: str, catalogue, ids, atelier=None, geo: GeoData | None = None) -> SlideChart | None:
    """The chart of a scene (None for "aucun"), at most SLIDE_MAX_BARS bars."""
    from alliance.analysis import stats
    from alliance.data.atelier import chart_table
    from alliance.views import charts

    vocab = catalogue.vocab
    coops = catalogue.cooperations.loc[list(ids)]
    if name in DISTRIBUTIONS:
        d = DISTRIBUTIONS[name]
        data = stats.distribution(coops, d.column, vocab[d.family])
        shown = data.head(SLIDE_MAX_BARS)
        note = f"Les {len(shown)} premières valeurs sur {len(data)}." if len(data) > len(shown) else ""
        return SlideChart(charts.bar_distribution(shown, d.title, selectable=False, shares=True), shown, note)
    if name == "population_membres" and geo is not None:
        data = stats.member_population(catalogue, geo, ids, limit=SLIDE_MAX_BARS)
        chart = charts.bar_distribution(data, CHARTS[name], count_title="Milliers d'habitants", selectable=False)
        return SlideChart(chart, data, "Population municipale INSEE des communes des EPCI membres.")
    if name == "chronologie":
        data = stats.timeline(coops, vocab["type"])
        colours = {
            vocab["type"].label(k): vocab["type"].colour(k) for k in vocab["type"].keys if k in set(data["type"])
        }
        return SlideChart(charts.timeline_chart(data, colours), data)
    if name in ("atelier_themes", "atelier_finalites") and atelier is not None:
        jeu, family = ("themes_alliances", "theme") if name == "atelier_themes" else ("finalites_alliances", "finalite")
        data = chart_table(atelier, vocab, jeu, family=family).head(SLIDE_MAX_BARS)
        # A slide shows what is certain: no pale bars; the pairing caveat goes to the speaker
        # (the chart's hover text and description) and to the exported image's source line.
        chart = charts.bar_distribution(data, CHARTS[name], count_title="votes", selectable=False, shares=True)
        caveat = (
            "Appariement libellé–valeur incertain pour certaines barres : l'extraction du graphique source "
            "a séparé libellés et valeurs."
            if data["incertain"].any()
            else ""
        )
        return SlideChart(chart, data, caveat=caveat)
    return None


SLIDE_CHART_PX = 520  # height of a slide's bars at 1920×1080, shared by the rows


SLIDE_SVG_WIDTH = 726  # px of the whole image, drawn for a slide's chart column at 1920 px
MIN_PLOT_WIDTH = 160


def slide_svg(chart: alt.TopLevelMixin, font_size: int, width: int = 300, rows: int = 0) -> str:
    """The chart as an SVG image: it scales with the slide (text included) at any screen size.
    `width` is the plot's; long labels (shown whole) and the values beside the bars take the
    plot's room, so that the image keeps SLIDE_SVG_WIDTH and its text shows at `font_size`."""
    from alliance.views import charts

    spec = charts.export_spec(charts.french(chart, font_size=font_size), width=width)
    height = spec.get("height")
    if isinstance(height, dict) and "step" in height and rows:
        # few bars: taller rows, so that the chart fills its column instead of a third of it
        spec["height"] = {"step": min(3 * font_size, max(height["step"], SLIDE_CHART_PX // rows))}
    svg = charts.to_svg(spec)
    for _ in range(3):  # Vega lays labels out again at each width: converge in a step or two
        drawn = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
        if drawn <= SLIDE_SVG_WIDTH + 2 or width <= MIN_PLOT_WIDTH:
            break
        width = max(MIN_PLOT_WIDTH, round(width - (drawn - SLIDE_SVG_WIDTH)))
        spec = {**spec, "width": width}
        svg = charts.to_svg(spec)
    return svg
