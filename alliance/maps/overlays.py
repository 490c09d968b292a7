"""Layers of the Carte page: cooperations of a filtered selection as folium feature groups."""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import shapely

from alliance.data.catalogue import Catalogue, parse_ref
from alliance.data.geodata import FRANCE_CENTER, FRANCE_ZOOM, GeoData
from alliance.fmt import fmt_int
from alliance.maps.basemap import MAP_FONT, escape, tooltip_html, tooltip_layer
from alliance.maps.features import Feature, FeatureLayer

MAX_POPUP_MEMBERS = 8
MAINLAND = shapely.box(-5.5, 41.0, 10.0, 51.5)  # mainland France and Corsica (lon, lat)


class _MapTables:
    """What the map draws of each cooperation of one catalogue, as plain lookups computed once
    (tooltip label, popup markup, type, shape, links…): a rerun drawing a new selection then only
    looks them up, instead of slicing the catalogue's frames (~50 ms per selection before)."""

    def __init__(self, catalogue: Catalogue) -> None:
        coops = catalogue.cooperations
        vocab = catalogue.vocab["type"]
        self.labels: pd.Series = (
            coops["nom"] + " · " + coops["type"].map({t: vocab.label(t) for t in coops["type"].unique()})
        )
        ids = coops.index.tolist()
        self.by_label = dict(zip(self.labels.tolist(), ids))
        self.tooltips = {cid: escape(label) for cid, label in zip(ids, self.labels.tolist())}
        self.popups: dict[str, str] = {}
        self.names = dict(zip(ids, coops["nom"].tolist()))
        self.types = dict(zip(ids, coops["type"].tolist()))
        provenance = dict(zip(ids, coops["provenance"].tolist()))
        self.register = frozenset(cid for cid, p in provenance.items() if p == "registre")
        self.contributed = frozenset(cid for cid, p in provenance.items() if p == "contribution")
        self.partial = frozenset(cid for cid, v in zip(ids, coops["membres_partiels"].tolist()) if v == "oui")
        self.n_themes = dict(zip(ids, coops["themes"].map(len).tolist()))
        self.shapes = dict(zip(catalogue.shapes.index.tolist(), catalogue.shapes.tolist()))
        self.anchors = dict(zip(catalogue.anchors.index.tolist(), catalogue.anchors.tolist()))
        links = catalogue.links
        self.link_rows = {str(cid): rows for cid, rows in links.groupby("coop_id", sort=False).indices.items()}
        self.link_coops = links["coop_id"].tolist()
        self.link_shapes = links.geometry.tolist()

    def link_positions(self, ids) -> list[int]:
        """Rows of the catalogue's links drawn for the cooperations `ids`, in the table's order."""
        rows = self.link_rows
        return sorted(int(p) for cid in set(ids) if cid in rows for p in rows[cid])


_TABLES: dict[int, _MapTables] = {}


def _tables(catalogue: Catalogue) -> _MapTables:
    """The catalogue's `_MapTables`, dropped with the catalogue (catalogues are read-only)."""
    key = id(catalogue)
    tables = _TABLES.get(key)
    if tables is None:
        tables = _TABLES[key] = _MapTables(catalogue)
        weakref.finalize(catalogue, _TABLES.pop, key, None)
    return tables


def coop_labels(catalogue: Catalogue) -> pd.Series:
    """The text each cooperation is known by on the map (tooltip), unique per cooperation
    (shared: do not modify)."""
    return _tables(catalogue).labels


def coop_label(catalogue: Catalogue, coop_id: str) -> str:
    return coop_labels(catalogue)[coop_id]


def label_index(catalogue: Catalogue) -> dict[str, str]:
    """Tooltip text -> cooperation id, to know what a click on the map selected (shared: do not modify)."""
    return _tables(catalogue).by_label


