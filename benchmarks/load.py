"""Load benchmark: K concurrent sessions on the Carte, directly on one server and through nginx
in front of two replicas sharing PostgreSQL. Prints ONE JSON object.

    python benchmarks/load.py                         # protocol clients, K = 10, 25, 50, both set-ups
    python benchmarks/load.py --client browser --sessions 5,10

Two kinds of client, because on this 2-core machine the load generator competes with the
servers for the same cores:
- `protocol` (default): each session speaks Streamlit's own WebSocket protocol (protobuf
  BackMsg / ForwardMsg, as the browser does) and waits for the server to finish each run —
  what the server costs, without K browsers parsing Streamlit's bundle on the same cores;
- `browser`: each session is a headless Chromium context (end to end, map painted);
- `mixed`: K−3 protocol sessions and 3 measured browser users: what a user sees while K
  people use the app (the ratio target of issue 16 is read on this one).

Each session (one browser context of one headless Chromium): load /carte and wait for the map
drawn, type a search and wait for the updated layers, open the card of the first cooperation
of the list. Everything is bounded (per-step timeouts, one round per K) and only touches
127.0.0.1. Reported per set-up and K: errors, p50/p95 of the time to map drawn, to updated
layers and to card, the RSS of each server process and its growth per idle session (RSS once
the K sessions sit idle, minus RSS after a warm-up session, divided by K).
The nginx set-up needs ALLIANCE_TEST_POSTGRES_URL (set by `make load`) and Debian's nginx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import CHROMIUM, CHROMIUM_ARGS, MAP_HELPERS_JS, free_port, is_local, running_app, running_nginx  # noqa: E402

STEP_TIMEOUT_MS = 180_000
QUERY = "Brest"
SHAPES = ".leaflet-overlay-pane canvas, .leaflet-overlay-pane path"
LINKS_JS = f"el => {{ {MAP_HELPERS_JS} return groups.flatMap(featuresOf).filter(isLine).length; }}"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def expected_links() -> int:
    from alliance.analysis.filters import Filters, apply_filters, build_filter_index
    from alliance.data.catalogue import load_catalogue
    from alliance.data.geodata import load_geodata
    from alliance.data.vocab import load_vocabularies
    from alliance.maps.overlays import describe_selection

    geo = load_geodata()
    catalogue = load_catalogue(geo, load_vocabularies())
    ids = apply_filters(catalogue, build_filter_index(catalogue, geo), Filters(texte=QUERY))
    return describe_selection(catalogue, ids).n_links


async def one_session(browser, base: str, links: int, steps_done: asyncio.Event, idle: asyncio.Event) -> dict:
    """One user's visit; returns its timings (s) or its error. Sets `steps_done` when its steps
    are over, then keeps its page open (an idle session) until `idle` is set."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    external: list[str] = []

    async def guard(route):
        if is_local(route.request.url):
            await route.continue_()
        else:
            external.append(route.request.url)
            await route.abort()

    await context.route("**/*", guard)
    page = await context.new_page()
    out: dict = {}
    try:
        start = time.perf_counter()
        await page.goto(f"{base}/carte", timeout=STEP_TIMEOUT_MS)
        frame = page.frame_locator('iframe[src*="streamlit_folium.st_folium"]').first
        await frame.locator(SHAPES).first.wait_for(state="attached", timeout=STEP_TIMEOUT_MS)
        out["map_s"] = time.perf_counter() - start

        box = page.get_by_label("Recherche (coopération, territoire)")
        await box.fill(QUERY)
        start = time.perf_counter()
        await box.press("Enter")
        container = frame.locator(".leaflet-container")
        while await container.evaluate(LINKS_JS) != links:
            if time.perf_counter() - start > STEP_TIMEOUT_MS / 1000:
                raise TimeoutError("layers never updated")
            await page.wait_for_timeout(50)
        out["filter_s"] = time.perf_counter() - start

        start = time.perf_counter()
        await page.locator('[data-testid="stSelectbox"]').filter(has_text="Fiche").click(timeout=STEP_TIMEOUT_MS)
        await page.get_by_role("option").first.click(timeout=STEP_TIMEOUT_MS)
        await page.locator('[data-testid="stMain"] h3').first.wait_for(timeout=STEP_TIMEOUT_MS)
        out["card_s"] = time.perf_counter() - start
        if external:
            raise RuntimeError(f"external request {external[0]}")
    except Exception as exc:  # noqa: BLE001 - counted as an error of this session
        out["error"] = f"{exc.__class__.__name__}: {str(exc)[:120]}"
    steps_done.set()
    await idle.wait()
    await context.close()
    return out


