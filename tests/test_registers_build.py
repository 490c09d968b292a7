"""The national layers (data/registres/, geodata/perimetres_registres.geojson, zonages) equal a
fresh build of scripts/build_registers.py, and hold the register's invariants."""

import csv
import json
import shutil
import sys

import pytest

from alliance.paths import DATA_DIR, GEODATA_DIR, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import build_registers  # noqa: E402

OUTPUTS = [
    "data/registres/cooperations_registres.csv",
    "data/registres/desaccords.csv",
    "data/registres/correspondances.csv",
    "data/registres/crte_par_epci.csv",
    "geodata/perimetres_registres.geojson",
    "geodata/zonages_communes.csv",
    "geodata/aires_attraction.geojson",
]


def rows(name: str) -> list[dict]:
    with (DATA_DIR / "registres" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_committed_registers_equal_a_fresh_build(tmp_path, raw_dir):
    for name in ("geodata/epci.geojson", "geodata/communes.csv", "data/cooperations.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    build_registers.build(raw_dir, tmp_path)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (ROOT / name).read_bytes(), (
            f"{name} differs from a fresh build: run python scripts/build_registers.py"
        )


def test_counts_of_the_registers(raw_dir):
    registered = rows("cooperations_registres.csv")
    matches = rows("correspondances.csv")
    counted = {}
    for row in registered:
        counted[row["type"]] = counted.get(row["type"], 0) + 1
    matched = {}
    for m in matches:
        kind = m["id_registre"].split("-")[0]
        matched[kind] = matched.get(kind, 0) + 1
    # 123 PETR with members in the 2025 adhesions, plus the PETR du Lévézou whose members only
    # the newer Docurba 2026 list gives; 25 pôles métropolitains (one, Nord Lorrain, also has a
    # syndicat member); 170 CRTE signed by several EPCI; 183 Territoires d'industrie.
    assert counted["petr"] + matched.get("petr", 0) == 124
    assert counted["pole_metropolitain"] + matched.get("pole", 0) == 25
    assert counted["crte"] == 170  # 169 marked "pluri", and crte-53-29-7 marked "mono" with 4 EPCI (reported)
    assert counted["territoire_industrie"] + matched.get("ti", 0) == 183
    assert counted["pays"] >= 30 and counted["pnr"] >= 50


def test_every_member_resolves_and_every_row_has_provenance(geo):
    for row in rows("cooperations_registres.csv"):
        assert row["jeu_de_donnees"] and row["millesime"] and row["identifiant"], row["id"]
        for ref in row["membres"].split(";"):
            kind, code = ref.split(":", 1)
            assert code in (geo.epci.index if kind == "epci" else geo.communes.index), (row["id"], ref)
    perimeters = json.loads((GEODATA_DIR / "perimetres_registres.geojson").read_text())
    assert {f["properties"]["id"] for f in perimeters["features"]} == {
        r["id"] for r in rows("cooperations_registres.csv")
    }


def test_an_epci_in_two_petr_is_reported():
    petr_of = {}
    matched = {m["id_registre"]: m["membres_registre"] for m in rows("correspondances.csv")}
    for row in rows("cooperations_registres.csv"):
        if row["type"] == "petr":
            for member in row["membres"].split(";"):
                petr_of.setdefault(member, []).append(row["id"])
    for rid, members in matched.items():
        if rid.startswith("petr-"):
            for member in members.split(";"):
                petr_of.setdefault(member, []).append(rid)
    reported = {r["identifiant"] for r in rows("desaccords.csv") if r["categorie"] == "epci_dans_plusieurs_petr"}
    assert {m[5:] for m, ids in petr_of.items() if len(ids) > 1} == reported


def test_seed_and_register_memberships_both_kept(catalogue):
    """The seed gives the Pôle Loire-Bretagne five EPCI, the register four: the catalogue keeps
    the seed's row and the register's membership is shown beside it, never overwriting it."""
    matches = {m["id_catalogue"]: m for m in rows("correspondances.csv")}
    assert len(catalogue.cooperations.at["pm-loire-bretagne", "membres"]) == 5
    assert len(matches["pm-loire-bretagne"]["membres_registre"].split(";")) == 4
    assert "pole-metropolitain-200032936" not in catalogue.cooperations.index
    assert len(matches["pm-le-mans-sarthe"]["membres_registre"].split(";")) == 7
    report = " ".join(r["detail"] for r in rows("desaccords.csv") if r["categorie"] == "correspondance_catalogue")
    assert "pm-loire-bretagne" in report and "epci:244400644" in report


def test_parks_whose_syndicat_does_not_say_naturel_regional_are_in(catalogue):
    """Issue 31: the Morvan, Brière and Forêt d'Orient parks were missing (« SM du parc régional du
    Morvan »…); business parks (« parc régional d'activités ») stay out; a syndicat preparing a
    park says so, and the Accueil's count says how many."""
    from alliance.analysis.stats import catalogue_composition

    coops = catalogue.cooperations
    for siren, epci in (("252106620", 9), ("254400955", 3), ("251001574", 1)):
        assert coops.at[f"pnr-{siren}", "type"] == "pnr" and len(coops.at[f"pnr-{siren}", "membres"]) >= epci
    assert not coops["nom"].str.contains("parc régional d'activit", case=False).any()
    for siren in ("200036192", "200095453"):
        assert "préfiguration" in coops.at[f"pnr-{siren}", "description"]
    parks = catalogue_composition(catalogue).query("type == 'pnr'")
    assert parks["en_preparation"].sum() == 2


def test_a_grouping_across_regions_is_filed_where_most_of_its_people_live_and_found_from_each(catalogue, geo):
    """Issue 31, item 4: « Territoire d'industrie — Aurillac, Rodez… » was filed under
    Auvergne-Rhône-Alpes (its most populous town) though 72 % of its population is in Occitanie."""
    from alliance.analysis.filters import Filters, apply_filters, build_filter_index

    filed = {r["id"]: r["region"] for r in rows("cooperations_registres.csv")}
    assert filed["ti-7603"] == "76"
    index = build_filter_index(catalogue, geo)
    for region in ("76", "84"):
        assert "ti-7603" in set(apply_filters(catalogue, index, Filters(regions=(region,))))


def test_syndicats_that_carry_a_pays_under_other_wordings_are_in(catalogue):
    """Issue 31, item 3: the « Pays » rule missed Loire-Val d'Aubois, Sancerre-Sologne, Cœur
    d'Hérault (a seed names it), Dunois, Tarentaise Vanoise, Vignoble Nantais, Pays Vitryat and
    Maurienne; a waste or SCoT syndicat named after a Pays stays out."""
    registered = {r["id"]: r for r in rows("cooperations_registres.csv")}
    matched = {m["id_registre"] for m in rows("correspondances.csv")}
    for siren in ("251802179", "251803045", "252855614", "257302539", "254402712", "200061083", "257302331"):
        assert registered[f"pays-{siren}"]["type"] == "pays"
    assert "pays-200017127" in matched  # the documented Pays Cœur d'Hérault, its register twin
    pays = catalogue.cooperations.loc[catalogue.cooperations["type"] == "pays", "nom"]
    assert not any(name.startswith(("SMICTOM", "SM du SCOT du")) for name in pays)
    report = [r for r in rows("desaccords.csv") if r["categorie"] == "crte_vs_porteur"]
    assert any("Tarentaise Vanoise" in r["detail"] for r in report)


def test_a_pays_syndicat_with_a_petrs_very_epci_is_not_a_second_grouping(catalogue):
    """Issue 31: the PETR and the SM du Pays de Guingamp have identical members: one territoire de
    projet, shown once (the PETR), the twin reported."""
    coops = catalogue.cooperations
    assert "petr-200048981" in coops.index and "pays-200097095" not in coops.index
    assert any(r["categorie"] == "pays_jumeau_petr" and r["identifiant"] == "200097095" for r in rows("desaccords.csv"))


def test_identifiers_as_the_source_writes_them_and_no_nature_invented():
    """Issue 31, item 6: Corsican CRTE ids were lower-cased (crte-94-2b-8 for ANCT's crte-94-2B-8);
    a member of the Pôle du Nord Lorrain that no source describes was called « syndicats »."""
    ids = {r["id_crte"] for r in rows("crte_par_epci.csv")}
    assert "crte-94-2B-8" in ids and "crte-94-2b-8" not in ids
    nord_lorrain = next(r["detail"] for r in rows("desaccords.csv") if r["identifiant"] == "200085363")
    assert "992367730 (nature inconnue" in nord_lorrain and "syndicat" not in nord_lorrain


def test_a_documented_pays_carried_by_a_petr_is_not_shown_twice(catalogue):
    """Issue 31: the Pays du Centre Ouest Bretagne and the Pays de Morlaix are BANATIC's PETR
    200073971 and 200072973; typed « pays » in the catalogue, they were not matched with the
    register's PETR and both copies were on the maps, in the counts and in the network."""
    matches = {m["id_catalogue"]: m["id_registre"] for m in rows("correspondances.csv")}
    assert matches["pays-centre-ouest-bretagne"] == "petr-200073971"
    assert matches["pays-de-morlaix"] == "petr-200072973"
    coops = catalogue.cooperations
    assert not {"petr-200073971", "petr-200072973"} & set(coops.index)
    assert coops.at["pays-centre-ouest-bretagne", "type"] == coops.at["pays-de-morlaix", "type"] == "petr"
    # no documented Pays or PETR has a register twin with the very same EPCI
    kinds = coops[coops["type"].isin(["pays", "petr"])]
    documented = kinds[kinds["provenance"] == "documentee"]
    registered = {frozenset(m) for m in kinds.loc[kinds["provenance"] == "registre", "membres"]}
    assert [cid for cid, m in documented["membres"].items() if frozenset(m) in registered] == []


@pytest.mark.parametrize(
    "code,aav,category", [("29019", "Brest", "commune-centre du pôle"), ("31555", "Toulouse", "commune-centre du pôle")]
)
def test_zonages_of_communes(code, aav, category):
    with (GEODATA_DIR / "zonages_communes.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["code"] == code)
    assert row["aav_nom"] == aav and row["aav_categorie"] == category and row["ze_nom"] and row["bv_nom"]