def popup_html(catalogue: Catalogue, coop_id: str, members: pd.DataFrame | None = None, row: dict | None = None) -> str:
    """Escaped popup: name, type, year, members, themes. `members` (direct members) and `row`
    (the cooperation's fields): when the caller has them at hand (building many popups)."""
    vocab = catalogue.vocab
    if row is None:
        row = catalogue.cooperations.loc[coop_id].to_dict()
    if members is None:
        members = catalogue.members_of(coop_id, direct=True)
    names = [escape(n) for n in members["nom"].head(MAX_POPUP_MEMBERS)]
    if len(members) > MAX_POPUP_MEMBERS:
        names.append(f"… et {len(members) - MAX_POPUP_MEMBERS} autres")
    themes = ", ".join(escape(vocab["theme"].label(t)) for t in row["themes"]) or "non précisés"
    if row["themes"] and row.get("themes_origine"):
        themes += " (d'après la définition du programme)"
    year = str(row["annee"]) if pd.notna(row["annee"]) else "non précisée"
    return (
        f"<div style='{MAP_FONT};min-width:220px'><b>{escape(row['nom'])}</b><br>"
        f"<i>{escape(vocab['type'].label(row['type']))}</i> · {escape(vocab['statut'].label(row['statut']))}<br>"
        f"Année : {escape(year)}<br>Membres : {', '.join(names)}"
        + (" <b>(membres incomplets)</b>" if row.get("membres_partiels") == "oui" else "")
        + f"<br>Thèmes : {themes}</div>"
    )


def popups(catalogue: Catalogue, ids) -> dict[str, str]:
    """`popup_html` of each of `ids`, the members grouped once; each popup is built once per catalogue."""
    known = _tables(catalogue).popups
    wanted = list(dict.fromkeys(ids))
    missing = [cid for cid in wanted if cid not in known]
    if missing:
        members = catalogue.members_of(missing, direct=True)
        by_coop = dict(tuple(members.groupby("coop_id", sort=False)))
        empty = members.iloc[0:0]
        rows = catalogue.cooperations.loc[
            missing, ["nom", "type", "statut", "annee", "themes", "membres_partiels"]
        ].to_dict("index")
        known.update({cid: popup_html(catalogue, cid, by_coop.get(cid, empty), rows[cid]) for cid in missing})
    return {cid: known[cid] for cid in wanted}


def cooperation_of_member(catalogue: Catalogue, geo: GeoData, ids, clicked: str) -> str | None:
    """The cooperation to open when a member EPCI drawn on the map is clicked (its tooltip text
    starts with the EPCI's name): the first of the selection it takes part in, documented first."""
    import re

    text = re.sub(r"<[^>]+>", "\n", clicked).strip()
    name = text.splitlines()[0].strip() if text else ""
    sirens = geo.epci.index[geo.epci["nom"] == name]
    if not len(sirens):
        return None
    wanted = set(ids)
    found = [c for s in sirens for c in catalogue.cooperations_of(f"epci:{s}") if c in wanted]
    if not found:
        return None
    documented = [c for c in found if catalogue.cooperations.at[c, "provenance"] != "registre"]
    return (documented or found)[0]


def link_weight(n_themes: int) -> float:
    return min(2.0 + 0.8 * n_themes, 7.0)


@dataclass(frozen=True)
class Selection:
    """What the map shows for a filtered selection."""

    ids: tuple[str, ...]
    zone_ids: tuple[str, ...]  # documented zones, drawn one by one (registers: register_groups)
    link_ids: tuple[str, ...]
    epci: tuple[str, ...]
    n_links: int
    n_register: int  # register rows (perimeters drawn by register_groups)
    n_epci: int  # EPCI members of any selected row, directly or via a grouping
    n_contributed: int = 0  # validated contributions among the rows
    types: tuple[str, ...] = ()  # types of cooperation present


