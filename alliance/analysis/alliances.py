"""Alliances ville–campagne: a city's partners read against its real area of influence (INSEE
aire d'attraction des villes), and the territoires de projet of its couronne and fringe with
which no row of the catalogue joins it (candidates, never presented as facts).

A partner is any EPCI that a row of the catalogue joins with the city: documented cooperations
first (the seeds, validated contributions), then the groupings of the national registers
(pôle métropolitain, PETR, Pays, parc, CRTE, Territoire d'industrie); each partner says which."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from alliance.analysis.territory import Zonages
from alliance.data.catalogue import Catalogue
from alliance.data.geodata import GeoData

CITY_TYPES = ("METRO", "MET69", "CU")
LARGE_AGGLOMERATION = 100_000  # CA of at least this population are offered too
LARGE_AIRE = 100_000  # and the centre of every aire d'attraction of at least this population
CANDIDATE_TYPES = ("petr", "pays", "pole_metropolitain")
POSITIONS = ("pôle", "couronne", "au-delà de l'aire")
ORIGINS = ("documentée", "registre")  # a partner's strongest tie: a documented cooperation, or a register row only
PARTNER_COLUMNS = ["siren", "nom", "position", "part_dans_aire", "origine", "documentees", "groupements", "n"]


def cities(geo: GeoData, shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """Métropoles, communautés urbaines, large agglomérations and — given `shares`
    (`epci_in_aires`) — the EPCI holding most of the pôle of every aire d'attraction of at
    least LARGE_AIRE inhabitants; largest first."""
    epci = geo.epci
    chosen = epci["type"].isin(CITY_TYPES) | ((epci["type"] == "CA") & (epci["population"] >= LARGE_AGGLOMERATION))
    if shares is not None:
        totals = shares.groupby("aav")["population"].sum()
        large = totals.index[(totals >= LARGE_AIRE) & ~totals.index.isin(["", "000"])]
        poles = shares[shares["aav"].isin(large) & (shares["partie"] == "pôle")]
        centres = poles.sort_values("population", ascending=False).drop_duplicates("aav")["siren"]
        chosen |= epci.index.isin(list(centres))
    return epci.loc[chosen, ["siren", "nom", "type", "population"]].sort_values("population", ascending=False)


def epci_in_aires(geo: GeoData, zonages: Zonages) -> pd.DataFrame:
    """Population of every EPCI per aire and part (pôle / couronne / hors aire): one row per
    (siren, aav, partie) with its share of the EPCI's population (computed once, cached)."""
    communes = geo.communes[geo.communes["siren_epci"] != ""][["siren_epci", "population"]]
    table = communes.join(zonages.communes[["aav", "aav_categorie"]], how="inner")
    table["partie"] = table["aav_categorie"].map(
        lambda c: "couronne" if c == "couronne" else ("hors aire" if not c or c.startswith("hors") else "pôle")
    )
    out = table.groupby(["siren_epci", "aav", "partie"])["population"].sum().rename("population").reset_index()
    out["part"] = out["population"] / out.groupby("siren_epci")["population"].transform("sum")
    return out.rename(columns={"siren_epci": "siren"})


@dataclass(frozen=True)
class CityAlliances:
    """What the page shows for one city."""

    siren: str
    nom: str
    aav: str
    aav_nom: str
    partners: pd.DataFrame  # PARTNER_COLUMNS: documentees / groupements are names joined by « ; »
    candidates: pd.DataFrame  # coop_id, nom, type, position (couronne / frange), provenance
    aire: gpd.GeoDataFrame  # the aire's pôle and couronne


def positions_in(aav: str, shares: pd.DataFrame) -> dict[str, tuple[str, float]]:
    """Where every EPCI with population in the aire `aav` lies with respect to it: the part
    holding most of its population, and the share of its population inside (computed once per
    aire; an EPCI absent from it is « au-delà de l'aire », 0)."""
    rows = shares[shares["aav"] == aav]
    out: dict[str, tuple[str, float]] = {}
    for siren, mine in rows.groupby("siren"):
        inside = float(mine.loc[mine["partie"] != "hors aire", "part"].sum())
        best = mine.sort_values("part", ascending=False).iloc[0]["partie"]
        out[siren] = (best if inside >= 0.5 and best in POSITIONS else POSITIONS[2], inside)
    return out


