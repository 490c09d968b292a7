"""Territory search, membership resolution (direct vs through a grouping), network metrics."""

import networkx as nx
import pandas as pd
import pytest

from alliance.analysis.filters import build_filter_index
from alliance.analysis.network import build_graph, rankings, systems
from alliance.analysis.territory import TerritorySearch, build_profile, population_band, similar_epci
from alliance.data.catalogue import COLUMNS, build_catalogue


@pytest.fixture(scope="module")
def search(catalogue, geo):
    return TerritorySearch(catalogue, geo)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Brest", "epci:242900314"),
        ("brest metropole", "epci:242900314"),
        ("BREST MÉTROPOLE", "epci:242900314"),
        ("Brest Metrople", "epci:242900314"),  # typo
        ("242900314", "epci:242900314"),  # SIREN
        ("29019", "com:29019"),  # INSEE code
        ("Finistere", "dep:29"),  # accents optional
        ("occitanie", "reg:76"),
        ("portes de gascogne", "coop:petr-portes-de-gascogne"),
        ("Quimpr", "com:29232"),  # partial, typo
    ],
)
def test_search(search, query, expected):
    refs = [m.ref for m in search.search(query, limit=5)]
    assert expected in refs[:3], refs


def test_search_too_short_or_unknown(search):
    assert search.search("b") == []
    assert search.search("zzzzqqqxxx") == []


@pytest.mark.parametrize(
    "query, first, label",
    [
        ("Saint-Omer", "com:62765", "Saint-Omer — Pas-de-Calais (62)"),
        ("Valence", "com:26362", "Valence — Drôme (26)"),
        ("Saint-Denis", "com:97411", "Saint-Denis — La Réunion (974)"),
    ],
)
def test_homonyms_are_ranked_by_population_and_named_with_their_departement(search, query, first, label):
    communes = [m for m in search.search(query, limit=12) if m.ref.startswith("com:")]
    assert communes[0].ref == first and communes[0].label.startswith(label), communes[:3]
    assert len({m.label.split(" · ")[0] for m in communes}) == len(communes)  # each says where it is


def test_a_commune_profile_is_the_communes_own(catalogue, geo):
    from alliance.analysis.territory import load_zonages, zonage_lines

    profile = build_profile("com:62765", catalogue, geo)  # Saint-Omer, Pas-de-Calais
    assert profile.ref == "com:62765" and profile.nom == "Saint-Omer"
    assert profile.identity["EPCI"].startswith("CA du Pays de Saint-Omer")
    assert profile.identity["Département"] == "Pas-de-Calais (62)"
    assert "via son EPCI" in profile.note
    assert profile.epci_groupings is not None and len(profile.epci_groupings)
    assert set(profile.cooperations["appartenance"]) <= {"directe"} | {
        a for a in profile.cooperations["appartenance"] if a.startswith("via ")
    }
    assert f"epci:{geo.communes.at['62765', 'siren_epci']}" not in set(profile.partners["ref"])
    lines = zonage_lines("com:62765", geo, load_zonages())
    assert "de sa population" not in " ".join(lines.values())  # the commune's own zones, not shares of its EPCI
    assert lines["Aire d'attraction des villes"].startswith("Saint-Omer (")


def test_an_epci_whose_communes_signed_a_crte_is_in_it_and_says_so(catalogue, geo):
    """Issue 31, item 5: 18 of the 19 communes of CC du Pays d'Iroise signed the Brest CRTE, 13 of
    the 14 of Haut-Léon Communauté the Morlaix one; the EPCI showed no CRTE."""
    from alliance.analysis.territory import load_zonages, zonage_lines

    for siren, crte, signed in (("242900074", "crte-53-29-2", "18 de ses 19 communes"),
                                ("200067072", "crte-53-29-3", "13 de ses 14 communes")):  # fmt: skip
        assert f"epci:{siren}" in catalogue.cooperations.at[crte, "membres"]
        assert signed in catalogue.cooperations.at[crte, "description"]
        assert signed in zonage_lines(f"epci:{siren}", geo, load_zonages())["CRTE"]
        assert crte in set(build_profile(f"epci:{siren}", catalogue, geo).cooperations["coop_id"])