def describe_selection(catalogue: Catalogue, ids) -> Selection:
    tables = _tables(catalogue)
    ids = tuple(ids)
    documented = [cid for cid in ids if cid not in tables.register]
    zone = tuple(cid for cid in documented if catalogue.vocab.forme(tables.types[cid]) == "zone")
    links = tables.link_positions(ids)
    # Member EPCI are highlighted for documented cooperations only: the register layers cover
    # most of France and draw their own perimeters.
    codes = catalogue.member_column("code")
    epci = tuple(sorted(set(codes[catalogue.member_positions(documented, kind="epci")])))
    every = set(codes[catalogue.member_positions(ids, kind="epci")])
    return Selection(
        ids=ids,
        zone_ids=zone,
        link_ids=tuple(dict.fromkeys(tables.link_coops[p] for p in links)),
        epci=epci,
        n_links=len(links),
        n_register=len(ids) - len(documented),
        n_epci=len(every),
        n_contributed=sum(cid in tables.contributed for cid in ids),
        types=tuple(dict.fromkeys(tables.types[cid] for cid in ids)),
    )


ALL_LAYERS = ("registres", "epci", "perimetres", "liens", "partenaires")
# Register rows are drawn as one GeoJSON layer per family (hundreds of perimeters at France
# zoom): name, types, shown by default. A family hidden by default is shown when the selection
# holds no row of the families shown by default (e.g. a filter on Territoires d'industrie).
REGISTER_FAMILIES = (
    ("Registres : PETR, Pays, pôles métropolitains", ("petr", "pays", "pole_metropolitain"), True),
    ("Registres : CRTE signés par plusieurs EPCI ou communes", ("crte",), True),
    ("Registres : Territoires d'industrie", ("territoire_industrie",), False),
    ("Registres : parcs naturels régionaux (EPCI membres)", ("pnr",), False),
)


def register_groups(catalogue: Catalogue, ids) -> list[folium.FeatureGroup]:
    """The register rows of `ids` as light perimeters coloured by type, one layer per family."""
    tables = _tables(catalogue)
    register = [cid for cid in ids if cid in tables.register]
    vocab = catalogue.vocab["type"]
    default_types = {t for _, types, shown in REGISTER_FAMILIES if shown for t in types}
    any_default = any(tables.types[cid] in default_types for cid in register)
    groups = []
    for name, types, shown in REGISTER_FAMILIES:
        rows = [cid for cid in register if tables.types[cid] in types]
        group = folium.FeatureGroup(name=name, show=shown or not any_default)
        if rows:
            styles = {
                t: {"color": vocab.colour(t), "weight": 1.2, "fillColor": vocab.colour(t), "fillOpacity": 0.12}
                for t in types
            }
            FeatureLayer(
                [Feature(tables.shapes[cid], tooltip=tables.tooltips[cid], style=tables.types[cid]) for cid in rows],
                styles,
                highlight={"weight": 3, "fillOpacity": 0.3},
            ).add_to(group)
        groups.append(group)
    return groups


MAX_CONTEXT_AIRES = 150  # parts of aires drawn at once (the largest first): a light context layer


def aire_context_group(aires: gpd.GeoDataFrame, bounds) -> folium.FeatureGroup:
    """Context: the aires d'attraction des villes (pôle darker, couronne lighter) over `bounds`."""
    group = folium.FeatureGroup(name="Contexte : aires d'attraction des villes (INSEE)", show=True)
    minx, miny, maxx, maxy = bounds
    near = aires.cx[minx:maxx, miny:maxy]
    near = near.sort_values("population", ascending=False).head(MAX_CONTEXT_AIRES)
    if len(near):
        aire_layer(near, weight=0.6, opacities=(0.3, 0.1)).add_to(group)
    return group


def aire_layer(aires: gpd.GeoDataFrame, weight: float = 1.0, opacities: tuple[float, float] = (0.35, 0.12)):
    """Aires d'attraction des villes: pôle darker, couronne lighter, tooltip with population."""
    return tooltip_layer(
        aires,
        lambda r: tooltip_html(
            f"Aire d'attraction de {r.nom}",
            f"{r.partie} · {fmt_int(r.communes)} communes · {fmt_int(r.population)} habitants",
        ),
        {
            partie: {"color": "#5b6770", "weight": weight, "fillColor": "#5b6770", "fillOpacity": opacity}
            for partie, opacity in (("pôle", opacities[0]), ("couronne", opacities[1]))
        },
        style_key=lambda r: "pôle" if r.partie == "pôle" else "couronne",
    )


