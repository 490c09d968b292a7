"""What a screen reader meets on each page, in the page and in each of its frames: the document's
language and title, axe-core's violations by impact, and the English strings of the frontend
(tests/browser/test_accessibility.py's list) it still finds. Prints ONE JSON object.

    python benchmarks/accessibility.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.test_accessibility import ENGLISH, ENGLISH_WORDS, PAGES, SPOKEN_JS  # noqa: E402
from tests.harness import AXE_JS, launch_chromium, running_app, wait_for_map  # noqa: E402

AXE_RUN = """async () => {
  const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'],
                                     resultTypes: ['violations']});
  return r.violations.map(v => [v.impact, v.id, v.nodes.length]);
}"""


def document_report(frame) -> dict:
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.add_script_tag(path=str(AXE_JS))
    violations = frame.evaluate(AXE_RUN)
    text = frame.evaluate(SPOKEN_JS)
    return {
        "lang": frame.evaluate("() => document.documentElement.lang"),
        "title": frame.evaluate("() => document.title"),
        "axe": dict(Counter(impact for impact, _id, _n in violations)),
        "axe_rules": sorted({rule for _impact, rule, _n in violations}),
        "english": sorted({e for e in ENGLISH if e in text} | set(ENGLISH_WORDS.findall(text))),
    }


def main() -> int:
    out: dict = {}
    with running_app() as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for name, path in PAGES.items():
            page.goto(base + path)
            page.locator("h1").first.wait_for(timeout=60000)
            if page.locator('iframe[src*="streamlit_folium.st_folium"]').count():
                wait_for_map(page, 30000)
            page.wait_for_timeout(2000)
            out[name] = {}
            for i, frame in enumerate(page.frames):
                if frame == page.main_frame:
                    out[name]["page"] = document_report(frame)
                elif frame.url != "about:blank":
                    out[name][f"cadre {i}: {frame.url.split('?')[0][-40:]}"] = document_report(frame)
            out[name]["iframe_titles"] = page.evaluate(
                "() => Array.from(document.querySelectorAll('iframe')).map(f => f.title)"
            )
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
