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


def test_cities_are_metropoles_large_agglomerations_and_centres_of_large_aires(geo, shares):
    table = cities(geo)
    assert {"METRO", "MET69", "CU", "CA"} >= set(table["type"])
    assert (table.loc[table["type"] == "CA", "population"] >= 100_000).all()
    assert "242900314" in set(table["siren"])
    wider = cities(geo, shares)
    assert set(table["siren"]) < set(wider["siren"])
    assert "248200099" in set(wider["siren"])  # CA Grand Montauban, 81 397 inhab., pôle of the aire of Montauban
    assert "248200099" not in set(table["siren"])


def test_every_metropole_has_partners_from_documents_or_registers(catalogue, geo, shares, aires):
    """Partners come from every row joining the city with another EPCI; only a métropole that
    no row joins with anyone has none (Grand Paris; Toulon's Territoire d'industrie is its own)."""
    metropoles = geo.epci.index[geo.epci["type"].isin(["METRO", "MET69"])]
    assert len(metropoles) == 22
    without = set()
    for siren in metropoles:
        result = city_alliances(siren, catalogue, geo, shares, aires)
        if result.partners.empty:
            without.add(siren)
            mine = catalogue.members.loc[catalogue.members["ref"] == f"epci:{siren}", "coop_id"]
            others = catalogue.members[catalogue.members["coop_id"].isin(mine) & (catalogue.members["kind"] == "epci")]
            assert set(others["code"]) <= {siren}
    assert without == {"200054781", "248300543"}  # Métropole du Grand Paris, Toulon Provence Méditerranée


def test_lyon_partners_include_its_pole_metropolitain_from_the_register(catalogue, geo, shares, aires):
    result = city_alliances("200046977", catalogue, geo, shares, aires)
    by_name = result.partners.set_index("nom")
    assert "Saint-Étienne Métropole" in by_name.index
    row = by_name.loc["Saint-Étienne Métropole"]
    assert row["origine"] == "registre" and "Pôle métropolitain" in row["groupements"]
    # documented partners come first
    origins = list(result.partners["origine"])
    assert origins == sorted(origins, key=["documentée", "registre"].index)


def test_page_in_apptest():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["ville"] = "243100518"
    at.switch_page("pages/alliances.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="ville").value == "243100518"
    assert any(m.label == "Aire d'attraction" and m.value == "Toulouse" for m in at.metric)
    assert "Groupements (registres)" in at.dataframe[0].value.columns
    names = at.dataframe[1].value["Territoire de projet"].tolist()
    assert "PETR du Pays du Sud Toulousain" in names
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["ville"] = "[x](http://evil.example)"
    at.switch_page("pages/alliances.py")
    at.run()
    assert not at.exception and any("inconnu" in w.value for w in at.warning)
