"""The network of territories: nodes are EPCI, groupings and external partners; two nodes are
linked when they take part in the same cooperation (weight = shared cooperations)."""
from __future__ import annotations

from itertools import combinations

import networkx as nx
import pandas as pd

from .catalogue import Catalogue

NODE_KINDS = ("epci", "coop", "ext", "com", "dep", "reg")


def build_graph(catalogue: Catalogue, ids) -> nx.Graph:
    """Graph of the direct members of the cooperations `ids`."""
    graph = nx.Graph()
    members = catalogue.members
    direct = members[members["coop_id"].isin(list(ids)) & members["via"].isna()]
    for coop_id, group in direct.groupby("coop_id", sort=True):
        refs = sorted(set(group["ref"]))
        for r in group.itertuples():
            graph.add_node(r.ref, nom=r.nom, kind=r.kind)
        for a, b in combinations(refs, 2):
            if graph.has_edge(a, b):
                graph[a][b]["weight"] += 1
                graph[a][b]["cooperations"].append(coop_id)
            else:
                graph.add_edge(a, b, weight=1, cooperations=[coop_id])
    return graph


def rankings(graph: nx.Graph) -> pd.DataFrame:
    """Per node: degree, weighted degree, betweenness (normalised), component number."""
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=["ref", "nom", "kind", "degre", "degre_pondere", "intermediarite", "systeme"])
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    component_of = {node: i + 1 for i, comp in enumerate(components) for node in comp}
    rows = [{"ref": n, "nom": d.get("nom", n), "kind": d.get("kind", ""), "degre": graph.degree(n),
             "degre_pondere": graph.degree(n, weight="weight"), "intermediarite": betweenness[n],
             "systeme": component_of[n]} for n, d in graph.nodes(data=True)]
    return (pd.DataFrame(rows).sort_values(["degre_pondere", "degre", "nom"], ascending=[False, False, True])
            .reset_index(drop=True))


def systems(graph: nx.Graph) -> pd.DataFrame:
    """Connected components ("systèmes" of cooperation), biggest first."""
    comps = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    rows = []
    for i, comp in enumerate(comps, start=1):
        names = sorted(graph.nodes[n].get("nom", n) for n in comp)
        sub = graph.subgraph(comp)
        rows.append({"systeme": i, "territoires": len(comp), "liens": sub.number_of_edges(),
                     "exemples": ", ".join(names[:5]) + ("…" if len(names) > 5 else "")})
    return pd.DataFrame(rows, columns=["systeme", "territoires", "liens", "exemples"])
