"""What the detail card of a cooperation shows: members with their population, related ones."""

from __future__ import annotations

import pandas as pd

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
