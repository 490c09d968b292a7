"""Build the reference geography of the app (geodata/) from the raw inputs.

Inputs (see ../shared/README.md):
  <raw>/france-geojson/communes/*.geojson   IGN ADMIN EXPRESS COG 2018 commune contours
  <raw>/decoupage-administratif/*.json      INSEE COG (communes, EPCI, départements, régions)

Outputs (deterministic: same inputs give byte-identical files):
  geodata/communes.csv, geodata/epci.geojson, geodata/departements.geojson, geodata/regions.geojson

Method: each 2018 polygon is mapped to today's commune (directly or through `anciensCodes`),
then grouped into "atoms" (one per EPCI × département pair). The atoms form a polygon coverage
that is simplified with shapely's topology-preserving `coverage_simplify`, so that every layer
dissolved from the simplified atoms (EPCI, départements, régions) shares exactly the same borders.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import logging
import sys
from collections import defaultdict
from pathlib import Path

import pyogrio
import shapely
from shapely.geometry import mapping

log = logging.getLogger("build_geodata")

ROOT = Path(__file__).resolve().parents[1]
SIMPLIFY_TOLERANCE = 0.0055  # degrees (~200 m): readable from zoom 5 to 10, epci.geojson < 2 MB
GRID = 1e-3  # coordinate precision in degrees (~100 m)
ZONES = ("metro", "drom")


def _read_json(path: Path):
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def load_cog(raw: Path) -> dict:
    """Read the INSEE COG tables kept for mainland France and the five DROM."""
    base = raw / "decoupage-administratif"
    communes = [
        c for c in _read_json(base / "communes.json") if c["type"] == "commune-actuelle" and c.get("zone") in ZONES
    ]
    return {
        "communes": communes,
        "epci": _read_json(base / "epci.json"),
        "departements": [d for d in _read_json(base / "departements.json") if d.get("zone") in ZONES],
        "regions": [r for r in _read_json(base / "regions.json") if r.get("zone") in ZONES],
    }


def load_polygons_2018(raw: Path, departements: list[str] | None = None) -> tuple[dict[str, object], dict[str, str]]:
    """Return ({2018 INSEE code: shapely geometry}, {code: 2018 name}) from the commune files.

    Read once per process (both builds need them); the dictionaries are shared: do not mutate."""
    return _load_polygons_2018(raw, None if departements is None else tuple(departements))


@functools.cache
def _load_polygons_2018(raw: Path, departements: tuple[str, ...] | None) -> tuple[dict[str, object], dict[str, str]]:
    polygons: dict[str, object] = {}
    names: dict[str, str] = {}
    for path in sorted((raw / "france-geojson" / "communes").glob("communes-*.geojson")):
        dep = path.name.split("-")[1]
        if departements is not None and dep not in departements:
            continue
        table = pyogrio.read_dataframe(path, columns=["code", "nom"])  # GDAL parses the same doubles
        codes = table["code"].astype(str).tolist()
        polygons.update(zip(codes, shapely.make_valid(table.geometry.to_numpy())))
        names.update(zip(codes, table["nom"].astype(str)))
    return polygons, names


def _name_key(name: str) -> str:
    """Commune name without leading article, case, hyphens or spaces (for renaming checks)."""
    key = name.lower()
    for article in ("le ", "la ", "les ", "l'"):
        if key.startswith(article):
            key = key[len(article) :]
    return "".join(ch for ch in key if ch.isalnum())


def map_polygons_to_communes(
    polygons: dict, names_2018: dict[str, str], communes: list[dict], epci_of: dict[str, str]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Map 2018 polygons to current communes.

    Returns (polygon codes per current commune, source polygon code for re-created communes).
    A 2018 polygon belongs to the current commune with the same code, otherwise to the current
    commune listing it in `anciensCodes`.
    """
    current = {c["code"] for c in communes}
    old_to_new: dict[str, str] = {}
    for c in communes:
        for old in c.get("anciensCodes", []):
            old_to_new.setdefault(old, c["code"])
    parts: dict[str, list[str]] = defaultdict(list)
    for code in sorted(polygons):
        if code in current:
            parts[code].append(code)
        elif code in old_to_new:
            parts[old_to_new[code]].append(code)
        else:
            log.warning("2018 polygon %s maps to no current commune", code)
    # Communes re-created since 2018 (split from a commune nouvelle) have no polygon of their
    # own, and the COG keeps no link to the commune they left. The polygon they came from is
    # searched among the 2018 polygons of the same EPCI and département: first one whose commune
    # changed its name since 2018 (the commune nouvelle lost part of its territory and took back
    # a former name), then one sharing a postal code, then the largest.
    recreated: dict[str, str] = {}
    by_code = {c["code"]: c for c in communes}
    holders_in: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for holder in parts:
        holders_in[(by_code[holder]["departement"], epci_of.get(holder))].append(holder)
    for c in communes:
        if c["code"] in parts:
            continue
        postcodes = set(c.get("codesPostaux", []))
        candidates = []
        for holder in holders_in[(c["departement"], epci_of.get(c["code"]))]:
            codes, h = parts[holder], by_code[holder]
            renamed = any(_name_key(names_2018.get(code, "")) != _name_key(h["nom"]) for code in codes)
            shares_postcode = bool(postcodes & set(h.get("codesPostaux", [])))
            for code in codes:
                candidates.append((not renamed, not shares_postcode, -polygons[code].area, code))
        if candidates:
            recreated[c["code"]] = min(candidates)[3]
    return dict(parts), recreated


