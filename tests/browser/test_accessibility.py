"""Accessibility and French interface in the browser: axe-core (served from disk) on every page,
and no English string of Streamlit's frontend left on screen or for screen readers."""

import re

import pytest

from tests.harness import axe_violations, wait_for_map

PAGES = {
    "accueil": "/accueil",
    "carte": "/carte",
    "statistiques": "/statistiques",
    "territoire": "/territoire?t=epci:242900314",
    "reseau": "/reseau",
    "alliances": "/alliances",
    "atelier": "/atelier",
    "presentation": "/presentation",
    "donnees": "/donnees",
}
# English strings of Streamlit's frontend, streamlit-folium's page and Vega, in text, aria-label,
# title or placeholder, of the page or of any of its frames (issue 32; grown when one is found).
ENGLISH = (
    "Drag and drop",
    "per file",
    "Skip to main content",
    "Select all",
    "Clear all",
    "Browse files",
    "Choose an option",
    "No results",
    "Download as CSV",
    "Show/hide columns",
    "Sidebar",
    "App pages",
    "Link to heading",
    "Selected values",
    "Help for",
    "Show data",
    "Download as PNG",
    "Copy Vega-Lite spec",
    "Vega visualization",
    "X-axis titled",
    "Y-axis titled",
    "streamlit_folium",
    "st.iframe",
    "Streamlit Folium",
    "You need to enable JavaScript",
    "libelle:",
    "couleur:",
)
ENGLISH_WORDS = re.compile(r"\b(Open|Remove|start|end)\b")  # whole words only (« OpenStreetMap »)
SPOKEN_JS = """() => {
  const named = Array.from(document.querySelectorAll('[aria-label],[title],[placeholder]'))
    .map(e => ['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a) || '').join(' | '));
  const links = Array.from(document.querySelectorAll('a')).map(a => a.textContent);
  return [document.title, document.body ? document.body.innerText : '', ...named, ...links].join(' | ');
}"""


def english_in(frame) -> list[str]:
    text = frame.evaluate(SPOKEN_JS)
    return [e for e in ENGLISH if e in text] + ENGLISH_WORDS.findall(text)


def documents(page) -> list:
    """The page and the frames it shows (the map's, the share link's, the presenter's keys)."""
    return [frame for frame in page.frames if frame.url != "about:blank" or frame == page.main_frame]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_document_and_frame_is_french_and_axe_clean(page, app_url, name):
    """Issue 32: lang="fr", a French title and no English string in the page and in each of its
    frames, and axe-core finds no critical, serious or moderate problem in any of them."""
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(app_url + PAGES[name])
    page.locator("h1").first.wait_for(timeout=30000)
    if name == "carte":
        page.get_by_role("button", name="Copier le lien de cette vue").click()
        page.frame_locator('iframe[srcdoc*="Lien de cette vue"]').first.locator("#lien").wait_for(timeout=20000)
    if page.locator('iframe[title="Carte interactive des coopérations"]').count():
        wait_for_map(page)
    page.wait_for_timeout(1500)  # widgets and charts settle
    found = {}
    for frame in documents(page):
        where = "page" if frame == page.main_frame else frame.evaluate("() => document.title")
        lang = frame.evaluate("() => document.documentElement.lang")
        problems = [f"{p['impact']} {p['id']}: {p['targets'][:2]}" for p in axe_violations(frame)]
        found[where] = {"lang": lang, "english": english_in(frame), "axe": problems}
    frame_titles = page.evaluate("() => Array.from(document.querySelectorAll('iframe')).map(f => f.title)")
    assert all(v == {"lang": "fr", "english": [], "axe": []} for v in found.values()), found
    assert len(found) == 1 + len(frame_titles), (found.keys(), frame_titles)
    assert all(t and t != "st.iframe" for t in frame_titles), frame_titles


def test_charts_are_described_in_french(page, app_url):
    """Each chart's screen-reader name is a French description of its data, each bar a French
    sentence (Vega would say « Vega visualization », « n: 21; libelle: Mobilités »)."""
    page.goto(app_url + "/statistiques")
    charts = page.locator('[role="graphics-document"]')
    charts.first.wait_for(timeout=60000)
    names = charts.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert names and all(n.startswith(("Diagramme", "Tableau croisé")) for n in names), names
    bars = page.locator('[role="graphics-symbol"]').evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert bars and [b for b in bars if " : " not in b or "libelle" in b] == []


def test_file_uploader_speaks_french(page, app_url):
    page.goto(app_url + "/presentation")
    page.get_by_role("button", name="Exporter…").click()
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    zone.wait_for(timeout=20000)
    text = zone.inner_text()
    # a narrow popover shows the compact uploader: a button and the limit
    assert "Parcourir…" in text and "10 Mo par fichier au plus" in text, text
    assert "Drag and drop" not in text and "per file" not in text and "Upload" not in text
