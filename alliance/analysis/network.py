"""The network of territories, at national scale.

Nodes are territories of ONE level at a time — EPCI (default: a commune member counts for its
EPCI), communes, or groupings and partners without a French code — and two nodes are linked when
they take part in the same cooperation. Each cooperation with n nodes at that level adds
1/(n−1) to each of its pairs (bipartite projection, Newman's weighting): a node's weighted
degree grows by exactly 1 per cooperation, so a 300-member grouping does not outweigh many
bilateral ones. `shared` still counts cooperations per pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import TypeAlias

import networkx as nx
import pandas as pd

from alliance.data.catalogue import Catalogue
from alliance.fmt import french_key

CommuneEpci: TypeAlias = "Mapping[str, str] | pd.Series"  # commune code -> SIREN of its EPCI
LEVELS = {"epci": "EPCI", "com": "Communes", "coop": "Groupements et partenaires hors code officiel"}
# Which rows make the network: documented alliances and institutional groupings are read apart
# or together (the registers' groupings dominate any ranking they are part of).
SOURCES = {
    "toutes": "Les deux",
    "documentees": "Coopérations documentées",
    "registres": "Groupements des registres",
}
EXACT_BETWEENNESS_MAX_NODES = 400  # above, betweenness is estimated from a fixed sample of sources
BETWEENNESS_SAMPLE = 200


def of_source(coops: pd.DataFrame, ids, source: str) -> list[str]:
    """The cooperations of `ids` a network `source` (key of SOURCES) is made of: documented rows
    (seeds and validated contributions), register rows, or both."""
    ids = list(ids)
    if source == "toutes" or not ids:
        return ids
    from_registers = (coops.loc[ids, "provenance"] == "registre").to_numpy()
    keep = from_registers if source == "registres" else ~from_registers
    return [cid for cid, kept in zip(ids, keep) if kept]


def _node_members(catalogue: Catalogue, ids, level: str, epci_of_commune: CommuneEpci | None):
    """(coop_id, node ref, name, kind) of every member of `ids` at `level` (members reached
    through a grouping included, so that a contract with a PETR links its member EPCI)."""
    members = catalogue.members_of(ids)
    if level == "epci":
        epci = members[members["kind"] == "epci"][["coop_id", "ref", "nom", "kind"]]
        if epci_of_commune is not None and len(epci_of_commune):
            com = members[members["kind"] == "com"]
            mapped = com.assign(code=com["code"].map(epci_of_commune)).dropna(subset=["code"])
            mapped = mapped[mapped["code"] != ""]
            epci = pd.concat(
                [
                    epci,
                    pd.DataFrame(
                        {"coop_id": mapped["coop_id"], "ref": "epci:" + mapped["code"], "nom": None, "kind": "epci"}
                    ),
                ]
            )
        return epci
    if level == "com":
        return members[members["kind"] == "com"][["coop_id", "ref", "nom", "kind"]]
    direct = members[members["via"].isna() & members["kind"].isin(["coop", "ext", "dep", "reg"])]
    return direct[["coop_id", "ref", "nom", "kind"]]


def build_graph(
    catalogue: Catalogue,
    ids,
    level: str = "epci",
    epci_of_commune: CommuneEpci | None = None,
    epci_names: dict[str, str] | None = None,
) -> nx.Graph:
    """Weighted graph of the members of the cooperations `ids` at one level (see module doc).
    `epci_of_commune`: the SIREN of each commune's EPCI, by commune code (a Series, such as
    `GeoData.communes["siren_epci"]`, is mapped by index instead of being rebuilt from a dict)."""
    graph = nx.Graph()
    rows = _node_members(catalogue, ids, level, epci_of_commune).drop_duplicates(["coop_id", "ref"])
    names = {r.ref: r.nom for r in rows.itertuples() if isinstance(r.nom, str)}
    for coop_id, group in rows.groupby("coop_id", sort=True):
        refs = sorted(set(group["ref"]))
        for ref in refs:
            if ref not in graph:
                name = names.get(ref) or (epci_names or {}).get(ref.partition(":")[2], ref)
                graph.add_node(ref, nom=name, kind=ref.partition(":")[0])
        if len(refs) < 2:
            continue
        share = 1.0 / (len(refs) - 1)
        for a, b in combinations(refs, 2):
            if graph.has_edge(a, b):
                edge = graph[a][b]
                edge["weight"] += share
                edge["shared"] += 1
                edge["cooperations"].append(coop_id)
            else:
                graph.add_edge(a, b, weight=share, shared=1, cooperations=[coop_id])
    return graph


def rankings(
    graph: nx.Graph,
    provenance: Mapping[str, str] | pd.Series | None = None,
    region_of: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per node: degree (partners), weighted degree (≈ cooperations), betweenness (normalised;
    estimated from a fixed sample above EXACT_BETWEENNESS_MAX_NODES nodes), its rank and
    percentile, and the component (système) it belongs to. With `provenance` (coop id ->
    provenance): how many of its cooperations are documented (the rest come from the registers).
    With `region_of` (node -> région code): its région and its rank within it."""
    columns = [
        "ref",
        "nom",
        "kind",
        "degre",
        "degre_pondere",
        "cooperations",
        "documentees",
        "intermediarite",
        "rang",
        "percentile",
        "systeme",
        "region",
        "rang_region",
    ]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns)
    if graph.number_of_nodes() <= EXACT_BETWEENNESS_MAX_NODES:
        betweenness = nx.betweenness_centrality(graph, normalized=True)
    else:
        betweenness = nx.betweenness_centrality(graph, k=BETWEENNESS_SAMPLE, normalized=True, seed=7)
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    component_of = {node: i + 1 for i, comp in enumerate(components) for node in comp}
    provenance = provenance if provenance is not None else {}
    rows = []
    for n, d in graph.nodes(data=True):
        coops = {c for _a, _b, e in graph.edges(n, data=True) for c in e["cooperations"]}
        rows.append(
            {
                "ref": n,
                "nom": d.get("nom", n),
                "kind": d.get("kind", ""),
                "degre": graph.degree(n),
                "degre_pondere": round(graph.degree(n, weight="weight"), 6),
                "cooperations": len(coops),
                "documentees": sum(1 for c in coops if provenance.get(c, "registre") != "registre"),
                "intermediarite": betweenness[n],
                "systeme": component_of[n],
                "region": (region_of or {}).get(n, ""),
            }
        )
    table = (
        pd.DataFrame(rows)
        .sort_values(["degre_pondere", "degre", "nom"], ascending=[False, False, True])
        .reset_index(drop=True)
    )
    table["rang"] = table["degre_pondere"].rank(method="min", ascending=False).astype(int)
    table["percentile"] = (100 * table["degre_pondere"].rank(method="max", pct=True)).round().astype(int)
    table["rang_region"] = table.groupby("region")["degre_pondere"].rank(method="min", ascending=False).astype(int)
    table.loc[table["region"] == "", "rang_region"] = 0
    return table[columns]


