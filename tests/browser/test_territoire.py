"""Searching "Brest" in the browser shows Brest Métropole, its pôle, ententes and contract."""

from tests.harness import wait_for_map


def test_search_brest(page, app_url):
    page.goto(f"{app_url}/territoire")
    box = page.get_by_label("Rechercher un territoire")
    box.fill("Brest")
    box.press("Enter")
    page.get_by_role("heading", name="Brest Métropole").wait_for(timeout=30000)
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
