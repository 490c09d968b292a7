"""Test and benchmark harness: run the app and drive Debian's Chromium headless through playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from alliance.exports.standalone_map import CHROMIUM, CHROMIUM_FLAGS
from alliance.paths import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# The same Chromium and flags as the product's PNG export (playwright adds its own for tests).
CHROMIUM_ARGS = [flag for flag in CHROMIUM_FLAGS if flag not in ("--hide-scrollbars", "--mute-audio")]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppURL(str):
    """Base URL of a running app; `pid` is its server process (for memory readings)."""

    pid: int = 0


@contextmanager
def running_app(
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout_s: float = 60.0,
    script: Path = ROOT / "dashboard.py",
) -> Iterator[AppURL]:
    """Start `streamlit run <script>` on a free port, from the script's folder (the app as
    `make run` starts it by default); yield its base URL; stop it after."""
    port = port or free_port()
    launch = ["alliance.app.serve"] if script == ROOT / "dashboard.py" else ["streamlit", "run", str(script)]
    cmd = [
        sys.executable,
        "-m",
        *launch,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    log_path = Path(os.environ.get("APP_LOG", "/tmp")) / f"streamlit-{port}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=script.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
            # As `make run`: no proxy is believed unless the caller names one.
            env={**os.environ, "FORWARDED_ALLOW_IPS": "", **(env or {})},
        )
    base = AppURL(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start, see {log_path}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def static_folders() -> dict[str, Path]:
    """Where the files nginx serves itself lie on this machine (markers of alliance.conf)."""
    import streamlit
    import streamlit_folium

    return {
        "STREAMLIT_STATIC": Path(streamlit.__file__).parent / "static" / "static",
        "COMPONENT_STATIC": Path(streamlit_folium.__file__).parent / "frontend" / "build",
        "APP_STATIC": ROOT / "static",
    }


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> Path:
    """deploy/nginx/alliance.conf with local replicas and port, inside a minimal nginx.conf."""
    snippet = (ROOT / "deploy" / "nginx" / "alliance.conf").read_text()
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in upstreams)
    snippet, n_servers = re.subn(r"^\s*server app:8501.*# REPLICAS$", servers, snippet, flags=re.M)
    snippet, n_listen = re.subn(r"listen 8080;", f"listen 127.0.0.1:{port};", snippet)
    assert n_servers == 1 and n_listen == 1, "deploy/nginx/alliance.conf changed its markers"
    for marker, folder_on_disk in static_folders().items():
        snippet, n = re.subn(rf"alias [^;]+;(\s*# {marker})", rf"alias {folder_on_disk}/;\1", snippet)
        assert n == 1, f"deploy/nginx/alliance.conf lost its {marker} marker"
    (folder / "alliance.conf").write_text(snippet)
    temp = "\n".join(
        f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    # As root, nginx's workers would run as "nobody", who may not read this checkout.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
daemon off;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;   # JavaScript modules must be served as JavaScript
    default_type application/octet-stream;
    log_format routes '$cookie_alliance_route $upstream_addr $request_uri';
    access_log {folder}/access.log routes;
    {temp}
    include {folder}/alliance.conf;
}}
""")
    return conf


