"""Accessibility and French interface in the browser: axe-core (served from disk) on every page,
and no English string of Streamlit's frontend left on screen or for screen readers."""

import pytest

from tests.harness import axe_violations

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
)


def visible_and_spoken_text(page) -> str:
    return page.evaluate(
        """() => {
          const named = Array.from(document.querySelectorAll('[aria-label],[title],[placeholder]'))
            .map(e => ['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a) || '').join(' '));
          const links = Array.from(document.querySelectorAll('a')).map(a => a.textContent);
          return [document.body.innerText, ...named, ...links].join(' ');
        }"""
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_problem_and_headings_in_order(page, app_url, name):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(app_url + PAGES[name])
    page.locator("h1").first.wait_for(timeout=30000)
    page.wait_for_timeout(1500)  # widgets and charts settle
    problems = axe_violations(page)
    assert [p for p in problems if p["impact"] in ("critical", "serious") or p["id"] == "heading-order"] == []
    text = visible_and_spoken_text(page)
    assert [e for e in ENGLISH if e in text] == []


def test_file_uploader_speaks_french(page, app_url):
    page.goto(app_url + "/presentation")
    page.get_by_role("button", name="Exporter…").click()
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    zone.wait_for(timeout=20000)
    text = zone.inner_text()
    # a narrow popover shows the compact uploader: a button and the limit
    assert "Parcourir…" in text and "10 Mo par fichier au plus" in text, text
    assert "Drag and drop" not in text and "per file" not in text and "Upload" not in text