def test_brest_profile_direct_and_via(catalogue, geo):
    p = build_profile("epci:242900314", catalogue, geo)
    how = dict(zip(p.cooperations["coop_id"], p.cooperations["appartenance"]))
    assert how["cr-brest-cob"] == "directe"
    assert how["tepcv-pays-de-brest"] == "via Pôle métropolitain du Pays de Brest"
    documented = p.groupings[p.groupings["coop_id"].map(catalogue.cooperations["provenance"]) == "documentee"]
    assert set(documented["coop_id"]) == {"pm-pays-de-brest", "pm-loire-bretagne"}
    # The national registers add Brest's CRTE and Territoire d'industrie (none named by the seeds).
    assert {"crte-53-29-2", "ti-5304"} <= set(p.groupings["coop_id"])
    assert {"entente-brest-quimper", "entente-brest-lannion-morlaix"} <= set(how)
    assert "epci:200068120" in set(p.partners["ref"])  # Quimper
    assert "coop:pm-pays-de-brest" not in set(p.partners["ref"])


def test_member_of_a_petr_reaches_the_contract(catalogue, geo):
    p = build_profile("epci:243200391", catalogue, geo)  # CC de la Lomagne Gersoise
    how = dict(zip(p.cooperations["coop_id"], p.cooperations["appartenance"]))
    assert how["petr-portes-de-gascogne"] == "directe"
    assert how["cr-toulouse-portes-de-gascogne"] == "via PETR Pays Portes de Gascogne"


def test_departement_profile_and_empty_state(catalogue, geo):
    places = build_filter_index(catalogue, geo).places
    assert "cr-brest-cob" in set(build_profile("dep:29", catalogue, geo, places).cooperations["coop_id"])
    members = set(catalogue.members.loc[catalogue.members["kind"] == "epci", "code"])
    alone = next(siren for siren in geo.epci.index if siren not in members)
    empty = build_profile(f"epci:{alone}", catalogue, geo, places)
    assert empty.cooperations.empty and empty.partners.empty


def test_similar_epci(catalogue, geo):
    peers = similar_epci("242900314", catalogue, geo)
    assert set(geo.epci.loc[peers["siren"], "type"]) == {"METRO"}
    assert peers["population"].between(*population_band(213403)).all()
    # 10 documented cooperations, plus its CRTE, Territoire d'industrie and PNR from the registers
    assert peers.loc[peers["est_le_territoire"], "cooperations"].iloc[0] == 13


def small_catalogue(vocab, geo):
    def row(i, membres, type_="convention"):
        r = {c: "" for c in COLUMNS}
        r.update(id=i, nom=i, type=type_, membres=membres, statut="active", source="s", citation="c")
        return r

    A, B, C, D, E = "epci:242900314", "epci:200068120", "epci:242900835", "epci:200065928", "epci:244400404"
    rows = [row("ab", f"{A};{B}"), row("ab2", f"{A};{B}"), row("bc", f"{B};{C}"), row("de", f"{D};{E}")]
    return build_catalogue(pd.DataFrame(rows), vocab, geo), (A, B, C, D, E)


def test_graph_metrics_known_answers(vocab, geo):
    cat, (A, B, C, D, E) = small_catalogue(vocab, geo)
    graph = build_graph(cat, cat.cooperations.index)
    assert graph[A][B]["weight"] == 2 and graph[B][C]["weight"] == 1
    ranks = rankings(graph).set_index("ref")
    assert ranks.at[B, "degre"] == 2 and ranks.at[B, "degre_pondere"] == 3
    assert ranks.at[B, "intermediarite"] == pytest.approx(nx.betweenness_centrality(graph)[B]) == pytest.approx(1 / 6)
    assert ranks.at[A, "intermediarite"] == 0
    assert ranks.at[A, "systeme"] == ranks.at[C, "systeme"] != ranks.at[D, "systeme"]
    sys_table = systems(graph)
    assert sys_table["territoires"].tolist() == [3, 2]


def test_graph_follows_filtered_ids(catalogue):
    mobility = [c for c, t in catalogue.cooperations["themes"].items() if "mobilites" in t]
    g = build_graph(catalogue, mobility)
    assert "epci:243100518" in g  # Toulouse (dialogue métropolitain)
    assert "epci:200067106" not in g  # Pays basque: Eusko is not about mobility


def test_peers_are_within_thirty_percent_and_ranked(catalogue, geo):
    peers = similar_epci("243100518", catalogue, geo)  # Toulouse Métropole
    population = geo.epci.at["243100518", "population"]
    assert "200054781" not in set(peers["siren"])  # not the Métropole du Grand Paris any more
    assert peers["population"].between(0.7 * population, 1.3 * population + 1).all()
    me = peers[peers["est_le_territoire"]].iloc[0]
    assert me["rang"] == 1 + int((peers["cooperations"] > me["cooperations"]).sum())
    small = similar_epci("200066553", catalogue, geo)  # CC of the Monts de Lacaune (seed 001's contract)
    assert 0 < len(small) < 300  # was 527 with fixed population classes