class ProtocolSession:
    """One user as the Streamlit frontend talks to the server: open the Carte, type a search,
    pick the first cooperation of the list. Times are server round trips (rerun sent ->
    script_finished received), the map component's payload included."""

    def __init__(self, base: str):
        self.ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
        self.elements: dict[str, object] = {}
        self.bytes = 0

    async def _run(self, ws, widgets: list | None = None, query: str = "") -> float:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = "carte"
        for state in widgets or []:
            msg.rerun_script.widget_states.widgets.append(state)
        start = time.perf_counter()
        await ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(ws.recv(), STEP_TIMEOUT_MS / 1000)
            self.bytes += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                if which in ("text_input", "selectbox"):
                    self.elements[getattr(element, which).label] = getattr(element, which)
                if which == "component_instance":
                    self.elements["carte"] = element.component_instance
                if which == "exception":
                    raise RuntimeError(f"exception in the app: {element.exception.message[:80]}")
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the page asked for a rerun (st.rerun): its next run follows
                return time.perf_counter() - start

    async def visit(self, steps_done: asyncio.Event, idle: asyncio.Event) -> dict:
        import websockets
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        from alliance.maps.component import PAINTED_KEY

        out: dict = {}
        try:
            async with websockets.connect(
                self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=STEP_TIMEOUT_MS / 1000
            ) as ws:
                try:
                    start = time.perf_counter()
                    await self._run(ws)
                    if "carte" not in self.elements:
                        raise RuntimeError("no map component in the page")
                    out["map_s"] = time.perf_counter() - start
                    if "Recherche (coopération, territoire)" not in self.elements:
                        # map first (app.progressive): the browser reports the map painted, the
                        # controls follow
                        carte = self.elements["carte"]
                        painted = json.dumps({PAINTED_KEY: True})
                        await self._run(ws, [WidgetState(id=carte.id, json_value=painted)])
                    box = self.elements["Recherche (coopération, territoire)"]
                    out["filter_s"] = await self._run(ws, [WidgetState(id=box.id, string_value=QUERY)])
                    fiche = next(e for label, e in self.elements.items() if label.startswith("Fiche"))
                    out["card_s"] = await self._run(
                        ws,
                        [
                            WidgetState(id=box.id, string_value=QUERY),
                            WidgetState(id=fiche.id, string_value=fiche.options[0]),
                        ],
                    )
                except Exception as exc:  # noqa: BLE001 - counted as an error of this session
                    out["error"] = f"{exc.__class__.__name__}: {str(exc)[:120]}"
                steps_done.set()
                await idle.wait()
        except Exception as exc:  # noqa: BLE001
            out.setdefault("error", f"{exc.__class__.__name__}: {str(exc)[:120]}")
            steps_done.set()
        out["bytes"] = self.bytes
        return out


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 3)


BROWSERS_IN_MIXED = 3  # measured browser users among the K sessions of a "mixed" round


