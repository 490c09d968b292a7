"""Loading the reference geography committed in geodata/ (built by scripts/build_geodata.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from alliance.errors import DataError
from alliance.paths import GEODATA_DIR

EPCI_TYPE_LABELS: dict[str, str] = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "METRO": "Métropole",
    "MET69": "Métropole de Lyon",
}
METROPOLE_TYPES = ("METRO", "MET69")
# France-wide view of mainland France (Corsica included) on a ~600 px high map.
FRANCE_CENTER = (46.3, 2.6)
FRANCE_ZOOM = 5.75


@dataclass(frozen=True)
class GeoData:
    """The reference layers, read-only once loaded (shared between sessions)."""

    regions: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    communes: pd.DataFrame

    @property
    def metropoles(self) -> gpd.GeoDataFrame:
        return self.epci[self.epci["type"].isin(METROPOLE_TYPES)]

    def layer(self, kind: str) -> pd.DataFrame | None:
        """The table of a kind of territory reference (epci, com, dep, reg), None for others."""
        return {"epci": self.epci, "com": self.communes, "dep": self.departements, "reg": self.regions}.get(kind)

    def name(self, kind: str, code: str) -> str | None:
        """Official name of a territory, None when the kind or code is unknown."""
        table = self.layer(kind)
        return None if table is None or code not in table.index else str(table.at[code, "nom"])

    def departements_of(self, kind: str, code: str) -> list[str]:
        """Codes of the départements a territory lies in (none for a partner abroad or a grouping)."""
        if kind == "dep":
            return [code]
        return list(self._departements_by_kind.get(kind, {}).get(code, ()))

    @functools.cached_property
    def _departements_by_kind(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """{kind: {code: its départements}}, read once: cell by cell lookups cost 0.2 s per catalogue."""
        by_region: dict[str, list[str]] = {}
        for dep, region in zip(self.departements.index.tolist(), self.departements["region"].tolist()):
            by_region.setdefault(region, []).append(dep)
        return {
            "epci": {
                code: tuple(str(cell).split(";"))
                for code, cell in zip(self.epci.index.tolist(), self.epci["departements"].tolist())
            },
            "com": {
                code: (dep,) for code, dep in zip(self.communes.index.tolist(), self.communes["departement"].tolist())
            },
            "reg": {region: tuple(deps) for region, deps in by_region.items()},
        }


def _read_layer(path: Path, index: str) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(path, engine="pyogrio")
    for column in gdf.columns:
        if column != "geometry" and gdf[column].dtype == object:
            gdf[column] = gdf[column].astype(str)
    return gdf.set_index(index, drop=False).rename_axis(None)


def load_geodata(folder: Path = GEODATA_DIR) -> GeoData:
    """Read the four reference files; codes stay strings (leading zeros kept).
    Raises DataError (French) when a file is missing or unreadable."""
    try:
        return _load(folder)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same French message
        raise DataError(
            "La géographie de référence (dossier geodata/) est absente ou illisible : "
            f"{exc.__class__.__name__}. Reconstruisez-la avec « make geodata » ou restaurez les fichiers "
            "du dépôt."
        ) from exc


def _load(folder: Path) -> GeoData:
    communes = pd.read_csv(
        folder / "communes.csv",
        dtype={"code": str, "siren_epci": str, "departement": str, "region": str},
        keep_default_na=False,
    )
    communes = communes.set_index("code", drop=False).rename_axis(None)
    regions = _read_layer(folder / "regions.geojson", "code")
    departements = _read_layer(folder / "departements.geojson", "code")
    epci = _read_layer(folder / "epci.geojson", "siren")
    epci["population"] = epci["population"].astype(int)
    epci["n_communes"] = epci["n_communes"].astype(int)
    return GeoData(regions=regions, departements=departements, epci=epci, communes=communes)


def inner_borders(layer: gpd.GeoDataFrame, group: str) -> shapely.Geometry:
    """Borders between polygons of the same `group` (e.g. départements inside a région): the
    others (coast, borders between groups) are drawn by the group's own layer.

    The layers form a coverage (neighbours share their edges vertex for vertex, as built by
    scripts/build_geodata.py): an inner border is an edge that two polygons of one group both
    have. Found by counting edges — four times faster than dissolving and differencing."""
    parts, part_row = shapely.get_parts(layer.geometry.to_numpy(), return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    same_ring = coord_ring[1:] == coord_ring[:-1]
    start, end = coords[:-1][same_ring], coords[1:][same_ring]
    owner = pd.factorize(layer[group].to_numpy())[0][part_row[ring_part[coord_ring[:-1][same_ring]]]]
    flip = (start[:, 0] > end[:, 0]) | ((start[:, 0] == end[:, 0]) & (start[:, 1] > end[:, 1]))
    first, second = np.where(flip[:, None], end, start), np.where(flip[:, None], start, end)
    edges, count = np.unique(np.column_stack([first, second, owner]), axis=0, return_counts=True)
    shared = edges[count >= 2, :4].reshape(-1, 2, 2)
    return shapely.line_merge(shapely.multilinestrings(shapely.linestrings(shared)))
