"""Territory search (accents optional, typos tolerated) and profiles: what a territory
cooperates on, with whom, directly or through its groupings, compared with similar ones."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from alliance.analysis.filters import fold
from alliance.data.catalogue import Catalogue, parse_ref
from alliance.data.geodata import EPCI_TYPE_LABELS, GeoData
from alliance.paths import DATA_DIR, GEODATA_DIR

KIND_LABELS = {"com": "Commune", "epci": "EPCI", "coop": "Groupement", "dep": "Département", "reg": "Région"}
PEER_BAND = 0.30  # peers: same EPCI type, population within ±30 %


@dataclass(frozen=True)
class Match:
    ref: str  # epci:…, com:…, coop:…, dep:…, reg:…
    label: str  # what the user reads
    score: float


class TerritorySearch:
    """Search over communes, EPCI, groupings of the catalogue, départements and régions."""

    def __init__(self, catalogue: Catalogue, geo: GeoData):
        refs: list[str] = []
        texts: list[str] = []
        labels: list[str] = []

        def add(ref_list, text_list, label_list):
            refs.extend(ref_list)
            texts.extend(text_list)
            labels.extend(label_list)

        com = geo.communes
        epci_of = com["siren_epci"].map(geo.epci["nom"]).fillna("sans EPCI")
        dep_of = com["departement"].map(geo.departements["nom"]).fillna("")
        add(
            [f"com:{c}" for c in com.index],
            [f"{n} {c}" for n, c in zip(com["nom"], com.index)],
            [
                f"{n} — {d} ({dc}) · commune {c}, {e}"
                for n, d, dc, c, e in zip(com["nom"], dep_of, com["departement"], com.index, epci_of)
            ],
        )
        ep = geo.epci
        kinds = ep["type"].map(EPCI_TYPE_LABELS)
        add(
            [f"epci:{s}" for s in ep.index],
            [f"{n} {s}" for n, s in zip(ep["nom"], ep.index)],
            [f"{n} ({k}, SIREN {s})" for n, k, s in zip(ep["nom"], kinds, ep.index)],
        )
        zone = catalogue.cooperations[catalogue.cooperations["type"].map(catalogue.vocab.forme) == "zone"]
        add(
            [f"coop:{c}" for c in zone.index],
            list(zone["nom"]),
            [f"{n} ({catalogue.vocab['type'].label(t)})" for n, t in zip(zone["nom"], zone["type"])],
        )
        dep = geo.departements
        add(
            [f"dep:{c}" for c in dep.index],
            [f"{n} {c}" for n, c in zip(dep["nom"], dep.index)],
            [f"{n} (département {c})" for n, c in zip(dep["nom"], dep.index)],
        )
        reg = geo.regions
        add([f"reg:{c}" for c in reg.index], list(reg["nom"]), [f"{n} (région)" for n in reg["nom"]])
        self.refs = refs
        self.texts = [fold(t) for t in texts]
        self.labels = dict(zip(refs, labels))
        self._codes = {r.split(":", 1)[1]: i for i, r in enumerate(refs) if not r.startswith("coop:")}
        # Ties are broken towards the bigger territory: groupings, EPCI, then communes, and
        # homonyms by population (Saint-Omer, Pas-de-Calais, before the Calvados village).
        self._rank = {"coop": 0, "reg": 1, "dep": 2, "epci": 3, "com": 4}
        population = {f"com:{c}": p for c, p in zip(com.index, com["population"])}
        population |= {f"epci:{s}": p for s, p in zip(ep.index, ep["population"])}
        self._population = [int(population.get(r, 0)) for r in refs]

    def search(self, query: str, limit: int = 10) -> list[Match]:
        q = fold(query.strip())
        if len(q) < 2:
            return []
        exact_code = [self._codes[query.strip()]] if query.strip() in self._codes else []
        found = process.extract(q, self.texts, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60)
        scored = {i: s for _, s, i in found}
        for i, text in enumerate(self.texts):  # every name containing the query, even long ones
            if q in text:
                scored[i] = max(scored.get(i, 0), 95 + (5 if text.startswith(q) else 0))
        for i in exact_code:
            scored[i] = 101
        order = sorted(
            scored,
            key=lambda i: (-scored[i], self._rank[self.refs[i].split(":")[0]], -self._population[i], self.texts[i]),
        )
        return [Match(self.refs[i], self.labels[self.refs[i]], float(scored[i])) for i in order[:limit]]


@dataclass(frozen=True)
class Profile:
    ref: str  # the territory profiled
    nom: str
    identity: dict[str, str]
    groupings: pd.DataFrame  # coop_id, nom, type: zone cooperations it belongs to directly
    cooperations: pd.DataFrame  # coop_id, nom, type, themes, how ("directe" or "via <groupement>")
    partners: pd.DataFrame  # ref, nom, kind, n (shared cooperations)
    note: str = ""
    epci_groupings: pd.DataFrame | None = None  # a commune: the zone cooperations its EPCI belongs to


def commune_note(code: str, geo: GeoData) -> str:
    """How a commune takes part in cooperations (through its EPCI, mostly), in French."""
    row = geo.communes.loc[code]
    if row["siren_epci"]:
        return (
            f"La commune {row['nom']} coopère surtout à travers son EPCI, {geo.epci.at[row['siren_epci'], 'nom']} : "
            "les groupements et contrats de l'EPCI la couvrent (dits « via son EPCI » ci-dessous)."
        )
    return f"La commune {row['nom']} n'appartient à aucun EPCI."


def territory_name(ref: str, catalogue: Catalogue, geo: GeoData) -> str:
    parsed = parse_ref(ref)
    return geo.name(parsed.kind, parsed.code) or str(catalogue.cooperations.at[parsed.code, "nom"])


def _identity(ref: str, catalogue: Catalogue, geo: GeoData) -> dict[str, str]:
    from alliance.fmt import fmt_int

    kind, code = ref.split(":", 1)
    if kind == "epci":
        row = geo.epci.loc[code]
        deps = [f"{geo.departements.at[d, 'nom']} ({d})" for d in row["departements"].split(";")]
        return {
            "Type": EPCI_TYPE_LABELS.get(row["type"], row["type"]),
            "SIREN": code,
            "Population": fmt_int(row["population"]),
            "Communes": fmt_int(row["n_communes"]),
            "Département(s)": ", ".join(deps),
            "Région": geo.regions.at[row["region"], "nom"],
        }
    if kind == "com":
        row = geo.communes.loc[code]
        identity = {
            "Type": "Commune",
            "Code INSEE": code,
            "Population": fmt_int(row["population"]),
            "Département": f"{geo.departements.at[row['departement'], 'nom']} ({row['departement']})",
            "Région": geo.regions.at[row["region"], "nom"],
        }
        if row["siren_epci"]:
            epci = geo.epci.loc[row["siren_epci"]]
            identity["EPCI"] = f"{epci['nom']} ({EPCI_TYPE_LABELS.get(epci['type'], epci['type'])})"
        return identity
    if kind == "coop":
        row = catalogue.cooperations.loc[code]
        members = catalogue.members_of(code, direct=True)
        return {"Type": catalogue.vocab["type"].label(row["type"]), "Membres": fmt_int(len(members))}
    if kind == "dep":
        row = geo.departements.loc[code]
        pop = geo.communes.loc[geo.communes["departement"] == code, "population"].sum()
        return {
            "Type": "Département",
            "Code": code,
            "Population": fmt_int(pop),
            "Région": geo.regions.at[row["region"], "nom"],
        }
    pop = geo.communes.loc[geo.communes["region"] == code, "population"].sum()
    return {"Type": "Région", "Code": code, "Population": fmt_int(pop)}


@dataclass(frozen=True)
class Zonages:
    """Study zones and contracts of communes and EPCI (geodata/zonages_communes.csv,
    data/registres/crte_par_epci.csv), read-only."""

    communes: pd.DataFrame  # index code: aav, aav_nom, aav_categorie, ze, ze_nom, bv, bv_nom
    crte: pd.DataFrame  # index siren: id_crte, nom, signataires


def load_zonages(geodata_dir: Path = GEODATA_DIR, data_dir: Path = DATA_DIR) -> Zonages:
    communes = pd.read_csv(geodata_dir / "zonages_communes.csv", dtype=str, keep_default_na=False).set_index("code")
    crte = pd.read_csv(data_dir / "registres" / "crte_par_epci.csv", dtype=str, keep_default_na=False).set_index(
        "siren"
    )
    return Zonages(communes=communes, crte=crte)


def zonage_lines(ref: str, geo: GeoData, zonages: Zonages) -> dict[str, str]:
    """Aire d'attraction des villes (and category), zone d'emploi, bassin de vie and CRTE of a
    commune or an EPCI (for an EPCI: the zone holding most of its population, with the share)."""
    from alliance.fmt import fmt_int, fmt_pct

    kind, code = ref.split(":", 1)
    if kind == "com":
        if code not in zonages.communes.index:
            return {}
        z = zonages.communes.loc[code]
        lines = {
            "Aire d'attraction des villes": f"{z['aav_nom']} ({z['aav_categorie']})"
            if z["aav_nom"]
            else "hors attraction des villes",
            "Zone d'emploi": z["ze_nom"],
            "Bassin de vie": z["bv_nom"],
        }
        epci = geo.communes.at[code, "siren_epci"]
    elif kind == "epci":
        communes = geo.communes[geo.communes["siren_epci"] == code][["population"]].join(zonages.communes, how="inner")
        total = communes["population"].sum() or 1
        lines = {}
        for label, column, name in (
            ("Aire d'attraction des villes", "aav", "aav_nom"),
            ("Zone d'emploi", "ze", "ze_nom"),
            ("Bassin de vie", "bv", "bv_nom"),
        ):
            share = communes.groupby([column, name])["population"].sum().sort_values(ascending=False)
            if share.empty:
                continue
            (_, zone_name), population = share.index[0], share.iloc[0]
            zone_name = zone_name or "hors attraction des villes"
            lines[label] = f"{zone_name} ({fmt_pct(100 * population / total)} de sa population)"
        lines["Communes en couronne d'une aire"] = fmt_int(int((communes["aav_categorie"] == "couronne").sum()))
        epci = code
    else:
        return {}
    if epci in zonages.crte.index:
        crte = zonages.crte.loc[epci]
        label = "CRTE de son EPCI" if kind == "com" else "CRTE"
        how = ["signé avec d'autres EPCI"] if crte["signataires"] == "pluri" else []
        if crte.get("par"):  # the EPCI did not sign itself: (nearly) all its communes did
            how.append(f"par {crte['par']} signataires")
        lines[label] = crte["nom"] + (f" ({' ; '.join(how)})" if how else "")
    return lines


def build_profile(ref: str, catalogue: Catalogue, geo: GeoData, places: pd.DataFrame | None = None) -> Profile:
    """Everything the Territoire page shows about `ref` (`places` from the filter index, for
    départements and régions: cooperations that touch them)."""
    coops, members = catalogue.cooperations, catalogue.members
    kind, code = ref.split(":", 1)
    note = commune_note(code, geo) if kind == "com" else ""
    own_epci = (
        f"epci:{geo.communes.at[code, 'siren_epci']}" if kind == "com" and geo.communes.at[code, "siren_epci"] else ""
    )
    if kind in ("dep", "reg") and places is not None:
        column = "dep" if kind == "dep" else "region"
        ids = sorted(set(places.loc[places[column] == code, "coop_id"]))
        how = pd.Series("sur son territoire", index=ids)
    else:
        rows = members[members["ref"] == ref]
        how = {}
        for r in rows.itertuples():
            text = "directe" if pd.isna(r.via) else f"via {coops.at[r.via, 'nom']}"
            if how.get(r.coop_id) != "directe":
                how[r.coop_id] = text
        if kind == "com" and geo.communes.at[code, "siren_epci"]:
            # A commune takes part in what its EPCI is a member of (PETR, CRTE, pôle…).
            epci = geo.communes.at[code, "siren_epci"]
            for coop_id in members.loc[members["ref"] == f"epci:{epci}", "coop_id"]:
                how.setdefault(coop_id, f"via son EPCI, {geo.epci.at[epci, 'nom']}")
        ids = sorted(how)
        how = pd.Series(how, dtype=object)
    zone = coops["type"].map(catalogue.vocab.forme) == "zone"
    direct_ids = [c for c in ids if how.get(c) == "directe"]
    groupings = coops.loc[[c for c in direct_ids if zone[c]], ["id", "nom", "type"]].rename(columns={"id": "coop_id"})
    table = coops.loc[ids, ["id", "nom", "type", "themes"]].rename(columns={"id": "coop_id"}).copy()
    table["appartenance"] = [how.get(c, "") for c in ids]
    others = members[members["coop_id"].isin(ids) & members["via"].isna() & ~members["ref"].isin([ref, own_epci])]
    others = others[~others["ref"].isin([f"coop:{g}" for g in groupings["coop_id"]])]
    partners = (
        others.groupby(["ref", "nom", "kind"])["coop_id"]
        .nunique()
        .rename("n")
        .reset_index()
        .sort_values(["n", "nom"], ascending=[False, True])
        .reset_index(drop=True)
    )
    epci_groupings = None
    if own_epci:
        via_epci = [c for c in ids if str(how.get(c, "")).startswith("via son EPCI") and zone[c]]
        epci_groupings = coops.loc[via_epci, ["id", "nom", "type"]].rename(columns={"id": "coop_id"})
        epci_groupings = epci_groupings.reset_index(drop=True)
    return Profile(
        ref=ref,
        nom=territory_name(ref, catalogue, geo),
        identity=_identity(ref, catalogue, geo),
        groupings=groupings.reset_index(drop=True),
        cooperations=table.reset_index(drop=True),
        partners=partners,
        note=note,
        epci_groupings=epci_groupings,
    )


def population_band(population: int, width: float = PEER_BAND) -> tuple[int, int]:
    """Populations within ±`width` of `population` (a real band around the territory, not a
    fixed class: Toulouse is not compared with the Métropole du Grand Paris)."""
    return int(population * (1 - width)), int(population * (1 + width)) + 1


def similar_epci(siren: str, catalogue: Catalogue, geo: GeoData) -> pd.DataFrame:
    """EPCI of the same type and population within ±30 %: cooperations (direct or via a
    grouping) of each, and their rank (1 = most cooperations; ties share a rank)."""
    row = geo.epci.loc[siren]
    lo, hi = population_band(int(row["population"]))
    peers = geo.epci[(geo.epci["type"] == row["type"]) & geo.epci["population"].between(lo, hi - 1)]
    m = catalogue.members[catalogue.members["kind"] == "epci"]
    counts = m.groupby("code")["coop_id"].nunique()
    out = pd.DataFrame({"siren": peers.index, "nom": peers["nom"].values, "population": peers["population"].values})
    out["cooperations"] = out["siren"].map(counts).fillna(0).astype(int)
    out["est_le_territoire"] = out["siren"] == siren
    out = out.sort_values(["cooperations", "population"], ascending=False).reset_index(drop=True)
    out["rang"] = out["cooperations"].rank(method="min", ascending=False).astype(int)
    return out


def themes_of(catalogue: Catalogue, ids) -> pd.Series:
    """Theme counts over cooperations `ids` (a cooperation counts once per theme)."""
    themes = catalogue.cooperations.loc[list(ids), "themes"].explode().dropna()
    return themes.value_counts()
