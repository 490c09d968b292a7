"""Serve folium's JavaScript/CSS from the app itself so maps draw with no internet.

folium and its plugins list their assets as CDN URLs (`default_js` / `default_css`). We ship
copies from the npm registry under static/vendor/ (served by Streamlit at /app/static/) and
rewrite those lists on every element of a map. Assets we do not need (Bootstrap,
awesome-markers, glyphicons) are dropped; an asset we neither ship nor know raises, so that a
new plugin cannot silently reintroduce a CDN request.
"""

from __future__ import annotations

from collections.abc import Iterator

import branca.element
import folium

LOCAL_ASSETS: dict[str, str] = {
    "leaflet": "/app/static/vendor/leaflet-1.9.3/leaflet.js",
    "leaflet_css": "/app/static/vendor/leaflet-1.9.3/leaflet.css",
    # folium's Popup builds its HTML content with jQuery
    "jquery": "/app/static/vendor/jquery-3.7.1/jquery.min.js",
}
UNUSED_ASSETS = {
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}


class ExternalAssetError(ValueError):
    """A map element asks for a remote asset that has no local copy."""


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _localize(assets: list[tuple[str, str]], owner: str) -> list[tuple[str, str]]:
    local = []
    for name, url in assets:
        if name in LOCAL_ASSETS:
            local.append((name, LOCAL_ASSETS[name]))
        elif name not in UNUSED_ASSETS:
            raise ExternalAssetError(f"{owner}: asset {name!r} ({url}) has no local copy")
    return local


def use_local_assets(fmap: folium.Map, jquery: bool | None = None) -> folium.Map:
    """Point every element of `fmap` at the local copies of its assets (in place).

    jQuery is only needed by folium's popups: it is kept when the map has one, or when
    `jquery=True` (popups added later as feature groups), and dropped otherwise (one script
    less to load before the first paint)."""
    if jquery is None:
        jquery = any(isinstance(e, folium.Popup) for e in _walk(fmap))
    for element in _walk(fmap):
        owner = type(element).__name__
        if hasattr(element, "default_js"):
            assets = [(n, u) for n, u in element.default_js if jquery or n != "jquery"]
            element.default_js = _localize(assets, owner)
        if hasattr(element, "default_css"):
            element.default_css = _localize(list(element.default_css), owner)
    return fmap


def external_urls(fmap: folium.Map) -> list[str]:
    """Every asset URL of the map that does not point at the app itself (should be empty)."""
    urls = []
    for element in _walk(fmap):
        for _, url in list(getattr(element, "default_js", [])) + list(getattr(element, "default_css", [])):
            if not url.startswith("/app/static/"):
                urls.append(url)
    return urls