@contextmanager
def running_nginx(folder: Path, upstreams: list[int]):
    port = free_port()
    conf = nginx_config(folder, port, upstreams)
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {proc.stderr.read().decode()[-500:]}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def import_and_validate(page, base: str, csv_path, password: str = "s3cret") -> None:
    """As an editor of the app at `base`: log in, import a one-row file, save it, validate it."""
    page.goto(f"{base}/donnees")
    page.get_by_label("Mot de passe éditeur").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv_path))
    # Generous waits: the app is often a fresh server (cold caches) on a busy CI machine.
    page.get_by_text("1 ligne(s) valides.").wait_for(timeout=60000)
    # The preview map answers its first drawing with a rerun: a click on « Enregistrer » during
    # that rerun can be lost (seen once in CI), so let the preview settle first.
    page.get_by_text("Aperçu : les coopérations du fichier").wait_for(timeout=60000)
    wait_for_map(page)
    wait_for_still_map(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Enregistré : 1 nouvelle(s)").wait_for(timeout=60000)
    page.get_by_role("button", name="Valider").click()
    page.get_by_text("Validée").first.wait_for(timeout=60000)


def launch_chromium(playwright):
    """Launch Debian's Chromium through playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return (parsed.hostname or "") in LOCAL_HOSTS


def guard_network(context, external: list[str]) -> None:
    """Abort and record every request of `context` that would leave the machine."""

    def handler(route):
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", handler)


MAP_SHAPE_SELECTOR = "canvas.leaflet-zoom-animated, path.leaflet-interactive"


def wait_for_map(frame_or_page, timeout_ms: float = 30000):
    """Wait until a Leaflet map inside the streamlit-folium iframe has drawn its shapes."""
    frame = frame_or_page.frame_locator('iframe[src*="streamlit_folium.st_folium"]').first
    frame.locator(".leaflet-container").wait_for(timeout=timeout_ms)
    frame.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path").first.wait_for(
        state="attached", timeout=timeout_ms
    )
    return frame


FIND_MAP_JS = "const m = Object.values(window).find(v => v && v instanceof L.Map);"
LAYER_HELPERS_JS = """
    // The component may keep groups it added before; only those still on the map count.
    const groups = (window.feature_group || []).filter(g => m.hasLayer(g));
    // One Leaflet layer per feature: a FeatureLayer (L.GeoJSON) holds one per feature.
    const featuresOf = g => { const out = [];
        g.eachLayer(l => (l instanceof L.GeoJSON ? l.eachLayer(f => out.push(f)) : out.push(l))); return out; };
    const isLine = l => (l instanceof L.Polyline) && !(l instanceof L.Polygon);
"""
MAP_HELPERS_JS = FIND_MAP_JS + LAYER_HELPERS_JS


def map_evaluate(page, body: str, arg=None):
    """Run `body` (JavaScript; `m`, `groups`, `featuresOf`, `isLine` and `el`, `arg` in scope) in
    the map's frame and return its result."""
    return map_frame(page).locator(".leaflet-container").evaluate(f"(el, arg) => {{ {MAP_HELPERS_JS} {body} }}", arg)


def map_frame(page):
    return page.frame_locator('iframe[src*="streamlit_folium.st_folium"]').first


def drawn_layers(page) -> dict:
    """Counts of layers in the feature groups of the Carte map (links = polylines)."""
    return map_evaluate(
        page,
        """const names = ['epci', 'zones', 'links', 'ext'];
        const out = {};
        groups.slice(-4).forEach((g, i) => {
            out[names[i]] = featuresOf(g).filter(i === 2 ? isLine : () => true).length;
        });
        return out;""",
    )


def wait_in_map(page, condition: str, arg=None, timeout_ms: float = 30000) -> None:
    """Wait until `condition` (a JavaScript expression over `m`, `groups`, `featuresOf`, `isLine`,
    `arg`) holds on the map, then one more frame (painted); raise TimeoutError otherwise."""
    body = f"""return new Promise((resolve, reject) => {{
        const t0 = performance.now();
        const check = () => {{
            let ok = false;
            try {{ {MAP_HELPERS_JS} ok = Boolean({condition}); }} catch (e) {{ ok = false; }}
            if (ok) requestAnimationFrame(() => resolve(true));
            else if (performance.now() - t0 > {timeout_ms}) reject(new Error("timeout"));
            else requestAnimationFrame(check);
        }};
        check();
    }});"""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:  # the frame may be re-rendered meanwhile (its context destroyed): try again
            map_frame(page).locator(".leaflet-container").evaluate(
                f"(el, arg) => {{ {body} }}", arg, timeout=timeout_ms
            )
            return
        except Exception as error:
            if time.monotonic() > deadline or "timeout" in str(error).lower():
                raise TimeoutError(f"the map never satisfied: {condition} ({arg!r})") from error
            page.wait_for_timeout(100)


def wait_for_links(page, expected: int, timeout_ms: float = 30000) -> None:
    """Wait until the Carte map shows exactly `expected` link polylines, painted."""
    wait_in_map(page, "featuresOf(groups.slice(-4)[2]).filter(isLine).length === arg", expected, timeout_ms)


def wait_for_still_map(page, quiet_ms: int = 600, timeout_ms: int = 15000) -> None:
    """Wait until the map's centre and zoom have not changed for `quiet_ms` (after a programmatic
    move); raise TimeoutError if it keeps moving."""
    body = f"""return new Promise((resolve, reject) => {{
        const t0 = performance.now();
        let last = null, since = t0;
        const tick = () => {{
            const c = m.getCenter(), now = performance.now();
            const state = [c.lat.toFixed(5), c.lng.toFixed(5), m.getZoom()].join();
            if (state !== last) {{ last = state; since = now; }}
            if (now - since >= {quiet_ms}) resolve(true);
            else if (now - t0 > {timeout_ms}) reject(new Error("timeout"));
            else setTimeout(tick, 50);
        }};
        tick();
    }});"""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            map_evaluate(page, body)
            return
        except Exception as error:
            # a first visit may mount the map's frame again once its controls arrive: wait on the new one
            if "detached" not in str(error).lower() or time.monotonic() > deadline:
                raise TimeoutError(f"the map kept moving for {timeout_ms} ms") from error
            page.wait_for_timeout(100)


AXE_JS = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"  # npm ci --prefix tests (make dev-deps)


def axe_violations(page, impacts: tuple[str, ...] = ("critical", "serious", "moderate")) -> list[dict]:
    """axe-core's WCAG 2 A/AA and best-practice violations of the page (axe served from disk),
    as {id, impact, help, targets}; the map's own frame is checked separately."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'],
                                             resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in found if v["impact"] in impacts]


def shared_link(page, contains: str = "/carte") -> str:
    """Open the Carte's « Copier le lien de cette vue » and read the link its frame shows."""
    page.get_by_role("button", name="Copier le lien de cette vue").click()
    field = page.frame_locator('iframe[srcdoc*="Lien de cette vue"]').first.locator("#lien")
    field.wait_for(timeout=20000)
    deadline = time.monotonic() + 20
    while contains not in (field.input_value() or ""):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the link to share never showed {contains!r}")
        page.wait_for_timeout(100)
    return field.input_value()


def search_territoire(page, base: str, query: str, heading: str) -> None:
    """On the Territoire page, search `query` and wait for the profile headed `heading`."""
    page.goto(f"{base}/territoire")
    box = page.get_by_label("Rechercher un territoire")
    box.fill(query)
    box.press("Enter")
    page.get_by_role("heading", name=heading).wait_for(timeout=30000)
