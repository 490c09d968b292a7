"""Exports for slides and reports: a standalone offline HTML map and its PNG screenshot."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import subprocess
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import folium

from alliance.paths import STATIC_DIR

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


@dataclass(frozen=True)
class MapSheet:
    """What surrounds an exported map so that it reads alone: title, message, legend, source."""

    title: str
    message: str = ""
    legend: tuple[tuple[str, str], ...] = ()  # (French label, colour)
    source: str = ""
    date: str = field(default_factory=lambda: dt.date.today().strftime("%d/%m/%Y"))


SHEET_CSS = """
.sheet-title{position:absolute;z-index:1000;top:10px;left:56px;max-width:46%;background:rgba(255,255,255,.94);
  padding:10px 14px;border-radius:6px;font:15px/1.35 sans-serif;color:#1f2328;box-shadow:0 1px 4px rgba(0,0,0,.25)}
.sheet-title h1{font-size:22px;margin:0 0 4px 0}
.sheet-legend{position:absolute;z-index:1000;bottom:34px;right:10px;max-width:34%;background:rgba(255,255,255,.94);
  padding:8px 12px;border-radius:6px;font:14px/1.5 sans-serif;color:#1f2328;box-shadow:0 1px 4px rgba(0,0,0,.25)}
.sheet-legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.sheet-source{position:absolute;z-index:1000;bottom:0;left:0;right:0;background:rgba(255,255,255,.94);
  padding:4px 10px;font:13px sans-serif;color:#1f2328}
.leaflet-bottom{bottom:26px !important}
.leaflet-control-attribution{display:none !important}
"""
# The title box sits right of the zoom buttons; the scale bar and the legend above the source
# line, which carries the attribution (Leaflet's own would print it a second time).
# A still image has nothing to click: no zoom buttons, layer control or hints.
STILL_CSS = ".leaflet-control-zoom,.leaflet-control-layers,.alliance-hint{display:none}"


def _sheet_html(sheet: MapSheet) -> str:
    legend = "".join(f"<div><i style='background:{_escape(c)}'></i>{_escape(label)}</div>" for label, c in sheet.legend)
    message = f"<div>{_escape(sheet.message)}</div>" if sheet.message else ""
    return (
        f"<div class='sheet-title'><h1>{_escape(sheet.title)}</h1>{message}</div>"
        + (f"<div class='sheet-legend'><b>Légende</b>{legend}</div>" if legend else "")
        + f"<div class='sheet-source'>{_escape(sheet.source)} — Alliance des territoires, carte du {sheet.date}</div>"
    )


def standalone_html(fmap: folium.Map, sheet: MapSheet | str, still: bool = False) -> str:
    """The map as one HTML file opening offline (Leaflet and CSS inlined), with its title,
    message, legend and source drawn over it; `still` hides the controls (for an image)."""
    if isinstance(sheet, str):
        sheet = MapSheet(title=sheet)
    html = fmap.get_root().render()
    html = _SCRIPT.sub(
        lambda m: (
            "<script>"
            + (STATIC_DIR / m["path"]).read_text(encoding="utf-8").replace("</script", "<\\/script")
            + "</script>"
        ),
        html,
    )
    html = _CSS.sub(lambda m: "<style>" + _inline_css(m["path"]) + "</style>", html)
    style = f"<style>{SHEET_CSS}{STILL_CSS if still else ''}</style>"
    html = html.replace("<head>", f'<head>\n<meta charset="utf-8">\n<title>{_escape(sheet.title)}</title>{style}', 1)
    html = html.replace("<body>", "<body>\n" + _sheet_html(sheet), 1)
    if "<html>" in html:
        html = html.replace("<html>", '<html lang="fr">', 1)
    if "/app/static/" in html or re.search(r'src="https?://', html) or "tile.openstreetmap" in html:
        raise ExportUnavailable("La carte exportée ferait appel à une ressource externe.")
    return html


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--hide-scrollbars",
    "--mute-audio",
)
PNG_TIMEOUT_S = 60
# One screenshot at a time per server process (a Chromium costs ~300 MB); results are kept so
# that repeated clicks on the same scene cost nothing.
_RENDER_SLOT = threading.BoundedSemaphore(1)
_PNG_CACHE: OrderedDict[str, bytes] = OrderedDict()
_PNG_CACHE_SIZE = 16


def html_to_png(html: str, width: int = 1600, height: int = 900) -> bytes:
    """Screenshot of a standalone map by Debian's headless Chromium (command line, no Python
    dependency beyond the runtime requirements). Raises ExportUnavailable (French) when
    Chromium is missing, busy with another export, or fails."""
    key = hashlib.sha256(f"{width}x{height}:{html}".encode()).hexdigest()
    if key in _PNG_CACHE:
        _PNG_CACHE.move_to_end(key)
        return _PNG_CACHE[key]
    if not os.path.exists(CHROMIUM):
        raise ExportUnavailable(
            "Export PNG indisponible : Chromium n'est pas installé sur ce serveur "
            "(paquet Debian « chromium »). L'export HTML fonctionne, lui, partout."
        )
    if not _RENDER_SLOT.acquire(blocking=False):
        raise ExportUnavailable("Un autre export PNG est en cours sur le serveur : réessayez dans quelques secondes.")
    try:
        png = _screenshot(html, width, height)
    finally:
        _RENDER_SLOT.release()
    _PNG_CACHE[key] = png
    while len(_PNG_CACHE) > _PNG_CACHE_SIZE:
        _PNG_CACHE.popitem(last=False)
    return png


def _screenshot(html: str, width: int, height: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="alliance-png-") as folder:
        page, shot = Path(folder) / "carte.html", Path(folder) / "carte.png"
        page.write_text(html, encoding="utf-8")
        command = [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={folder}/profil",
            f"--window-size={width},{height}",
            "--virtual-time-budget=4000",
            f"--screenshot={shot}",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=PNG_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ExportUnavailable("Export PNG interrompu : Chromium n'a pas répondu à temps.") from None
        if not shot.is_file() or shot.stat().st_size == 0:
            raise ExportUnavailable(
                "Export PNG impossible : Chromium n'a pas produit d'image. L'export HTML reste disponible."
            )
        return shot.read_bytes()