def _round_geom(geom):
    return shapely.make_valid(shapely.set_precision(geom, GRID))


def _feature_geometry(geom) -> dict:
    geom = shapely.normalize(geom)
    return json.loads(json.dumps(mapping(geom)))


def _dumps_collection(features: list[dict]) -> str:
    """Compact, deterministic GeoJSON text (coordinates already on the GRID)."""

    def coords(obj):
        if isinstance(obj, (list, tuple)):
            if obj and isinstance(obj[0], (int, float)):
                return [round(float(obj[0]), 3), round(float(obj[1]), 3)]
            return [coords(o) for o in obj]
        return obj

    out = []
    for f in features:
        g = f["geometry"]
        geometry = {"type": g["type"], "coordinates": coords(g["coordinates"])}
        out.append({"type": "Feature", "properties": f["properties"], "geometry": geometry})
    return json.dumps({"type": "FeatureCollection", "features": out}, ensure_ascii=False, separators=(",", ":")) + "\n"


def build(raw: Path, out: Path, departements: list[str] | None = None) -> dict[str, int]:
    """Run the whole build; return counts written (for logs and tests)."""
    cog = load_cog(raw)
    communes = cog["communes"]
    if departements is not None:
        communes = [c for c in communes if c["departement"] in departements]
    polygons, names_2018 = load_polygons_2018(raw, departements)
    commune_codes = {c["code"] for c in communes}
    epci_of: dict[str, str] = {}
    epci_rows = []
    for e in cog["epci"]:
        members = [m for m in e["membres"] if m["code"] in commune_codes]
        if not members:
            continue
        for m in members:
            epci_of[m["code"]] = e["code"]
        epci_rows.append((e, members))
    parts, recreated = map_polygons_to_communes(polygons, names_2018, communes, epci_of)
    for code, src in sorted(recreated.items()):
        log.info("commune %s re-created since 2018: point taken from 2018 polygon %s", code, src)
    commune_by_code = {c["code"]: c for c in communes}

    # Geometry of each current commune (union of its 2018 polygons) and its representative point.
    commune_geom = {code: shapely.union_all([polygons[p] for p in ps]) for code, ps in parts.items()}
    missing = sorted(commune_codes - set(commune_geom) - set(recreated))
    if missing:
        log.warning("%d communes without any 2018 polygon: %s", len(missing), ", ".join(missing[:20]))

    # Atoms: one polygon per (EPCI, département); polygons are only counted once (split communes
    # keep their 2018 polygon under the commune that still bears the code or absorbed it).
    atom_parts: dict[tuple[str, str], list] = defaultdict(list)
    for code, geom in commune_geom.items():
        c = commune_by_code[code]
        atom_parts[(epci_of.get(code, ""), c["departement"])].append(geom)
    atom_keys = sorted(atom_parts)
    atoms = [shapely.union_all(atom_parts[k]) for k in atom_keys]
    simplified = shapely.coverage_simplify(atoms, SIMPLIFY_TOLERANCE, simplify_boundary=True)
    simplified = [_round_geom(g) for g in simplified]

    def dissolve(key_of_atom) -> dict[str, object]:
        groups: dict[str, list] = defaultdict(list)
        for k, g in zip(atom_keys, simplified):
            key = key_of_atom(k)
            if key:
                groups[key].append(g)
        return {key: _round_geom(shapely.union_all(gs)) for key, gs in groups.items()}

    dep_region = {d["code"]: d["region"] for d in cog["departements"]}
    epci_geom = dissolve(lambda k: k[0])
    dep_geom = dissolve(lambda k: k[1])
    reg_geom = dissolve(lambda k: dep_region.get(k[1], ""))

    out.mkdir(parents=True, exist_ok=True)

    # communes.csv
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "nom", "siren_epci", "departement", "region", "population", "lon", "lat"])
    n_communes = 0
    for c in sorted(communes, key=lambda c: c["code"]):
        geom = commune_geom.get(c["code"])
        if geom is None and c["code"] in recreated:
            geom = polygons[recreated[c["code"]]]
        if geom is None:
            continue
        pt = geom.representative_point()
        writer.writerow(
            [
                c["code"],
                c["nom"],
                epci_of.get(c["code"], ""),
                c["departement"],
                c["region"],
                c.get("population", 0),
                f"{pt.x:.5f}",
                f"{pt.y:.5f}",
            ]
        )
        n_communes += 1
    (out / "communes.csv").write_text(buf.getvalue(), encoding="utf-8")

    # epci.geojson
    features = []
    for e, members in sorted(epci_rows, key=lambda r: r[0]["code"]):
        if e["code"] not in epci_geom:
            continue
        pop_by_region: dict[str, int] = defaultdict(int)
        deps = set()
        for m in members:
            c = commune_by_code[m["code"]]
            pop_by_region[c["region"]] += m.get("populationMunicipale", 0)
            deps.add(c["departement"])
        region = sorted(pop_by_region.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        features.append(
            {
                "properties": {
                    "siren": e["code"],
                    "nom": e["nom"],
                    "type": e["type"],
                    "population": e["populationMunicipale"],
                    "n_communes": len(e["membres"]),
                    "departements": ";".join(sorted(deps)),
                    "region": region,
                },
                "geometry": _feature_geometry(epci_geom[e["code"]]),
            }
        )
    (out / "epci.geojson").write_text(_dumps_collection(features), encoding="utf-8")

    dep_features = [
        {
            "properties": {"code": d["code"], "nom": d["nom"], "region": d["region"]},
            "geometry": _feature_geometry(dep_geom[d["code"]]),
        }
        for d in sorted(cog["departements"], key=lambda d: d["code"])
        if d["code"] in dep_geom
    ]
    (out / "departements.geojson").write_text(_dumps_collection(dep_features), encoding="utf-8")

    reg_features = [
        {"properties": {"code": r["code"], "nom": r["nom"]}, "geometry": _feature_geometry(reg_geom[r["code"]])}
        for r in sorted(cog["regions"], key=lambda r: r["code"])
        if r["code"] in reg_geom
    ]
    (out / "regions.geojson").write_text(_dumps_collection(reg_features), encoding="utf-8")

    counts = {
        "communes": n_communes,
        "epci": len(features),
        "departements": len(dep_features),
        "regions": len(reg_features),
        "recreated": len(recreated),
        "missing": len(missing),
    }
    log.info("written: %s", counts)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--raw", type=Path, default=ROOT.parent / "shared" / "raw", help="folder of raw inputs (default: ../shared/raw)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "geodata", help="output folder")
    parser.add_argument("--departements", help="comma-separated département codes (subset build)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    deps = args.departements.split(",") if args.departements else None
    build(args.raw, args.out, deps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