def position_of(siren: str, aav: str, shares: pd.DataFrame) -> tuple[str, float]:
    """Where an EPCI lies with respect to an aire: the part holding most of its population."""
    return positions_in(aav, shares[shares["siren"] == siren]).get(siren, (POSITIONS[2], 0.0))


def city_alliances(
    siren: str, catalogue: Catalogue, geo: GeoData, shares: pd.DataFrame, aires: gpd.GeoDataFrame
) -> CityAlliances:
    """Partners of every row joining the city's EPCI with others (documented cooperations first,
    then register groupings) placed against its aire, and candidate territoires de projet of
    its couronne and fringe that no row joins with it."""
    mine = shares[shares["siren"] == siren].sort_values("population", ascending=False)
    aav = next((a for a in mine["aav"] if a not in ("", "000")), "")
    aire = aires[aires["aav"] == aav] if aav else aires.iloc[0:0]
    aav_nom = aire["nom"].iloc[0] if len(aire) else ""
    members, coops = catalogue.members, catalogue.cooperations
    city_ref = f"epci:{siren}"
    own = set(members.loc[members["ref"] == city_ref, "coop_id"])
    epci_members = members[members["coop_id"].isin(own) & (members["kind"] == "epci") & (members["ref"] != city_ref)]
    type_label = catalogue.vocab["type"].label
    placed = positions_in(aav, shares)

    def position(siren: str) -> tuple[str, float]:
        return placed.get(siren, (POSITIONS[2], 0.0))

    rows = []
    for partner, group in epci_members.groupby("code"):
        where, share = position(partner)
        linked = coops.loc[group["coop_id"].unique()]
        documented = linked[linked["provenance"] != "registre"]
        registers = linked[linked["provenance"] == "registre"]
        rows.append(
            {
                "siren": partner,
                "nom": geo.epci.at[partner, "nom"],
                "position": where,
                "part_dans_aire": share,
                "origine": ORIGINS[0] if len(documented) else ORIGINS[1],
                "documentees": " ; ".join(sorted(documented["nom"])),
                "groupements": " ; ".join(
                    sorted(f"{nom} ({type_label(kind)})" for nom, kind in zip(registers["nom"], registers["type"]))
                ),
                "n": len(linked),
            }
        )
    partners = pd.DataFrame(rows, columns=PARTNER_COLUMNS)
    partners = (
        partners.assign(_d=partners["origine"].map(ORIGINS.index), _o=partners["position"].map(POSITIONS.index))
        .sort_values(["_d", "_o", "n", "nom"], ascending=[True, True, False, True])
        .drop(columns=["_d", "_o"])
        .reset_index(drop=True)
    )

    linked_epci = set(epci_members["code"])
    linked_coops = set(members.loc[members["coop_id"].isin(own) & (members["kind"] == "coop"), "code"])
    candidates = []
    if len(aire):
        outline = aire.geometry.union_all()
        near = geo.epci[geo.epci.geometry.intersects(outline.buffer(0.01))].index
        groupings = coops[coops["type"].isin(CANDIDATE_TYPES)]
        direct = members[(members["kind"] == "epci") & members["via"].isna()]
        direct = direct[direct["coop_id"].isin(groupings.index)]
        epci_of = direct.groupby("coop_id")["code"].agg(set)
        for cid, row in groupings.iterrows():
            if cid in own or cid in linked_coops:
                continue
            their = epci_of.get(cid, set())
            if not their or their & linked_epci or siren in their:
                continue
            positions = [position(e)[0] for e in their]
            if any(p in ("pôle", "couronne") for p in positions):
                where = "couronne"
            elif their & set(near):
                where = "frange de l'aire"
            else:
                continue
            candidates.append(
                {
                    "coop_id": cid,
                    "nom": row["nom"],
                    "type": row["type"],
                    "position": where,
                    "provenance": row["provenance"],
                    "epci": len(their),
                }
            )
    candidates = pd.DataFrame(candidates, columns=["coop_id", "nom", "type", "position", "provenance", "epci"])
    candidates = candidates.sort_values(["position", "nom"]).reset_index(drop=True)
    return CityAlliances(
        siren=siren,
        nom=geo.epci.at[siren, "nom"],
        aav=aav,
        aav_nom=aav_nom,
        partners=partners,
        candidates=candidates,
        aire=aire,
    )