def test_a_big_grouping_weighs_one_cooperation_per_member(vocab, geo):
    """Newman's weighting: a 6-member cooperation adds 1/5 per pair, so each member's weighted
    degree grows by exactly 1, as for a bilateral cooperation."""

    def row(i, membres):
        r = {c: "" for c in COLUMNS}
        r.update(id=i, nom=i, type="convention", membres=membres, statut="active", source="s", citation="c")
        return r

    six = ["epci:242900314", "epci:200068120", "epci:242900835", "epci:200065928", "epci:244400404", "epci:243500139"]
    cat = build_catalogue(pd.DataFrame([row("big", ";".join(six)), row("pair", f"{six[0]};{six[1]}")]), vocab, geo)
    graph = build_graph(cat, cat.cooperations.index)
    ranks = rankings(graph).set_index("ref")
    assert ranks.at[six[2], "degre_pondere"] == pytest.approx(1.0)
    assert ranks.at[six[0], "degre_pondere"] == pytest.approx(2.0)
    assert graph[six[0]][six[1]]["shared"] == 2
    assert ranks.at[six[0], "rang"] == 1 and ranks["percentile"].max() == 100


def test_national_network_is_ranked_by_epci_and_not_owed_to_one_cooperation(catalogue, geo):
    graph = build_graph(
        catalogue, catalogue.cooperations.index, "epci", geo.communes["siren_epci"].to_dict(), geo.epci["nom"].to_dict()
    )
    top = rankings(graph).head(20)
    assert set(top["kind"]) == {"epci"}
    assert "epci:244400404" in set(top.head(3)["ref"])  # Nantes Métropole
    # no commune of the Val-de-Marne (one single cooperation) among the top ranks any more
    assert not any(str(r).startswith("com:94") for r in top["ref"])


def test_communes_epci_as_the_geodata_series_or_a_dict_give_the_same_network(catalogue, geo):
    """The app maps the members' communes with `GeoData.communes["siren_epci"]` itself (a Series,
    mapped by index); a plain dict of the same codes gives the same graph."""

    def edges(graph):
        return sorted(
            (a, b, round(d["weight"], 9), d["shared"], tuple(d["cooperations"])) for a, b, d in graph.edges(data=True)
        )

    series = geo.communes["siren_epci"]
    by_series = build_graph(catalogue, catalogue.cooperations.index, "epci", series)
    by_dict = build_graph(catalogue, catalogue.cooperations.index, "epci", series.to_dict())
    assert sorted(by_series.nodes(data=True)) == sorted(by_dict.nodes(data=True))
    assert edges(by_series) == edges(by_dict)
    assert any(r.startswith("epci:") for r in by_series) and len(edges(by_series)) > 100
    assert len(build_graph(catalogue, catalogue.cooperations.index, "epci", None)) < len(by_series)


def test_every_cooperation_under_a_point_smallest_first(catalogue, geo):
    """At Saint-Pol-sur-Ternoise the CRTE de l'Arrageois is drawn over the PETR Ternois-7
    vallées: both are under the point, the smaller perimeter first."""
    from alliance.analysis.details import cooperations_at

    town = geo.communes.loc["62767"]
    hits = cooperations_at(catalogue, catalogue.cooperations.index, town["lon"], town["lat"])
    assert hits[:2] == ["petr-200075679", "crte-32-62-1"], hits
    assert cooperations_at(catalogue, ["crte-32-62-1"], town["lon"], town["lat"]) == ["crte-32-62-1"]
    assert cooperations_at(catalogue, catalogue.cooperations.index, -30.0, 10.0) == []  # the ocean


def test_a_commune_finds_the_cooperations_of_its_epci_and_says_how(catalogue, geo):
    from alliance.analysis.details import how_it_takes_part
    from alliance.analysis.filters import Filters, apply_filters

    index = build_filter_index(catalogue, geo)
    found = set(apply_filters(catalogue, index, Filters(texte="Saint-Pol-sur-Ternoise")))
    assert {"petr-200075679", "crte-32-62-1"} <= found
    assert how_it_takes_part(catalogue, geo, "petr-200075679", "com:62767") == "via son EPCI, CC du Ternois"
    assert how_it_takes_part(catalogue, geo, "cr-brest-cob", "epci:242900314") == "membre direct"
    assert how_it_takes_part(catalogue, geo, "cr-brest-cob", "dep:29") == "sur son territoire"
    assert how_it_takes_part(catalogue, geo, "cr-brest-cob", "com:62767") is None
    assert len(apply_filters(catalogue, index, Filters(texte="Pas-de-Calais"))) > 5  # a département's name