_EPCI_FEATURES: dict[int, dict[str, Feature]] = {}


def _epci_features(geo: GeoData) -> dict[str, Feature]:
    """Each EPCI as drawn among a selection's members (shape, tooltip), built once per geodata."""
    key = id(geo)
    features = _EPCI_FEATURES.get(key)
    if features is None:
        epci = geo.epci
        features = _EPCI_FEATURES[key] = {
            str(siren): Feature(
                shape, tooltip=tooltip_html(nom, f"{fmt_int(population)} habitants · {fmt_int(n)} communes")
            )
            for siren, shape, nom, population, n in zip(
                epci.index, epci.geometry, epci["nom"], epci["population"], epci["n_communes"]
            )
        }
        weakref.finalize(geo, _EPCI_FEATURES.pop, key, None)
    return features


def cooperation_groups(
    catalogue: Catalogue,
    geo: GeoData,
    ids,
    selected: str | None = None,
    layers: tuple[str, ...] = ALL_LAYERS,
    aires: gpd.GeoDataFrame | None = None,
    sel: Selection | None = None,
) -> list[folium.FeatureGroup]:
    """Feature groups for the cooperations `ids`: member EPCI, perimeters, links, partners
    (only those named in `layers`), and the aires d'attraction as context when `aires` is given.
    `sel` is `describe_selection(catalogue, ids)` when the caller already has it."""
    vocab = catalogue.vocab
    sel = sel or describe_selection(catalogue, ids)
    groups = []
    if aires is not None:
        bounds = catalogue.shapes.loc[list(ids)].total_bounds if len(ids) else geo.regions.total_bounds
        groups.append(aire_context_group(aires, bounds))
    if "registres" in layers:
        groups += register_groups(catalogue, ids)

    epci_group = folium.FeatureGroup(name="EPCI membres", show=True)
    if sel.epci:
        features = _epci_features(geo)
        FeatureLayer(
            [features[siren] for siren in sel.epci],
            {"defaut": {"color": "#4a5560", "weight": 0.8, "fillColor": "#ffd166", "fillOpacity": 0.35}},
        ).add_to(epci_group)
    groups.append(epci_group)

    tables = _tables(catalogue)
    popup_of = popups(catalogue, list(sel.zone_ids) + list(sel.link_ids))
    type_styles = {
        t: {"color": vocab["type"].colour(t), "fillColor": vocab["type"].colour(t)} for t in vocab["type"].keys
    }
    zone_group = folium.FeatureGroup(name="Périmètres (PETR, Pays, pôles…)", show=True)
    if sel.zone_ids:
        FeatureLayer(
            [
                Feature(
                    tables.shapes[cid],
                    tooltip=tables.tooltips[cid],
                    popup=popup_of[cid],
                    style=tables.types[cid] + ("|incomplet" if cid in tables.partial else ""),
                    weight=4 if cid == selected else 2,
                )
                for cid in sel.zone_ids
            ],
            {
                **{t: {**style, "fillOpacity": 0.22} for t, style in type_styles.items()},
                # members known to be incomplete: dashed outline, lighter fill
                **{
                    f"{t}|incomplet": {**style, "fillOpacity": 0.1, "dashArray": "6 5"}
                    for t, style in type_styles.items()
                },
            },
            highlight={"weight": 4, "fillOpacity": 0.4},
        ).add_to(zone_group)
    if selected is not None and selected in tables.shapes:
        # the chosen cooperation, whatever its type or layer, outlined above the perimeters
        # (not clickable: a click reaches the shapes under it)
        FeatureLayer(
            [Feature(tables.shapes[selected], tooltip=None)],
            {"defaut": {"color": "#1f2328", "weight": 4, "opacity": 0.95, "fill": False}},
            interactive=False,
        ).add_to(zone_group)
    groups.append(zone_group)

    link_group = folium.FeatureGroup(name="Liens de coopération", show=True)
    links = tables.link_positions(sel.link_ids)
    if links:
        FeatureLayer(
            [
                Feature(
                    tables.link_shapes[p],
                    tooltip=tables.tooltips[coop],
                    popup=popup_of[coop],
                    style=tables.types[coop],
                    weight=link_weight(tables.n_themes[coop]) + (3 if coop == selected else 0),
                )
                for p in links
                for coop in (tables.link_coops[p],)
            ],
            {t: {"color": style["color"], "opacity": 0.85, "fill": False} for t, style in type_styles.items()},
        ).add_to(link_group)
    groups.append(link_group)

    ext_group = folium.FeatureGroup(name="Partenaires hors code officiel", show=True)
    positions = catalogue.member_positions(ids, kind="ext")
    partner_coops: dict[str, dict[str, None]] = {}  # ref -> its cooperations, in the members' order
    for ref, coop in zip(catalogue.member_column("ref")[positions], catalogue.member_column("coop_id")[positions]):
        partner_coops.setdefault(ref, {})[coop] = None
    partners = []
    for text, coops in partner_coops.items():
        ref = parse_ref(text)
        coop_names = ", ".join(escape(tables.names[c]) for c in coops)
        partners.append(
            Feature(
                shapely.Point(ref.lon, ref.lat),
                tooltip=escape(ref.label),
                popup=f"<div style='{MAP_FONT}'><b>{escape(ref.label)}</b><br>Partenaire de : {coop_names}</div>",
            )
        )
    if partners:
        FeatureLayer(
            partners,
            {"defaut": {"color": "#333333", "weight": 2, "fill": True, "fillColor": "#ffffff", "fillOpacity": 1}},
            radius=7,
            popup_width=300,
        ).add_to(ext_group)
    groups.append(ext_group)
    named = dict(zip(ALL_LAYERS[1:], groups[-4:]))
    return groups[:-4] + [named[name] for name in ALL_LAYERS[1:] if name in layers]


