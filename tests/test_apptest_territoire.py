"""AppTest of the Territoire and Réseau pages."""

from streamlit.testing.v1 import AppTest

from alliance.paths import ROOT


def page(path, query=None):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(path)
    return at


def test_search_brest_shows_profile():
    at = page("pages/territoire.py").run()
    assert not at.exception
    at.text_input(key="territoire_q").input("brest").run()
    assert not at.exception
    assert at.header[0].value == "Brest Métropole"
    assert at.query_params["t"] == "epci:242900314"
    text = "\n".join(m.value for m in at.markdown)
    for name in (
        "Contrat de réciprocité Brest métropole – Pays du Centre Ouest Bretagne",
        "Entente Brest – Quimper",
        "Pôle métropolitain du Pays de Brest",
    ):
        assert name.replace("-", "\\-") in text or name in text, name
    assert any("Se comparer" in s.value for s in at.subheader)


def test_saint_omer_opens_the_pas_de_calais_commune_and_its_own_profile():
    at = page("pages/territoire.py").run()
    at.text_input(key="territoire_q").input("Saint-Omer").run()
    assert not at.exception
    assert at.query_params["t"] == "com:62765"
    assert at.selectbox(key="territoire_choix").value == "com:62765"
    assert at.header[0].value.replace("\\", "") == "Saint-Omer"
    text = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "Pas-de-Calais (62)" in text
    assert "Groupements et contrats de son EPCI" in text
    assert "de sa population" not in text and "**Thèmes** : \n" not in text


def test_unknown_territory_in_url_and_empty_state(catalogue, geo):
    at = page("pages/territoire.py", {"t": "epci:000000000"}).run()
    assert any("inconnu" in w.value for w in at.warning)
    members = set(catalogue.members.loc[catalogue.members["kind"] == "epci", "code"])
    alone = next(siren for siren in geo.epci.index if siren not in members)
    at = page("pages/territoire.py", {"t": f"epci:{alone}"}).run()
    assert not at.exception
    assert any("Aucune coopération" in i.value for i in at.info)


def test_national_registers_fill_a_territory_the_seeds_never_mention():
    at = page("pages/territoire.py", {"t": "epci:200039865"}).run()  # Metz Métropole
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Pôle métropolitain" in text and "Territoire d'industrie" in text
    identity = next(m.value for m in at.markdown if "Aire d'attraction" in m.value)
    assert "Metz" in identity and "CRTE" in identity


def test_no_match():
    at = page("pages/territoire.py").run()
    at.text_input(key="territoire_q").input("zzzzqqqxxx").run()
    assert any("Aucun territoire" in i.value for i in at.info)


def test_reseau_follows_filters():
    at = page("pages/reseau.py").run()
    assert not at.exception
    all_nodes = int(next(m.value for m in at.metric if m.label == "Territoires (nœuds)").replace("\u00a0", ""))
    at = page("pages/reseau.py", {"theme": "mobilites"}).run()
    nodes = int(next(m.value for m in at.metric if m.label == "Territoires (nœuds)").replace("\u00a0", ""))
    assert 0 < nodes < all_nodes
    top = at.dataframe[0].value
    assert list(top.columns) == ["Rang", "Territoire", "Poids", "Centile", "Intermédiarité"]
    assert all("," in v or v.isdigit() for v in top["Poids"])  # French decimals
    full = at.dataframe[1].value
    assert {"Région", "Rang régional", "Documentées / coopérations"} <= set(full.columns)


def test_reseau_separates_documented_alliances_from_register_groupings():
    """Nationally, the register groupings drive a ranking that mixes both (the caption says so);
    documented alone, the West's documented hubs lead; registers alone, Lyon or Lille may; a
    region with register rows only (Hauts-de-France) ranks within the region and says why the
    documented network is empty."""
    at = page("pages/reseau.py").run()
    assert any("des groupements des registres" in c.value for c in at.caption)
    by_source = {}
    for source in ("documentees", "registres"):
        at.button_group(key="source_reseau").set_value(source).run()
        assert not at.exception
        by_source[source] = list(at.dataframe[0].value["Territoire"].head(10))
    assert "Brest Métropole" in by_source["documentees"] or "Nantes Métropole" in by_source["documentees"]
    assert by_source["documentees"] != by_source["registres"]
    at = page("pages/reseau.py", {"region": "32"}).run()
    assert not at.exception
    full = at.dataframe[1].value
    assert set(full["Région"]) <= {"Hauts-de-France", "Grand Est", "Normandie", "Île-de-France"}
    assert "1" in set(full["Rang régional"])
    at.button_group(key="source_reseau").set_value("documentees").run()
    assert not at.exception
    assert any("Choisissez « Les deux »" in i.value for i in at.info)


def test_a_reseau_filter_change_reruns_the_network_not_the_page(catalogue):
    """On the Réseau, a filter change (the types) reruns its explorer fragment: the sidebar's
    filters and the text above are not sent again, the figures and the address follow the new
    filters; the level, then, changes the network of the same selection."""
    from alliance.analysis.filters import Filters, apply_filters
    from alliance.app import cache
    from tests.test_apptest_carte import address, metric

    at = page("pages/reseau.py").run()
    assert at.sidebar.get("multiselect") and at.markdown
    all_nodes = metric(at, "Territoires (nœuds)")
    at.multiselect(key="filtre_types").set_value(["contrat_reciprocite"]).run()
    assert not at.exception
    assert not at.sidebar.get("multiselect") and not at.sidebar.get("slider") and not at.title
    expected = apply_filters(catalogue, cache.filter_index(), Filters(types=("contrat_reciprocite",)))
    assert metric(at, "Coopérations") == str(len(expected))
    assert metric(at, "Territoires (nœuds)") != all_nodes
    assert address(at) == {"type": "contrat_reciprocite"}
    assert not at.button(key=next(b.key for b in at.sidebar.get("button"))).disabled  # « Réinitialiser »
    epci_nodes = metric(at, "Territoires (nœuds)")
    # the level is the explorer's own widget (AppTest runs the page for it, the browser the fragment)
    at.button_group(key="niveau_reseau").set_value("com").run()
    assert not at.exception
    assert metric(at, "Territoires (nœuds)") != epci_nodes
