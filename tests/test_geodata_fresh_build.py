"""The committed geodata equals a fresh full build of scripts/build_geodata.py."""

import sys

from alliance.paths import GEODATA_DIR, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import build_geodata  # noqa: E402


def test_committed_geodata_equals_fresh_build(tmp_path, raw_dir):
    build_geodata.build(raw_dir, tmp_path)
    for name in ("communes.csv", "epci.geojson", "departements.geojson", "regions.geojson"):
        assert (tmp_path / name).read_bytes() == (GEODATA_DIR / name).read_bytes(), (
            f"geodata/{name} differs from a fresh build: run python scripts/build_geodata.py"
        )
