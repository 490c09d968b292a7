"""Contributions merged into the reference catalogue: same result as a full rebuild, bad rows
left out one by one with their reason."""

import pandas as pd
import pytest
import shapely

from alliance.contributions.merge import merge_contributions
from alliance.data.catalogue import (
    COLUMNS,
    COMMUNE_RADIUS_DEG,
    TerritoryIndex,
    build_catalogue,
    reference_rows,
    register_perimeters,
)


def row(cid: str, membres: str, **extra) -> dict:
    values = {c: "" for c in COLUMNS}
    values.update(
        id=cid, nom=f"Contribution {cid}", type="entente", membres=membres, statut="active", source="Délibération"
    )
    values.update(citation="Une citation", themes="mobilites")
    values.update(extra)
    return values


@pytest.fixture(scope="module")
def index(geo):
    return TerritoryIndex(geo)


ROWS = [
    row("c-entente", "epci:242900314;epci:200068120"),  # Brest métropole, CA Quimper Bretagne Occidentale
    row("c-pole", "coop:pm-pays-de-brest;epci:200067072", type="pole_metropolitain", chef_de_file=""),
    row("c-nested", "coop:c-pole;com:29019", type="petr"),
    row("c-ext", "epci:242900314;ext:Cardiff@51.48,-3.18", type="convention"),
]


def test_merge_equals_a_full_rebuild(catalogue, geo, vocab, index):
    rows = pd.DataFrame(ROWS, columns=COLUMNS)
    merged = merge_contributions(catalogue, rows, geo, index)
    assert merged.problems == ()
    full = build_catalogue(
        pd.concat([reference_rows(), rows.assign(provenance="contribution")], ignore_index=True),
        vocab,
        geo,
        known_shapes=register_perimeters(),
    )
    got, want = merged.catalogue, full
    assert list(got.cooperations.index) == list(want.cooperations.index)
    for cid in ("c-entente", "c-pole", "c-nested", "c-ext"):
        g = got.members[got.members["coop_id"] == cid]
        w = want.members[want.members["coop_id"] == cid]
        assert sorted(map(tuple, g.fillna("").to_numpy())) == sorted(map(tuple, w.fillna("").to_numpy()))
        assert got.shapes[cid].symmetric_difference(want.shapes[cid]).area < 1e-9
        assert got.cooperations.at[cid, "provenance"] == "contribution"
    # the nested grouping reaches the Pôle métropolitain du Pays de Brest's EPCI through c-pole
    nested = got.members[got.members["coop_id"] == "c-nested"]
    pole = set(got.members.loc[got.members["coop_id"] == "pm-pays-de-brest", "ref"])
    assert pole <= set(nested["ref"]) and set(nested["via"].dropna()) == {"c-pole"}
    assert len(got.links) == len(want.links)
    assert set(got.anchors.index) == set(want.anchors.index)
    assert got.anchors.index.is_unique


def test_bad_contributions_are_left_out_with_their_reason(catalogue, geo, index):
    rows = pd.DataFrame(
        [
            ROWS[0],
            row("c-unknown", "epci:999999999;epci:242900314"),
            row("pm-pays-de-brest", "epci:242900314;epci:200068120"),  # id taken by the reference
            row("c-needs-unknown", "coop:c-unknown;epci:242900314"),
            row("c-bad-theme", "epci:242900314;epci:200068120", themes="astrologie"),
        ],
        columns=COLUMNS,
    )
    merged = merge_contributions(catalogue, rows, geo, index)
    assert "c-entente" in merged.catalogue.cooperations.index
    for cid in ("c-unknown", "c-needs-unknown", "c-bad-theme"):
        assert cid not in merged.catalogue.cooperations.index
    assert merged.catalogue.cooperations.loc["pm-pays-de-brest", "provenance"] != "contribution"
    text = "\n".join(merged.problems)
    assert "« c-unknown », colonne « membres » : référence « epci:999999999 » introuvable" in text
    assert "« pm-pays-de-brest », colonne « id » : identifiant déjà pris par le catalogue de référence" in text
    assert "« c-needs-unknown », colonne « membres » : coopération « c-unknown » inconnue" in text
    assert "« c-bad-theme », colonne « themes » : thème inconnu(e) « astrologie »" in text
    assert len(merged.catalogue.cooperations) == len(catalogue.cooperations) + 1


def test_no_contribution_returns_the_reference_itself(catalogue, geo, index):
    assert merge_contributions(catalogue, pd.DataFrame(columns=COLUMNS), geo, index).catalogue is catalogue


PERIMETER_CASES = {
    "c-far": "epci:242900314;epci:246700488",  # Brest, Strasbourg: apart, collected without overlay
    "c-touching": "epci:242900314;epci:242900553",  # Brest and the Abers share a border: dissolved
    "c-islands": "epci:200027027;epci:200039915;epci:242900314",  # MultiPolygon EPCI, apart
    "c-mixed": "epci:242900314;com:29019;ext:Cardiff@51.48,-3.18",  # a commune disc, a point
    "c-five": "epci:242900314;epci:200068120;epci:200067072;epci:246700488;epci:200027027",
}


def test_each_perimeter_is_the_union_of_its_members(catalogue, geo, index):
    """Apart members are collected without an overlay, touching ones dissolved: either way the
    perimeter is valid, covers exactly its members' shapes and keeps no inner border."""
    rows = pd.DataFrame([row(cid, members) for cid, members in PERIMETER_CASES.items()], columns=COLUMNS)
    merged = merge_contributions(catalogue, rows, geo, index)
    assert merged.problems == ()

    def part(ref: str):
        kind, _, code = ref.partition(":")
        if kind == "epci":
            return geo.epci.geometry[code]
        if kind == "com":
            commune = geo.communes.loc[code]
            return shapely.Point(commune["lon"], commune["lat"]).buffer(COMMUNE_RADIUS_DEG)
        lat, lon = map(float, code.partition("@")[2].split(","))
        return shapely.Point(lon, lat)

    for cid, members in PERIMETER_CASES.items():
        shape = merged.catalogue.shapes[cid]
        union = shapely.union_all([part(ref) for ref in members.split(";")])
        assert shape.is_valid, cid
        assert shape.symmetric_difference(union).area < 1e-9, cid
        assert shapely.get_num_geometries(shape) == shapely.get_num_geometries(union), cid
    assert merged.catalogue.shapes["c-far"].geom_type == "MultiPolygon"
    touching = [geo.epci.geometry[code] for code in ("242900314", "242900553")]  # dissolved into fewer parts
    assert shapely.get_num_geometries(merged.catalogue.shapes["c-touching"]) < sum(
        map(shapely.get_num_geometries, touching)
    )
