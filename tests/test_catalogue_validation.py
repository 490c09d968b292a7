"""Validation of catalogue tables: every problem named with file, row and column, in French."""

import pandas as pd
import pytest

from alliance.data.catalogue import (
    CatalogueError,
    TerritoryIndex,
    build_catalogue,
    link_pairs,
    parse_ref,
    validate,
)
from tests.rows import row as shared_row


def row(**values):
    defaults = {"nom": "Essai", "source": "000_11f73915c6da903e.txt", "citation": "une citation"}
    return shared_row("essai", **{**defaults, **values})


@pytest.fixture(scope="module")
def index(geo):
    return TerritoryIndex(geo)


def problems(rows, vocab, index):
    return [str(p) for p in validate(pd.DataFrame(rows), vocab, index)]


def test_valid_row_has_no_problem(vocab, index):
    assert problems([row()], vocab, index) == []


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"type": "alliance"}, "ligne 1, colonne « type » : type inconnu « alliance »"),
        ({"themes": "mobilites;astronomie"}, "colonne « themes » : thème inconnu(e) « astronomie »"),
        ({"statut": "fini"}, "colonne « statut » : statut inconnu « fini »"),
        ({"citation": ""}, "colonne « citation » : valeur obligatoire manquante"),
        ({"source": ""}, "colonne « source » : valeur obligatoire manquante"),
        ({"annee": "1850"}, "colonne « annee » : année « 1850 » invalide"),
        ({"annee": "vers 2010"}, "colonne « annee » : année « vers 2010 » invalide"),
        ({"chef_de_file": "epci:243100518"}, "le chef de file « epci:243100518 » doit figurer parmi les membres"),
        ({"membres": "epci:242900314;ville:Brest"}, "référence « ville:Brest » mal formée"),
        ({"membres": "epci:242900314;ext:Landkreis"}, "partenaire externe « ext:Landkreis » mal formé"),
        ({"membres": "epci:242900314;coop:inconnue"}, "coopération « inconnue » inconnue"),
        ({"citation": " ".join(["mot"] * 26)}, "citation trop longue (26 mots, 25 au plus)"),
        ({"id": "Essai 1"}, "identifiant « Essai 1 » invalide"),
    ],
)
def test_each_problem_is_named(values, expected, vocab, index):
    found = problems([row(**values)], vocab, index)
    assert any(expected in p for p in found), found
    assert all(p.startswith("cooperations.csv, ligne 1") for p in found)


def test_unresolved_reference_suggests_closest(vocab, index):
    found = problems([row(membres="epci:242900314;epci:242900315")], vocab, index)
    assert len(found) == 1
    assert "référence « epci:242900315 » introuvable" in found[0]
    assert "proches : epci:242900314 Brest Métropole" in found[0]


def test_duplicate_id_names_both_rows(vocab, index):
    found = problems([row(), row()], vocab, index)
    assert found == ["cooperations.csv, ligne 2, colonne « id » : identifiant « essai » en double (déjà ligne 1)"]


def test_cycle_between_groupings(vocab, index):
    rows = [row(id="a", membres="coop:b;epci:242900314"), row(id="b", membres="coop:a;epci:200068120")]
    assert any("cycle entre coopérations" in p for p in problems(rows, vocab, index))


def test_missing_column_is_reported(vocab, index):
    df = pd.DataFrame([row()]).drop(columns=["citation"])
    assert [str(p) for p in validate(df, vocab, index)] == ["cooperations.csv, colonne « citation » : colonne absente"]


def test_build_raises_with_every_problem(geo, vocab):
    with pytest.raises(CatalogueError) as err:
        build_catalogue(pd.DataFrame([row(type="x", themes="y")]), vocab, geo)
    assert len(err.value.problems) == 2
    assert "2 problème(s) dans le catalogue" in str(err.value)


def test_parse_ref():
    ext = parse_ref("ext:Landkreis Emmendingen (Allemagne)@48.12,7.85")
    assert (ext.kind, ext.label, ext.lat, ext.lon) == ("ext", "Landkreis Emmendingen (Allemagne)", 48.12, 7.85)
    assert ext.text == "ext:Landkreis Emmendingen (Allemagne)@48.12,7.85"
    assert parse_ref("com:29019").code == "29019"
    with pytest.raises(ValueError, match="hors limites"):
        parse_ref("ext:Nulle part@95,0")


def test_link_pairs():
    assert link_pairs(["a", "b"], None) == [("a", "b")]
    assert link_pairs(["a", "b", "c"], "b") == [("b", "a"), ("b", "c")]
    assert len(link_pairs(list("abcd"), None)) == 6
    assert link_pairs(list("abcde"), None) == [("a", "b"), ("a", "c"), ("a", "d"), ("a", "e")]
    assert link_pairs(["a"], None) == []


def test_small_catalogue_geometry(geo, vocab):
    rows = [
        row(id="petr-x", type="petr", membres="epci:242900561;epci:242900744"),
        row(id="contrat-x", type="contrat_reciprocite", membres="epci:242900314;coop:petr-x"),
        row(id="ext-x", type="convention", membres="com:29019;ext:Partenaire@48.0,-4.0"),
    ]
    cat = build_catalogue(pd.DataFrame(rows), vocab, geo)
    assert len(cat.links) == 2
    assert cat.shapes["petr-x"].area > 0
    via = cat.members[(cat.members["coop_id"] == "contrat-x") & (cat.members["via"] == "petr-x")]
    assert set(via["ref"]) == {"epci:242900561", "epci:242900744"}
