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
    assert list(top.columns) == ["Rang", "Territoire", "Partenaires", "Poids", "Centile", "Intermédiarité", "Système"]
    assert all("," in v or v.isdigit() for v in top["Poids"])  # French decimals