def registers_share(ranks: pd.DataFrame, top: int = 10) -> float:
    """Share (0–1) of the cooperations of the `top` ranked territories that are register rows:
    what drives the ranking."""
    head = ranks.head(top)
    total = int(head["cooperations"].sum())
    return 1 - int(head["documentees"].sum()) / total if total else 0.0


def systems(graph: nx.Graph) -> pd.DataFrame:
    """Connected components ("systèmes" of cooperation), biggest first."""
    comps = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    rows = []
    for i, comp in enumerate(comps, start=1):
        names = sorted((str(graph.nodes[n].get("nom", n)) for n in comp), key=french_key)
        sub = graph.subgraph(comp)
        rows.append(
            {
                "systeme": i,
                "territoires": len(comp),
                "liens": sub.number_of_edges(),
                "exemples": ", ".join(names[:5]) + ("…" if len(names) > 5 else ""),
            }
        )
    return pd.DataFrame(rows, columns=["systeme", "territoires", "liens", "exemples"])


RANKING_COLUMNS = {
    "rang": "Rang",
    "nom": "Territoire",
    "region_nom": "Région",
    "rang_reg": "Rang régional",
    "poids": "Poids",
    "doc": "Documentées / coopérations",
    "degre": "Partenaires",
    "pct": "Centile",
    "inter": "Intermédiarité",
    "systeme": "Système",
}


def readable_rankings(ranks: pd.DataFrame, region_names: Mapping[str, str]) -> pd.DataFrame:
    """`rankings` as the page shows them: French numbers and labels (RANKING_COLUMNS)."""
    from alliance.fmt import fmt_dec, fmt_int

    table = pd.DataFrame(
        {
            "rang": ranks["rang"],
            "nom": ranks["nom"],
            "region_nom": [region_names.get(r, "") if r else "" for r in ranks["region"]],
            "rang_reg": [fmt_int(r) if r else "" for r in ranks["rang_region"]],
            "poids": [fmt_dec(v, 1) for v in ranks["degre_pondere"]],
            "doc": [f"{fmt_int(a)} / {fmt_int(b)}" for a, b in zip(ranks["documentees"], ranks["cooperations"])],
            "degre": ranks["degre"],
            "pct": [f"{v}\u00a0e" for v in ranks["percentile"]],
            "inter": [fmt_dec(100 * v, 1) + "\u00a0%" for v in ranks["intermediarite"]],
            "systeme": ranks["systeme"],
        }
    )
    return table.rename(columns=RANKING_COLUMNS).reset_index(drop=True)
