"""The geodata build on a small subset of départements (fast) and its determinism."""

import json
import sys

import pytest

from alliance.paths import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import build_geodata  # noqa: E402


@pytest.fixture(scope="module")
def subset(tmp_path_factory, raw_dir):
    out1 = tmp_path_factory.mktemp("build1")
    out2 = tmp_path_factory.mktemp("build2")
    counts = build_geodata.build(raw_dir, out1, ["29", "22"])
    build_geodata.build(raw_dir, out2, ["29", "22"])
    return counts, out1, out2


def test_subset_counts(subset, raw_dir):
    counts, out, _ = subset
    cog = json.loads((raw_dir / "decoupage-administratif" / "communes.json").read_text())
    expected = sum(1 for c in cog if c["type"] == "commune-actuelle" and c["departement"] in ("29", "22"))
    assert counts["communes"] == expected
    assert counts["departements"] == 2
    assert counts["regions"] == 1


def test_subset_is_deterministic(subset):
    _, out1, out2 = subset
    for name in ("communes.csv", "epci.geojson", "departements.geojson", "regions.geojson"):
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), name


def test_subset_brest_metropole(subset):
    _, out, _ = subset
    epci = {
        f["properties"]["siren"]: f["properties"] for f in json.loads((out / "epci.geojson").read_text())["features"]
    }
    brest = epci["242900314"]
    assert brest["nom"] == "Brest Métropole"
    assert brest["n_communes"] == 8
    assert brest["type"] == "METRO"


def test_name_key_ignores_articles_and_hyphens():
    assert build_geodata._name_key("Les Essarts-en-Bocage") == build_geodata._name_key("Essarts en Bocage")
    assert build_geodata._name_key("Saline") != build_geodata._name_key("Troarn")
