"""Filtering the catalogue and the URL form of the filters."""

import pytest

from alliance.analysis.filters import Filters, apply_filters, build_filter_index, fold, from_query, to_query


@pytest.fixture(scope="module")
def index(catalogue, geo):
    return build_filter_index(catalogue, geo)


def ids(catalogue, index, **kw):
    return set(apply_filters(catalogue, index, Filters(**kw)))


def test_no_filter_keeps_everything(catalogue, index):
    assert ids(catalogue, index) == set(catalogue.cooperations.index)


def test_theme_or_within_field(catalogue, index):
    food = ids(catalogue, index, themes=("alimentation",))
    assert "cr-toulouse-portes-de-gascogne" in food and "ti-axe-seine" not in food
    expected = {c for c, t in catalogue.cooperations["themes"].items() if "alimentation" in t}
    assert food == expected
    both = ids(catalogue, index, themes=("alimentation", "dechets"))
    assert both > food and "gac-dechets-nantes-saint-nazaire" in both


def test_and_across_fields(catalogue, index):
    got = ids(catalogue, index, themes=("alimentation",), types=("contrat_reciprocite",))
    assert got == {
        c
        for c, r in catalogue.cooperations.iterrows()
        if "alimentation" in r["themes"] and r["type"] == "contrat_reciprocite"
    }
    assert "cr-nantes-pays-de-retz" in got


def test_region_goes_through_groupings(catalogue, index):
    occitanie = ids(catalogue, index, regions=("76",))
    assert {"cr-toulouse-portes-de-gascogne", "dialogue-metropolitain-toulouse", "eusko"} - {"eusko"} <= occitanie
    assert "eusko" not in occitanie  # Pays basque is in Nouvelle-Aquitaine
    finistere = ids(catalogue, index, departements=("29",))
    assert "cr-brest-cob" in finistere and "pays-de-morlaix" in finistere


def test_year_range_excludes_unknown_years(catalogue, index):
    got = ids(catalogue, index, annee_min=2016, annee_max=2017)
    assert got == {"cr-brest-cob", "accord-cadre-toulouse-montpellier", "cr-toulouse-portes-de-gascogne"}


def test_text_search_accents_optional(catalogue, index):
    assert "cr-toulouse-portes-de-gascogne" in ids(catalogue, index, texte="gascogne")
    assert ids(catalogue, index, texte="Agglo Seine-Eure") >= ids(catalogue, index, texte="agglo seine-eure")
    assert "pm-pays-de-brest" in ids(catalogue, index, texte="crozon")  # a member's name
    assert "pays-coeur-d-herault" in ids(catalogue, index, texte="coeur d'herault")
    assert fold("Écrins Cœur d’Hérault") == "ecrins coeur d'herault"


def test_empty_result(catalogue, index):
    assert ids(catalogue, index, themes=("sante",), regions=("94",)) == set()


def test_url_round_trip(geo, catalogue):
    f = Filters(regions=("53",), themes=("alimentation", "mobilites"), annee_min=2012, annee_max=2020, texte="Brest")
    back, warnings = from_query(to_query(f), catalogue.vocab, geo)
    assert back == f and warnings == []


def test_invalid_url_parameters_are_dropped_with_warnings(geo, catalogue):
    params = {"theme": "alimentation,astrologie", "region": "99", "de": "vers 2010", "zoom": "3"}
    f, warnings = from_query(params, catalogue.vocab, geo)
    assert f == Filters(themes=("alimentation",))
    assert any("astrologie" in w for w in warnings)
    assert any("région « 99 »" in w for w in warnings)
    assert any("année « vers 2010 »" in w for w in warnings)
    assert any("« zoom » inconnu" in w for w in warnings)
