"""What the detail card of a cooperation shows: members with their population, related ones,
how a searched territory takes part, and which cooperations lie under a point of the map."""

from __future__ import annotations

import pandas as pd
import shapely

from alliance.data.catalogue import REF_KINDS, Catalogue
from alliance.data.geodata import EPCI_TYPE_LABELS, GeoData


def member_table(catalogue: Catalogue, geo: GeoData, coop_id: str) -> pd.DataFrame:
    """Direct members and those reached through a grouping: Membre, Type, Population, Via."""
    members = catalogue.members[catalogue.members["coop_id"] == coop_id]
    rows = []
    for m in members.itertuples():
        population = None
        if m.kind == "epci":
            kind = EPCI_TYPE_LABELS.get(geo.epci.at[m.code, "type"], "EPCI")
            population = int(geo.epci.at[m.code, "population"])
        elif m.kind == "com":
            kind = "Commune"
            population = int(geo.communes.at[m.code, "population"])
        elif m.kind == "coop":
            kind = catalogue.vocab["type"].label(catalogue.cooperations.at[m.code, "type"])
        else:
            kind = REF_KINDS[m.kind]
        via = "" if pd.isna(m.via) else f"via {catalogue.cooperations.at[m.via, 'nom']}"
        rows.append({"Membre": m.nom, "Type": kind, "Population": population, "Appartenance": via or "directe"})
    table = pd.DataFrame(rows, columns=["Membre", "Type", "Population", "Appartenance"])
    table["Population"] = table["Population"].astype("Int64")
    return table


def related_cooperations(catalogue: Catalogue, coop_id: str) -> pd.DataFrame:
    """Other cooperations of this one's direct members (member, other cooperation id)."""
    members = catalogue.members
    direct = members[(members["coop_id"] == coop_id) & members["via"].isna() & (members["kind"] != "ext")]
    refs = set(direct["ref"]) | {f"coop:{coop_id}"}
    others = members[members["ref"].isin(refs) & members["via"].isna() & (members["coop_id"] != coop_id)]
    table = others[["nom", "coop_id"]].drop_duplicates().rename(columns={"nom": "membre"})
    documented_first = (catalogue.cooperations.loc[table["coop_id"], "provenance"] == "registre").to_numpy()
    return (
        table.assign(_registre=documented_first)
        .sort_values("_registre", kind="stable")
        .drop(columns="_registre")
        .reset_index(drop=True)
    )


def cooperations_at(catalogue: Catalogue, ids, lon: float, lat: float) -> list[str]:
    """The cooperations among `ids` whose perimeter (the union of their members' shapes) holds
    the point, smallest perimeter first: where perimeters overlap, every one of them."""
    shapes = catalogue.shapes
    point = shapely.Point(lon, lat)
    positions = shapes.sindex.query(point, predicate="intersects")
    shown = set(ids)
    hits = [(shapes.index[p], shapes.array[p]) for p in positions if shapes.index[p] in shown]
    return [cid for cid, _geom in sorted(hits, key=lambda hit: (shapely.area(hit[1]), hit[0]))]


def how_it_takes_part(catalogue: Catalogue, geo: GeoData, coop_id: str, ref: str) -> str | None:
    """How the territory `ref` (commune, EPCI, département) takes part in a cooperation, in French:
    « membre direct », « via <groupement> », « via son EPCI, <nom> », « sur son territoire »;
    None when it does not."""
    members = catalogue.members[catalogue.members["coop_id"] == coop_id]
    kind, _, code = ref.partition(":")
    mine = members[members["ref"] == ref]
    if len(mine):
        via = mine["via"].dropna()
        return "membre direct" if len(via) < len(mine) else f"via {catalogue.cooperations.at[via.iloc[0], 'nom']}"
    if kind == "com" and code in geo.communes.index and geo.communes.at[code, "siren_epci"]:
        epci = geo.communes.at[code, "siren_epci"]
        through = members[members["ref"] == f"epci:{epci}"]
        if len(through):
            how = f"via son EPCI, {geo.epci.at[epci, 'nom']}"
            via = through["via"].dropna()
            if len(via) == len(through):
                how += f", membre de {catalogue.cooperations.at[via.iloc[0], 'nom']}"
            return how
    if kind == "dep":
        touched = {d for m in members.itertuples() for d in geo.departements_of(m.kind, m.code) or ()}
        if code in touched:
            return "sur son territoire"
    return None


def places_by_name(geo: GeoData) -> dict[str, list[tuple[str, str]]]:
    """Folded whole name -> [(ref, label)] of the communes, EPCI and départements so named
    (homonyms together: several Saint-Omer), for the Carte's search to say how a place found
    by its name takes part in a cooperation."""
    from alliance.analysis.filters import fold

    out: dict[str, list[tuple[str, str]]] = {}
    deps = geo.departements["nom"]
    for code, name, dep in zip(geo.communes.index, geo.communes["nom"], geo.communes["departement"]):
        out.setdefault(fold(name), []).append((f"com:{code}", f"{name} — {deps.get(dep, '')} ({dep})"))
    for siren, name in zip(geo.epci.index, geo.epci["nom"]):
        out.setdefault(fold(name), []).append((f"epci:{siren}", name))
    for code, name in deps.items():
        out.setdefault(fold(name), []).append((f"dep:{code}", f"{name} ({code})"))
    return out
