"""Altair charts in French (labels, number formats, vocabulary colours) and their offline export."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from alliance.fmt import french_key

FRENCH_LOCALE = {
    "number": {
        "decimal": ",",
        "thousands": "\u00a0",
        "grouping": [3],
        "currency": ["", "\u00a0€"],
        "percent": "\u202f%",
    },
    "time": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "shortMonths": [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
    },
}
FONT_SIZE = 14
PROJECTOR_FONT_SIZE = 24  # px on a 1920×1080 slide
TEXT_COLOUR = "#1f2328"  # 15.8:1 on white
SELECTION = "choix"
LABEL_CHARACTERS = 64  # the longest vocabulary label (63) shown whole, at about half an em a character


def french(chart: alt.TopLevelMixin, font_size: int = FONT_SIZE) -> alt.TopLevelMixin:
    """French locale and readable type (larger `font_size` for a projector) for a top-level chart."""
    height = getattr(chart, "height", alt.Undefined)
    if isinstance(height, alt.Step) and font_size > FONT_SIZE:
        # one row per label: rows grow with the type, or Vega hides every other label
        chart = chart.properties(height=alt.Step(max(height.step, round(font_size * 1.4))))
    chart = chart.configure(locale=FRENCH_LOCALE, font="Source Sans Pro, Arial, sans-serif")
    label_limit = LABEL_CHARACTERS * font_size // 2
    # Vega's default grey labels (#808495-like) fail WCAG AA on white: every text is dark.
    # Vega describes axes and legends to screen readers in English (« X-axis titled … for a linear
    # scale »): they are left out, the chart's French description says what they show.
    guides: dict[str, Any] = dict(
        labelFontSize=font_size,
        titleFontSize=font_size,
        labelLimit=label_limit,
        labelColor=TEXT_COLOUR,
        titleColor=TEXT_COLOUR,
        aria=False,
    )
    chart = chart.configure_axis(**guides).configure_legend(**guides)
    chart = chart.configure_title(fontSize=font_size + 4, anchor="start", color=TEXT_COLOUR, aria=False)
    chart = chart.configure_text(fontSize=font_size - 1, color=TEXT_COLOUR)
    return chart.configure_view(stroke=None)


def quiet_title(text: str) -> alt.TitleParams:
    """A chart title that screen readers skip (Vega says « Title text … »): the chart's French
    description starts with it."""
    return alt.TitleParams(text, aria=False)


SPOKEN_ROWS = 12  # a chart's description names its first rows, then says how many more


def spoken_list(items: list[str]) -> str:
    """`items` joined for a description read aloud, the tail counted (« … et 4 autres »)."""
    shown = "; ".join(items[:SPOKEN_ROWS])
    more = len(items) - SPOKEN_ROWS
    return f"{shown}; et {more} autre{'s' if more > 1 else ''}" if more > 0 else shown


def bar_distribution(
    data: pd.DataFrame,
    title: str,
    count_title: str = "Coopérations",
    selectable: bool = True,
    uncertain: pd.Series | None = None,
    shares: bool = False,
) -> alt.Chart:
    """Sorted horizontal bars, one colour per value (from the vocabulary), counts and shares.

    Beside each bar, the count its axis shows, then the share; with `shares` (a slide, where a
    narrow column must keep the text large) the axis and the labels give the share only."""
    data = data.copy()
    if uncertain is not None:
        data["incertain"] = uncertain.values
    data = data.sort_values("n", ascending=False, kind="stable")
    data["etiquette"] = (
        data["part_texte"]
        if shares
        else [
            count if count == share else f"{count} ({share})"
            for count, share in zip(data["n_texte"], data["part_texte"])
        ]
    )
    data["description"] = [f"{label} : {text}" for label, text in zip(data["libelle"], data["etiquette"])]
    base = alt.Chart(data, title=quiet_title(title))
    encodings: dict[str, Any] = dict(
        description=alt.Description("description:N"),
        y=alt.Y("libelle:N", sort=alt.EncodingSortField("n", order="descending"), title=None),
        x=(
            alt.X("part:Q", axis=None)  # each bar says its share: no crowded ticks on a narrow slide
            if shares
            else alt.X("n:Q", title=count_title, axis=alt.Axis(tickMinStep=1, format=",d"))
        ),
        color=alt.Color("couleur:N", scale=None, legend=None),
        tooltip=[
            alt.Tooltip("libelle:N", title="Valeur"),
            alt.Tooltip("n_texte:N", title=count_title),
            alt.Tooltip("part_texte:N", title="Part"),
        ],
    )
    if uncertain is not None:
        encodings["opacity"] = alt.condition("datum.incertain", alt.value(0.45), alt.value(1.0))
        encodings["tooltip"] = encodings["tooltip"] + [alt.Tooltip("incertain_texte:N", title="Appariement")]
        data["incertain_texte"] = data["incertain"].map({True: "incertain", False: "sûr"})
        base = alt.Chart(data, title=quiet_title(title))
    bars = base.mark_bar(cornerRadiusEnd=3).encode(**encodings)
    if selectable:
        pick = alt.selection_point(name=SELECTION, fields=["cle"], on="click")
        bars = bars.add_params(pick)
    labels = base.mark_text(align="left", dx=4, aria=False).encode(
        y=alt.Y("libelle:N", sort=alt.EncodingSortField("n", order="descending")),
        x="part:Q" if shares else "n:Q",
        text="etiquette:N",
    )
    description = f"Diagramme en barres, {title} ({count_title.lower()}) : {spoken_list(list(data['description']))}."
    return (bars + labels).properties(height=alt.Step(26), width="container", description=description)


def timeline_chart(data: pd.DataFrame, type_colours: dict[str, str]) -> alt.LayerChart:
    """Cooperations created per year (stacked by type) and the running total (line)."""
    domain = list(type_colours)
    data = data.assign(
        description=[f"{year}, {label} : {n}" for year, label, n in zip(data["annee"], data["libelle"], data["n"])]
    )
    per_year = data.groupby("annee")["n"].sum()
    spoken = [f"{year} : {n}" for year, n in per_year.items()]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("annee:O", title="Année de création", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(n):Q", title="Coopérations créées", axis=alt.Axis(tickMinStep=1, format=",d")),
            color=alt.Color(
                "libelle:N", title="Type", scale=alt.Scale(domain=domain, range=list(type_colours.values()))
            ),
            tooltip=[
                alt.Tooltip("annee:O", title="Année"),
                alt.Tooltip("libelle:N", title="Type"),
                alt.Tooltip("n:Q", title="Coopérations", format=",d"),
            ],
            description=alt.Description("description:N"),
        )
    )
    cumul = (
        alt.Chart(data)
        .mark_line(point=True, color="#333333", aria=False)
        .encode(
            x="annee:O",
            y=alt.Y("max(cumul):Q", title="Cumul", axis=alt.Axis(format=",d")),
            tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip("max(cumul):Q", title="Cumul", format=",d")],
        )
    )
    return (
        alt.layer(bars, cumul)
        .resolve_scale(y="independent")
        .properties(
            title=quiet_title("Coopérations créées par année (et cumul)"),
            height=320,
            width="container",
            description=f"Diagramme en barres par année de création, coopérations créées : {spoken_list(spoken)}.",
        )
    )


def heatmap(data: pd.DataFrame) -> alt.Chart:
    """Thème × type: number of cooperations in each cell."""
    pick = alt.selection_point(name=SELECTION, fields=["theme", "type"], on="click")
    types_order = sorted(set(data["type_libelle"]), key=french_key)
    themes_order = sorted(set(data["theme_libelle"]), key=french_key)
    data = data.assign(
        description=[
            f"{theme} × {kind} : {n}" for theme, kind, n in zip(data["theme_libelle"], data["type_libelle"], data["n"])
        ]
    )
    base = alt.Chart(data, title=quiet_title("Thèmes × types de coopération"))
    cells = (
        base.mark_rect()
        .encode(
            # every column labelled (Vega would hide every other one), in French dictionary order
            x=alt.X(
                "type_libelle:N",
                title=None,
                sort=types_order,
                axis=alt.Axis(labelAngle=-60, labelLimit=200, labelOverlap=False),
            ),
            y=alt.Y("theme_libelle:N", title=None, sort=themes_order, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color(
                "n:Q",
                title="Coopérations",
                scale=alt.Scale(scheme="oranges"),
                legend=alt.Legend(format=",d", tickMinStep=1),
            ),
            tooltip=[
                alt.Tooltip("theme_libelle:N", title="Thème"),
                alt.Tooltip("type_libelle:N", title="Type"),
                alt.Tooltip("n:Q", title="Coopérations", format=",d"),
            ],
            description=alt.Description("description:N"),
        )
        .add_params(pick)
    )
    text = base.mark_text(fontSize=FONT_SIZE - 2, aria=False).encode(
        x=alt.X("type_libelle:N", sort=types_order), y=alt.Y("theme_libelle:N", sort=themes_order), text="n:Q"
    )
    spoken = list(data.sort_values("n", ascending=False, kind="stable")["description"])
    return (cells + text).properties(
        height=alt.Step(24),
        width="container",
        description=f"Tableau croisé des thèmes et des types, coopérations par case, des plus nombreuses aux moins : "
        f"{spoken_list(spoken)}.",
    )


def ranking_chart(data: pd.DataFrame) -> alt.Chart:
    data = data.assign(libelle=data["nom"])
    data = data.assign(
        description=[f"{name} : {n} ({d} directes)" for name, n, d in zip(data["nom"], data["n"], data["directes"])]
    )
    spoken = list(data.sort_values("n", ascending=False, kind="stable")["description"])
    return (
        alt.Chart(data, title=quiet_title("Territoires les plus connectés (EPCI)"))
        .mark_bar(color="#8c1d40")
        .encode(
            y=alt.Y("libelle:N", sort=alt.EncodingSortField("n", order="descending"), title=None),
            x=alt.X(
                "n:Q", title="Coopérations (directes ou via un groupement)", axis=alt.Axis(tickMinStep=1, format=",d")
            ),
            tooltip=[
                alt.Tooltip("nom:N", title="EPCI"),
                alt.Tooltip("n:Q", title="Coopérations", format=",d"),
                alt.Tooltip("directes:Q", title="dont directes", format=",d"),
            ],
            description=alt.Description("description:N"),
        )
        .properties(
            height=alt.Step(24),
            width="container",
            description=f"Diagramme en barres, territoires les plus connectés (EPCI), coopérations directes ou via "
            f"un groupement : {spoken_list(spoken)}.",
        )
    )


def coverage_chart(data: pd.DataFrame) -> alt.Chart:
    """Share of each region's population living in a territoire de projet (PETR, pôle, Pays, CRTE
    of several EPCI), from `stats.register_coverage`."""
    data = data.assign(
        description=[f"{region} : {share}" for region, share in zip(data["region"], data["part_population_texte"])]
    )
    title = "Part de la population couverte, par région"
    return (
        alt.Chart(data, title=quiet_title(title))
        .mark_bar(color="#8c1d40", cornerRadiusEnd=3)
        .encode(
            y=alt.Y("region:N", sort=alt.EncodingSortField("part_population", order="descending"), title=None),
            x=alt.X("part_population:Q", title="Part de la population (%)", scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                alt.Tooltip("region:N", title="Région"),
                alt.Tooltip("part_population_texte:N", title="Population couverte"),
                alt.Tooltip("part_epci_texte:N", title="EPCI couverts"),
            ],
            description=alt.Description("description:N"),
        )
        .properties(
            height=alt.Step(24),
            width="container",
            description=f"Diagramme en barres, {title.lower()} : {spoken_list(list(data['description']))}.",
        )
    )


def export_spec(chart_or_spec, width: int = 900) -> dict:
    """Vega-Lite spec with a fixed width (exports have no container to fill)."""
    import copy

    spec = copy.deepcopy(chart_or_spec) if isinstance(chart_or_spec, dict) else chart_or_spec.to_dict()

    def fix(node):
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = width
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(spec)
    return spec


def to_png(chart_or_spec) -> bytes:
    """PNG (2x) of a chart or spec, rendered offline by vl-convert (in its worker process)."""
    from alliance.views import vegalite

    return vegalite.to_png(export_spec(chart_or_spec), scale=2)


SLIDE_SIZE = (1920, 1080)  # 16:9, what a projector shows
SLIDE_MARGIN = 48
FOOTER_PX = 56


def with_subtitle(spec: dict, subtitle: str) -> dict:
    """The spec with `subtitle` (e.g. what the selection is) under its title."""
    spec = dict(spec)
    title = spec.get("title")
    layers = [dict(layer) for layer in spec.get("layer", [])]
    for layer in layers:  # a layered chart carries its title on a layer: lift it to the top
        title = title or layer.get("title")
        layer.pop("title", None)
    if layers:
        spec["layer"] = layers
    text = title.get("text") if isinstance(title, dict) else title
    spec["title"] = {"text": text or subtitle, "subtitle": subtitle if text else ""}
    return spec


def _slide_type(spec: dict, font_size: int) -> dict:
    """The spec with projector-sized type (the page's charts use the screen size)."""
    config = {key: dict(value) if isinstance(value, dict) else value for key, value in spec.get("config", {}).items()}
    for part in ("axis", "legend"):
        config[part] = {
            **config.get(part, {}),
            "labelFontSize": font_size,
            "titleFontSize": font_size,
            "labelLimit": LABEL_CHARACTERS * font_size // 2,
        }
    config["title"] = {**config.get("title", {}), "fontSize": font_size + 8, "subtitleFontSize": font_size}
    config["title"]["subtitleColor"] = TEXT_COLOUR
    config["text"] = {**config.get("text", {}), "fontSize": font_size - 2}
    spec = {**spec, "config": config}
    height = spec.get("height")
    if isinstance(height, dict) and "step" in height:
        spec["height"] = {"step": max(height["step"], round(font_size * 1.4))}
    return spec


def _text_png(text: str, font_size: int, width: int) -> bytes:
    """One line of text rendered by Vega (same fonts as the charts, accents included)."""
    return to_png(
        {
            "width": width,
            "height": font_size + 4,
            "data": {"values": [{"t": text}]},
            "mark": {"type": "text", "align": "left", "baseline": "top", "fontSize": font_size, "color": TEXT_COLOUR},
            "encoding": {"text": {"field": "t"}, "x": {"value": 0}, "y": {"value": 0}},
            "config": {"view": {"stroke": None}, "font": "Source Sans Pro, Arial, sans-serif"},
        }
    )


def slide_png(chart_or_spec, subtitle: str, footer: str, size: tuple[int, int] = SLIDE_SIZE) -> bytes:
    """A chart as a 16:9 slide image: title and `subtitle` on top in projector type, the chart
    fitted in, and `footer` (source, date) along the bottom edge."""
    import io

    from PIL import Image, ImageDraw

    width, height = size
    spec = _slide_type(with_subtitle(export_spec(chart_or_spec, width=1100), subtitle), PROJECTOR_FONT_SIZE)
    chart = Image.open(io.BytesIO(to_png(spec))).convert("RGB")
    room = (width - 2 * SLIDE_MARGIN, height - SLIDE_MARGIN - FOOTER_PX - SLIDE_MARGIN // 2)
    missing = chart.width * room[1] / room[0] - chart.height  # px (at scale 2) for the chart to fill the room
    if missing > 4 and isinstance(plot_height := _plot_height(spec), int | float):
        # a short chart (few bars) would leave the slide's bottom blank: its plot grows to fill it
        spec = {**spec, "height": round(plot_height + missing / 2)}
        chart = Image.open(io.BytesIO(to_png(spec))).convert("RGB")
    scale = min(room[0] / chart.width, room[1] / chart.height)
    chart = chart.resize(
        (max(1, round(chart.width * scale)), max(1, round(chart.height * scale))), Image.Resampling.LANCZOS
    )
    slide = Image.new("RGB", size, "white")
    slide.paste(chart, (SLIDE_MARGIN, SLIDE_MARGIN))
    ImageDraw.Draw(slide).line(
        (SLIDE_MARGIN, height - FOOTER_PX - 8, width - SLIDE_MARGIN, height - FOOTER_PX - 8), fill="#d0d7de"
    )
    line = Image.open(io.BytesIO(_text_png(footer, 13, (width - 2 * SLIDE_MARGIN) // 2))).convert("RGB")
    slide.paste(line, (SLIDE_MARGIN - 10, height - FOOTER_PX))  # vl-convert pads 5 px at scale 2
    out = io.BytesIO()
    slide.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _plot_height(spec: dict) -> float | None:
    """The plot's height in px, whether fixed or one step per row (None if unknown)."""
    height = spec.get("height")
    if isinstance(height, int | float):
        return height
    if isinstance(height, dict) and "step" in height:
        layers = spec.get("layer") or [spec]
        values = next((layer["data"]["values"] for layer in layers if "values" in layer.get("data", {})), None)
        values = values or next(iter(spec.get("datasets", {}).values()), None)
        return height["step"] * len(values) if values else None
    return None


def to_svg(chart_or_spec) -> str:
    """SVG of a chart or spec, rendered offline by vl-convert (in its worker process)."""
    from alliance.views import vegalite

    return vegalite.to_svg(export_spec(chart_or_spec))