MAX_SELECTION_ZOOM = 8.5  # a small selection still shows its surroundings (≈ 150 km across)


def view_of(
    catalogue: Catalogue,
    ids,
    map_height_px: int = 600,
    map_width_px: int = 560,
    geo: GeoData | None = None,
    regions: tuple[str, ...] = (),
) -> tuple[tuple[float, float], float]:
    """Centre and zoom that frame the cooperations `ids` (France-wide view when empty); with a
    region filter, the regions themselves. Parts abroad or overseas (a partner in Cardiff, a
    member in Guadeloupe) do not pull a mainland selection out to the ocean."""
    if geo is not None and regions:
        chosen = geo.regions.loc[[r for r in regions if r in geo.regions.index]]
        if len(chosen):
            return _zoom_for_bounds(chosen.total_bounds, map_height_px, map_width_px)
    if len(ids) == 0:
        return FRANCE_CENTER, FRANCE_ZOOM
    # shapely on the geometry array: a GeoSeries per call (index lookup, CRS checks) cost ~5 ms
    shapes = catalogue.shapes
    positions = shapes.index.get_indexer(list(ids))
    if (positions < 0).any():
        raise KeyError([cid for cid, at in zip(ids, positions) if at < 0])
    geoms = shapes.array.to_numpy()[positions]
    clipped = shapely.clip_by_rect(geoms, *MAINLAND.bounds)  # ten times faster than an intersection
    inside = ~shapely.is_empty(clipped)
    bounds = shapely.total_bounds(clipped[inside] if inside.any() else geoms)
    return _zoom_for_bounds(bounds, map_height_px, map_width_px, max_zoom=MAX_SELECTION_ZOOM)


