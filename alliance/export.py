"""Exports for slides and reports: a standalone offline HTML map and its PNG screenshot."""
from __future__ import annotations

import base64
import re

import folium

from .paths import STATIC_DIR

_SCRIPT = re.compile(r'<script src="/app/static/(?P<path>[^"]+)"></script>')
_CSS = re.compile(r'<link rel="stylesheet" href="/app/static/(?P<path>[^"]+)"/>')


class ExportUnavailable(RuntimeError):
    """The export needs a tool this machine does not have (French message)."""


def _inline_css(path: str) -> str:
    css = (STATIC_DIR / path).read_text(encoding="utf-8")
    folder = (STATIC_DIR / path).parent

    def data_uri(match: re.Match) -> str:
        image = folder / match.group(1)
        if not image.is_file():
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode()})"

    return re.sub(r"url\((images/[^)]+\.png)\)", data_uri, css)


def standalone_html(fmap: folium.Map, title: str) -> str:
    """The map as one HTML file opening offline: Leaflet, jQuery and CSS (with images) inlined."""
    html = fmap.get_root().render()
    html = _SCRIPT.sub(lambda m: "<script>" + (STATIC_DIR / m["path"]).read_text(encoding="utf-8")
                       .replace("</script", "<\\/script") + "</script>", html)
    html = _CSS.sub(lambda m: "<style>" + _inline_css(m["path"]) + "</style>", html)
    html = html.replace("<head>", f"<head>\n<title>{_escape(title)}</title>", 1)
    if "/app/static/" in html or re.search(r'src="https?://', html):
        raise ExportUnavailable("La carte exportée ferait appel à une ressource externe.")
    return html


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def html_to_png(html: str, width: int = 1600, height: int = 900) -> bytes:
    """Screenshot of a standalone map in headless Chromium (Debian's /usr/bin/chromium)."""
    import os

    from .browser import CHROMIUM, launch_chromium

    if not os.path.exists(CHROMIUM):
        raise ExportUnavailable("Export PNG indisponible : Chromium n'est pas installé sur ce serveur "
                                "(paquet Debian « chromium »). L'export HTML fonctionne, lui, partout.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda route: route.abort() if route.request.url.startswith("http") else route.continue_())
            page.set_content(html, wait_until="load")
            page.wait_for_selector(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path", state="attached")
            page.wait_for_timeout(400)
            return page.screenshot(type="png")
        finally:
            browser.close()
