"""Alliances ville–campagne: partners placed against the city's aire d'attraction, candidate
territoires de projet of its couronne and fringe (never presented as cooperations)."""

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from alliance.analysis.alliances import cities, city_alliances, epci_in_aires
from alliance.analysis.territory import load_zonages
from alliance.paths import GEODATA_DIR, ROOT


@pytest.fixture(scope="module")
def shares(geo):
    return epci_in_aires(geo, load_zonages())


@pytest.fixture(scope="module")
def aires():
    return gpd.read_file(GEODATA_DIR / "aires_attraction.geojson")


def test_toulouse_partners_and_candidates(catalogue, geo, shares, aires):
    result = city_alliances("243100518", catalogue, geo, shares, aires)
    assert result.aav_nom == "Toulouse"
    where = dict(zip(result.partners["nom"], result.partners["position"]))
    assert where["CC de la Gascogne Toulousaine"] == "couronne"  # in the PETR Portes de Gascogne
    assert where["CA Grand Auch Coeur de Gascogne"] == "au-delà de l'aire"  # Pays d'Armagnac contract
    candidates = set(result.candidates["nom"])
    assert "PETR du Pays du Sud Toulousain" in candidates
    # a PETR already in a documented cooperation with Toulouse is not a candidate
    assert not candidates & {"PETR Pays Portes de Gascogne", "PETR du Pays d'Armagnac"}
    assert set(result.candidates["position"]) <= {"couronne", "frange de l'aire"}


def test_brest_partners_beyond_its_aire(catalogue, geo, shares, aires):
    result = city_alliances("242900314", catalogue, geo, shares, aires)
    where = dict(zip(result.partners["siren"], result.partners["position"]))
    assert where["242900561"] == "au-delà de l'aire"  # Poher communauté, through the Pays COB contract
    assert where["242900074"] == "couronne"  # CC du Pays d'Iroise, in the pôle métropolitain


def test_cities_are_metropoles_and_large_agglomerations(geo):
    table = cities(geo)
    assert {"METRO", "MET69", "CU", "CA"} >= set(table["type"])
    assert (table.loc[table["type"] == "CA", "population"] >= 100_000).all()
    assert "242900314" in set(table["siren"])


def test_page_in_apptest():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["ville"] = "243100518"
    at.switch_page("pages/alliances.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="ville").value == "243100518"
    assert any(m.label == "Aire d'attraction" and m.value == "Toulouse" for m in at.metric)
    names = at.dataframe[1].value["Territoire de projet"].tolist()
    assert "PETR du Pays du Sud Toulousain" in names
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["ville"] = "[x](http://evil.example)"
    at.switch_page("pages/alliances.py")
    at.run()
    assert not at.exception and any("inconnu" in w.value for w in at.warning)