def territory_view(catalogue: Catalogue, geo: GeoData, ref: str, ids) -> tuple[tuple[float, float], float]:
    """Centre on a territory and zoom to frame it with its cooperations."""
    import geopandas as gpd

    kind, code = ref.split(":", 1)
    layer = {"epci": geo.epci, "dep": geo.departements, "reg": geo.regions}.get(kind)
    shape = layer.geometry.at[code] if layer is not None else catalogue.shapes.get(code)
    shapes = list(catalogue.shapes.loc[list(ids)]) if len(ids) else []
    if shape is not None:
        shapes.append(shape)
    if not shapes:
        return FRANCE_CENTER, FRANCE_ZOOM
    bounds = gpd.GeoSeries(shapes).total_bounds
    centre = shape.representative_point() if shape is not None else None
    _, zoom = _zoom_for_bounds(bounds)
    return (
        (centre.y, centre.x) if centre is not None else ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
    ), zoom


def view_of_bounds(bounds, map_height_px: int = 600, map_width_px: int = 560) -> tuple[tuple[float, float], float]:
    """Centre and zoom framing `bounds` (minx, miny, maxx, maxy) on a map of that size."""
    return _zoom_for_bounds(bounds, map_height_px, map_width_px)


def _zoom_for_bounds(bounds, map_height_px: int = 600, map_width_px: int = 560, max_zoom: float = 11.0):
    minx, miny, maxx, maxy = bounds
    lon_span = max(maxx - minx, 0.05)
    merc = [math.log(math.tan(math.pi / 4 + math.radians(v) / 2)) for v in (miny, maxy)]
    lat_span = max(math.degrees(merc[1] - merc[0]), 0.05)
    zoom = min(math.log2(map_width_px * 360 / (256 * lon_span)), math.log2(map_height_px * 360 / (256 * lat_span)))
    return ((miny + maxy) / 2, (minx + maxx) / 2), float(max(4.0, min(max_zoom, math.floor((zoom - 0.3) * 4) / 4)))


POSITION_COLOURS = {"pôle": "#8c1d40", "couronne": "#e6550d", "au-delà de l'aire": "#3182bd"}


def alliance_groups(result, catalogue: Catalogue, geo: GeoData) -> list[folium.FeatureGroup]:
    """The city's aire (pôle, couronne), its partners coloured by position, and the candidate
    territoires de projet as dashed outlines."""
    aire = folium.FeatureGroup(name="Aire d'attraction (INSEE 2020)", show=True)
    if len(result.aire):
        aire_layer(result.aire).add_to(aire)
    partners = folium.FeatureGroup(name="Partenaires (coopérations documentées et groupements)", show=True)
    shown = result.partners[result.partners["siren"].isin(geo.epci.index)]
    if len(shown):
        layer = gpd.GeoDataFrame(
            shown.assign(geometry=geo.epci.geometry.loc[shown["siren"]].to_numpy()),
            geometry="geometry",
            crs="EPSG:4326",
        )
        # A documented partner is filled; a partner through register groupings only is hatched
        # lighter with a dashed outline.
        styles = {}
        for position, colour in POSITION_COLOURS.items():
            styles[f"{position}|documentée"] = {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.5}
            styles[f"{position}|registre"] = {
                "color": colour,
                "weight": 1.5,
                "dashArray": "4 3",
                "fillColor": colour,
                "fillOpacity": 0.18,
            }
        tooltip_layer(
            layer,
            lambda r: tooltip_html(r.nom, f"{r.position} · {r.documentees or r.groupements}"),
            styles,
            style_key=lambda r: f"{r.position}|{r.origine}",
        ).add_to(partners)
    tooltip_layer(
        geo.epci.loc[[result.siren]],
        lambda r: tooltip_html(r.nom, "la ville"),
        {"color": "#000000", "weight": 3, "fillOpacity": 0},
    ).add_to(partners)
    candidates = folium.FeatureGroup(name="Territoires de projet sans lien au catalogue (pistes)", show=True)
    if len(result.candidates):
        ids = list(result.candidates["coop_id"])
        layer = gpd.GeoDataFrame(
            result.candidates.assign(geometry=catalogue.shapes.loc[ids].to_numpy()),
            geometry="geometry",
            crs="EPSG:4326",
        )
        tooltip_layer(
            layer,
            lambda r: tooltip_html(r.nom, f"piste : aucune ligne du catalogue ne la relie à la ville ({r.position})"),
            {"color": "#31a354", "weight": 2.5, "dashArray": "6 4", "fillOpacity": 0},
        ).add_to(candidates)
    return [aire, candidates, partners]


