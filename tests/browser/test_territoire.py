"""Territoire and Réseau in the browser: searching "Brest" shows Brest Métropole, its pôle,
ententes and contract; a search on the Réseau reruns its network alone and frames it."""

from tests.browser.test_carte import RECORD_SENT_JS
from tests.harness import map_evaluate, search_territoire, wait_for_map, wait_in_map


def test_search_brest(page, app_url):
    search_territoire(page, app_url, "Brest", "Brest Métropole")
    body = page.locator('[data-testid="stMain"]')
    for text in ("Pôle métropolitain du Pays de Brest", "Pôle métropolitain Loire-Bretagne"):
        body.get_by_text(text).first.wait_for()
    wait_for_map(page)
    text = body.inner_text()
    assert "Entente Brest – Quimper" in text
    assert "Entente Brest – Lannion-Trégor – Morlaix" in text
    assert "Contrat de réciprocité Brest métropole – Pays du Centre Ouest Bretagne" in text
    assert "t=epci%3A242900314" in page.url or "t=epci:242900314" in page.url
    assert [e for e in page.console_errors if "404" not in e] == []


def test_a_reseau_search_reruns_the_network_alone_and_frames_it(page, app_url, catalogue):
    """Enter in the Réseau's search box asks for its explorer's run only; the map then draws one
    circle per territory counted above it, framed on the selection (Toulouse in view, zoomed in)."""
    import base64

    from streamlit.proto.BackMsg_pb2 import BackMsg

    from alliance.data.geodata import FRANCE_ZOOM

    page.add_init_script(RECORD_SENT_JS)
    page.goto(f"{app_url}/reseau")
    wait_for_map(page)
    page.evaluate("window.__sent = []")
    box = page.get_by_label("Recherche (coopération, territoire)")
    box.fill("Toulouse")
    box.press("Enter")
    page.wait_for_function("() => location.search === '?q=Toulouse'", timeout=20000)
    nodes = page.locator('[data-testid="stMetric"]', has_text="Territoires (nœuds)")
    count = int(nodes.locator('[data-testid="stMetricValue"]').inner_text().replace("\u202f", "").replace("\u00a0", ""))
    wait_in_map(page, "featuresOf(groups[groups.length - 1]).length === arg && m.getZoom() > 6", count)
    seen = map_evaluate(page, "return [m.getZoom(), m.getBounds().contains([43.6, 1.44])];")
    assert seen[0] > FRANCE_ZOOM and seen[1]
    sent = [BackMsg.FromString(base64.b64decode(m)) for m in page.evaluate("window.__sent")]
    reruns = [m.rerun_script for m in sent if m.WhichOneof("type") == "rerun_script"]
    assert len(reruns) == 1 and reruns[0].fragment_id, reruns
    assert 0 < count < 100
    assert [e for e in page.console_errors if "404" not in e] == []
