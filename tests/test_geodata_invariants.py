"""Invariants of the committed reference geography (geodata/)."""

import json

import numpy as np
import shapely
from shapely.strtree import STRtree

from alliance.data.geodata import inner_borders
from alliance.paths import GEODATA_DIR


def test_epci_count_and_unique_siren(geo):
    assert len(geo.epci) == 1255
    assert geo.epci["siren"].is_unique


def test_reference_epci(geo):
    brest = geo.epci.loc["242900314"]
    assert brest["nom"] == "Brest Métropole" and brest["n_communes"] == 8
    assert (geo.communes["siren_epci"] == "242900314").sum() == 8
    assert geo.epci.loc["244400404", "nom"] == "Nantes Métropole"
    assert len(geo.metropoles) == 22


def test_layer_counts(geo):
    assert len(geo.communes) == 34875
    assert len(geo.departements) == 101
    assert len(geo.regions) == 18
    assert set(geo.departements["region"]) <= set(geo.regions["code"])


def test_populations_sum_to_source_totals(geo, raw_dir):
    source = raw_dir / "decoupage-administratif"
    epci = json.loads((source / "epci.json").read_text())
    assert geo.epci["population"].sum() == sum(e["populationMunicipale"] for e in epci)
    communes = json.loads((source / "communes.json").read_text())
    total = sum(
        c.get("population", 0) for c in communes if c["type"] == "commune-actuelle" and c["zone"] in ("metro", "drom")
    )
    assert geo.communes["population"].sum() == total


def test_communes_inside_their_epci_bounds(geo):
    members = geo.communes[geo.communes["siren_epci"] != ""]
    bounds = geo.epci.geometry.bounds
    b = bounds.loc[members["siren_epci"]].to_numpy()
    margin = 0.02  # simplification tolerance and coordinate grid
    x, y = members["lon"].to_numpy(), members["lat"].to_numpy()
    inside = (x >= b[:, 0] - margin) & (x <= b[:, 2] + margin) & (y >= b[:, 1] - margin) & (y <= b[:, 3] + margin)
    outside = members.index[~inside].tolist()
    assert outside == [], f"communes outside their EPCI bounds: {outside[:10]}"


def test_only_island_communes_have_no_epci(geo):
    assert (geo.communes["siren_epci"] == "").sum() == 4


def test_geometries_valid(geo):
    for name in ("regions", "departements", "epci"):
        layer = getattr(geo, name)
        assert layer.geometry.is_valid.all(), name
        assert not layer.geometry.is_empty.any(), name


def test_no_overlap_between_epci(geo):
    geoms = geo.epci.geometry.values
    tree = STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    overlaps = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    # 1e-5 square degrees is about 0.08 km²: borders shared exactly, so overlaps are only
    # numerical noise from the coordinate grid.
    assert np.max(overlaps, initial=0) < 1e-5, geo.epci.index[left[pairs][np.argmax(overlaps)]]


def test_epci_file_size_target():
    assert (GEODATA_DIR / "epci.geojson").stat().st_size <= 2_000_000


def test_departement_inner_borders_are_the_shared_edges_within_each_region(geo):
    """inner_borders counts edges, which holds on a coverage: the départements share their
    borders vertex for vertex (their coverage union is their union), and the result equals
    the geometric definition — all borders minus each région's outline."""
    deps = geo.departements
    assert shapely.coverage_union_all(deps.geometry.values).equals(shapely.union_all(deps.geometry.values))
    mesh = shapely.line_merge(shapely.union_all(deps.geometry.boundary.values))
    outlines = shapely.union_all(list(deps.dissolve(by="region").boundary))
    expected = mesh.difference(outlines)
    got = inner_borders(deps, "region")
    assert got.length > 100  # degrees: every région but Corsica and overseas ones has inner borders
    assert got.symmetric_difference(expected).length < 1e-9