MAX_NETWORK_EDGES = 1500  # the strongest links are drawn; the tables rank every node
NODE_STRENGTH_CAP = 9.0  # a node's circle stops growing beyond this weight (the national map stays legible)
LABELLED_NODES = 8  # the leading territories are named on the map (short names)
_EPCI_PREFIX = re.compile(
    r"^(?:CA|CC|CU|Communauté (?:d'agglomération|de communes|urbaine))\s+(?:de la |du |des |de l'|de |d')?"
)


def short_name(name: str) -> str:
    """A territory's name short enough for a label on a national map: « CA de la Région
    Nazairienne et de l'Estuaire (CARENE) » → « CARENE », « CC du Pays de Landivisiau » →
    « Pays de Landivisiau »."""
    acronym = re.search(r"\(([A-ZÉÈ0-9][\w'’ -]{1,15})\)\s*$", name)
    if acronym:
        return acronym.group(1)
    return _EPCI_PREFIX.sub("", name).strip() or name


def network_groups(catalogue: Catalogue, graph, geo: GeoData | None = None) -> list[folium.FeatureGroup]:
    """Nodes (circles sized by weighted degree) and the strongest edges (width by weight)."""
    tables = _tables(catalogue)
    anchors = tables.anchors

    def anchor(node: str):
        if node in anchors:
            return anchors[node]
        kind, _, code = node.partition(":")
        if geo is not None and kind == "epci" and code in geo.epci.index:
            return geo.epci.geometry.at[code].representative_point()
        return None

    edges = folium.FeatureGroup(name="Liens du réseau", show=True)
    strongest = sorted(graph.edges(data=True), key=lambda e: -e[2]["weight"])[:MAX_NETWORK_EDGES]
    lines = []
    for a, b, data in strongest:
        pa, pb = anchor(a), anchor(b)
        if pa is None or pb is None:
            continue
        names = ", ".join(tables.names[c] for c in data["cooperations"][:4])
        lines.append(
            Feature(shapely.LineString([pa, pb]), tooltip=escape(names), weight=1 + 2.5 * min(data["weight"], 3))
        )
    if lines:
        FeatureLayer(lines, {"defaut": {"color": "#5b6770", "opacity": 0.55, "fill": False}}).add_to(edges)
    nodes = folium.FeatureGroup(name="Territoires", show=True)
    points = []
    strengths = dict(graph.degree(weight="weight"))
    leading = set(sorted(strengths, key=lambda n: (-strengths[n], n))[:LABELLED_NODES])
    scale = 2.2 if graph.number_of_nodes() <= 300 else 1.4  # smaller circles on a crowded map
    for node, data in graph.nodes(data=True):
        point = anchor(node)
        if point is None:
            continue
        strength = strengths[node]
        points.append(
            Feature(
                point,
                tooltip=escape(f"{data.get('nom', node)} · {graph.degree(node)} partenaires"),
                style=str(min(6, round(strength))),
                radius=1.5 + scale * math.sqrt(min(strength, NODE_STRENGTH_CAP)),
                label=escape(short_name(str(data.get("nom", node)))) if node in leading else None,
            )
        )
    if points:  # size and opacity grow with the weighted degree
        FeatureLayer(
            points,
            {
                str(k): {
                    "color": "#8c1d40",
                    "weight": 0.8,
                    "fill": True,
                    "fillColor": "#c2185b",
                    "fillOpacity": min(0.9, 0.3 + 0.1 * k),
                }
                for k in range(7)
            },
        ).add_to(nodes)
    return [edges, nodes]