async def round_of(base: str, pids: list[int], k: int, links: int, client: str) -> dict:
    """One round of K concurrent sessions. `mixed`: K−3 protocol sessions load the server while
    3 real browser users are measured end to end (a user's browser is not on the server's
    cores; here it has to be, so only 3 are)."""
    from contextlib import AsyncExitStack

    async with AsyncExitStack() as stack:
        browser = None
        if client in ("browser", "mixed"):
            from playwright.async_api import async_playwright

            pw = await stack.enter_async_context(async_playwright())
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            stack.push_async_callback(browser.close)
        n_browsers = {"browser": k, "mixed": min(BROWSERS_IN_MIXED, k), "protocol": 0}[client]

        def session(i, done, idle):
            if i < n_browsers:
                return one_session(browser, base, links, done, idle)
            return ProtocolSession(base).visit(done, idle)

        warm = asyncio.Event()
        warm.set()
        await session(0 if n_browsers else k, asyncio.Event(), warm)  # warm caches: we measure users
        await asyncio.sleep(2)
        rss_before = [rss_mb(p) for p in pids]
        idle = asyncio.Event()
        steps = [asyncio.Event() for _ in range(k)]
        tasks = [asyncio.create_task(session(i, steps[i], idle)) for i in range(k)]
        await asyncio.gather(*(event.wait() for event in steps))
        await asyncio.sleep(3)
        rss_idle = [rss_mb(p) for p in pids]
        idle.set()
        results = await asyncio.gather(*tasks)
    errors = [r["error"] for r in results if "error" in r]
    row = {"sessions": k, "errors": len(errors)}
    measured = results[:n_browsers] if client == "mixed" else results
    for step in ("map_s", "filter_s", "card_s"):
        values = [r[step] for r in measured if step in r]
        row[f"{step[:-2]}_p50_s"] = quantile(values, 0.5)
        row[f"{step[:-2]}_p95_s"] = quantile(values, 0.95)
    if client == "mixed":
        server = [r["map_s"] for r in results[n_browsers:] if "map_s" in r]
        row["server_map_p95_s"] = quantile(server, 0.95)
    row["rss_mb"] = [round(v) for v in rss_idle]
    row["rss_growth_per_session_mb"] = round((sum(rss_idle) - sum(rss_before)) / k, 2)
    if errors:
        row["first_errors"] = errors[:3]
    if client == "protocol":
        row["kB_per_session"] = round(statistics.median(r.get("bytes", 0) for r in results) / 1024)
    return row


def measure(
    base: str, pids: list[int], sizes: list[int], links: int, client: str, replicas: tuple[str, ...] = ()
) -> dict:
    for url in replicas:  # every replica warm: a session behind nginx may land on any of them
        asyncio.run(round_of(url, [], 1, links, "protocol"))
    single = []
    for _ in range(3):
        row = asyncio.run(round_of(base, pids, 1, links, client))
        if row["map_p50_s"] is not None:
            single.append(row)
    out: dict = {
        "single_session_map_median_s": statistics.median(r["map_p50_s"] for r in single) if single else None,
        "single_session_filter_median_s": statistics.median(r["filter_p50_s"] for r in single if r["filter_p50_s"])
        if single
        else None,
        "rounds": [],
    }
    for k in sizes:
        row = asyncio.run(round_of(base, pids, k, links, client))
        if out["single_session_map_median_s"] and row["map_p95_s"]:
            row["map_p95_over_single_median"] = round(row["map_p95_s"] / out["single_session_map_median_s"], 2)
        out["rounds"].append(row)
        print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="10,25,50")
    parser.add_argument("--only", choices=["direct", "nginx"])
    parser.add_argument("--client", choices=["protocol", "browser", "mixed"], default="protocol")
    args = parser.parse_args()
    sizes = [int(k) for k in args.sessions.split(",")]
    links = expected_links()
    results: dict = {"machine_cores": os.cpu_count(), "client": args.client}
    if args.only in (None, "direct"):
        with running_app() as base:
            results["direct_1_server"] = measure(base, [base.pid], sizes, links, args.client)
    postgres = os.environ.get("ALLIANCE_TEST_POSTGRES_URL")
    if args.only in (None, "nginx") and postgres:
        env = {"ALLIANCE_DATABASE_URL": postgres, "STREAMLIT_SERVER_COOKIE_SECRET": "charge-" + str(os.getpid())}
        with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
            ports = [free_port(), free_port()]
            replicas = [stack.enter_context(running_app(p, env=env)) for p in ports]
            proxy = stack.enter_context(running_nginx(Path(folder), ports))
            results["nginx_2_replicas"] = measure(
                proxy, [r.pid for r in replicas], sizes, links, args.client, replicas=tuple(replicas)
            )
    elif args.only == "nginx":
        results["nginx_2_replicas"] = "ALLIANCE_TEST_POSTGRES_URL manquant"
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
