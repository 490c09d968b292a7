"""Print ONE JSON object of named performance figures (medians of >= 5 runs where timed).

    python benchmarks/run.py                # everything
    python benchmarks/run.py --only home_first_paint_s,home_map_payload_bytes

Each figure is a function registered with @figure; later issues add theirs to this file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = 5
FIGURES: dict[str, Callable[[], float | int]] = {}
BROWSER_FIGURES: dict[str, Callable[[object, str], float | int]] = {}


def figure(fn):
    FIGURES[fn.__name__] = fn
    return fn


def browser_figure(fn):
    """A figure measured in headless Chromium against one running app: fn(browser, base_url)."""
    BROWSER_FIGURES[fn.__name__] = fn
    return fn


def median_of(fn: Callable[[], float], runs: int = RUNS) -> float:
    return round(statistics.median(fn() for _ in range(runs)), 4)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- issue 2: foundation -------------------------------------------------------------------


@figure
def geodata_load_cold_s() -> float:
    """Reading geodata/ in a fresh Python process (imports excluded)."""
    code = (
        "import time; from alliance.data.geodata import load_geodata; t=time.perf_counter(); "
        "load_geodata(); print(time.perf_counter()-t)"
    )

    def once() -> float:
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        return float(out.stdout.strip().splitlines()[-1])

    return median_of(once)


@figure
def geodata_load_cached_s() -> float:
    """A cache hit of the app's st.cache_resource loader."""
    from alliance.app import cache

    cache.geodata()
    return median_of(lambda: timed(cache.geodata))


@figure
def home_map_payload_bytes() -> int:
    from alliance.app import cache

    return cache.home_map().payload_bytes


@figure
def home_first_visit_bytes() -> int:
    """What the browser parses for the Accueil map on a first visit (component and static files)."""
    from alliance.app import cache

    home = cache.home_map()
    return home.payload_bytes + home.served[0]


# In the page from its start: each animation frame, look for the first pixel drawn on the map's
# overlay canvas (or an SVG path) inside the component's frame, and note when (epoch ms). Timed
# in the page, the figure does not depend on when the harness gets to ask (its round trips wait
# behind whatever the page's main thread is busy with, up to ~1 s after the shapes showed).
FIRST_PIXEL_JS = """(() => {
    const look = () => {
        for (const frame of document.querySelectorAll('iframe[src*="streamlit_folium.st_folium"]')) {
            let doc = null;
            try { doc = frame.contentDocument; } catch (e) { doc = null; }
            const pane = doc && doc.querySelector('.leaflet-overlay-pane');
            if (!pane) continue;
            if (pane.querySelector('path')) return true;
            const c = pane.querySelector('canvas');
            if (!c || !c.width) continue;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 64) if (d[i] > 0) return true;
        }
        return false;
    };
    const tick = () => {
        if (look()) { window.__firstShape = performance.now(); return; }
        requestAnimationFrame(tick);
    };
    if (window === window.top) requestAnimationFrame(tick);
})();"""


def first_paint(browser, url: str, ready_selector: str | None = None) -> float:
    """Seconds from navigation start to the first map shape painted (canvas pixels or SVG path
    in the map's overlay pane), timed in the page (FIRST_PIXEL_JS)."""
    from tests.harness import guard_network

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    external: list[str] = []
    guard_network(context, external)
    context.add_init_script(FIRST_PIXEL_JS)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.__firstShape !== undefined", timeout=60000, polling=100)
    elapsed = page.evaluate("window.__firstShape") / 1000
    context.close()
    if external:
        raise RuntimeError(f"external requests during benchmark: {external[:3]}")
    return elapsed


@browser_figure
def home_first_paint_s(browser, base: str) -> float:
    first_paint(browser, base)  # warm the server caches: we measure a user's visit, not start-up
    return median_of(lambda: first_paint(browser, base))


# --- issue 4: map explorer -----------------------------------------------------------------


def carte_view(ids, layers=None):
    """Base map and layers of the Carte page for `ids` (all layers by default)."""
    from alliance.app import cache
    from alliance.maps import overlays

    catalogue, geo = cache.catalogue(), cache.geodata()
    groups = overlays.cooperation_groups(catalogue, geo, ids, **({"layers": layers} if layers else {}))
    return cache.carte_base_map(), cache.feature_group_js(groups, control_title="Coopérations")


@figure
def france_view_payload_bytes() -> int:
    """What the browser parses for the Carte's default France view on a first visit: the
    component's JavaScript and the static files of the layers shown (gzip off)."""
    from alliance.app import cache

    base, layers = carte_view(tuple(cache.catalogue().cooperations.index))
    return base.payload_bytes + base.served[0] + layers.payload_bytes + layers.served[0]


@figure
def carte_rerun_payload_bytes() -> int:
    """What travels on each rerun that changes the Carte's layers (France view): the feature
    groups' JavaScript; their data files are already in the browser."""
    from alliance.app import cache

    return carte_view(tuple(cache.catalogue().cooperations.index))[1].payload_bytes


FILTER_QUERIES = ["Brest", "Toulouse", "Nantes", "Rouen", "Montpellier", "Morlaix", "Bordeaux", "Tours"]


def expected_links(queries: list[str]) -> dict[str, int]:
    from alliance.analysis.filters import Filters, apply_filters
    from alliance.app import cache
    from alliance.maps.overlays import describe_selection

    catalogue, index = cache.catalogue(), cache.filter_index()
    return {
        q: describe_selection(catalogue, apply_filters(catalogue, index, Filters(texte=q))).n_links for q in queries
    }


def open_with_search(browser, url: str):
    """A fresh visitor on `url` (a page with the search box and a map); returns (context, page, box)."""
    from tests.harness import guard_network, wait_for_map

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    guard_network(context, [])
    page = context.new_page()
    page.goto(url)
    wait_for_map(page)
    return context, page, page.get_by_label("Recherche (coopération, territoire)")


ENTER_AT_JS = """document.addEventListener('keydown', e => {
    if (e.key === 'Enter') window.__enterAt = performance.timeOrigin + performance.now();
}, {capture: true, once: true});"""


def watch_map(page, condition: str, arg=None) -> None:
    """In the map's frame, from now on: note when (epoch ms, `window.__seenAt`) `condition` (as
    tests.harness.wait_in_map) first holds on feature groups added after this call. The map is
    looked up once: scanning the frame's globals on every frame would cost the page ~1 ms each."""
    from tests.harness import FIND_MAP_JS, LAYER_HELPERS_JS, map_frame

    map_frame(page).locator(".leaflet-container").evaluate(
        f"""(el, arg) => {{
            window.__seenAt = null;
            {FIND_MAP_JS}
            (window.feature_group || []).forEach(g => {{ g.__before = true; }});
            const check = () => {{
                let ok = false;
                try {{ {LAYER_HELPERS_JS} ok = !groups.some(g => g.__before) && Boolean({condition}); }}
                catch (e) {{ ok = false; }}
                if (ok) window.__seenAt = performance.timeOrigin + performance.now();
                else requestAnimationFrame(check);
            }};
            requestAnimationFrame(check);
        }}""",
        arg,
    )


def search_to_paint(page, box, query: str, condition: str, arg=None) -> float:
    """Seconds from Enter in the search box to the first frame showing new layers where
    `condition` holds, both read on the page's clock: the harness's own round trips, which wait
    behind the page's busy main thread, are not counted."""
    box.fill(query)
    page.evaluate(ENTER_AT_JS)
    watch_map(page, condition, arg)
    box.press("Enter")
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function("window.__seenAt !== null", timeout=30000, polling=50)
    return (frame.evaluate("window.__seenAt") - page.evaluate("window.__enterAt")) / 1000


LINKS_SHOWN = "featuresOf(groups.slice(-4)[2]).filter(isLine).length === arg"  # as harness.wait_for_links
FLOOR_TOOLTIP = (
    "groups.flatMap(featuresOf).some(l => l.getTooltip() && String(l.getTooltip().getContent()).includes(arg))"
)


@browser_figure
def filter_change_s(browser, base: str) -> float:
    """A filter change (search box) to the updated map, each one a new selection (no cache hit)."""

    expected = expected_links(FILTER_QUERIES)
    context, page, box = open_with_search(browser, f"{base}/carte")
    times = [search_to_paint(page, box, q, LINKS_SHOWN, expected[q]) for q in FILTER_QUERIES]
    context.close()
    return round(statistics.median(times), 4)


@browser_figure
def reseau_filter_s(browser, base: str) -> float:
    """The same searches on the Réseau, to its network map redrawn (its explorer fragment)."""

    context, page, box = open_with_search(browser, f"{base}/reseau")
    times = [search_to_paint(page, box, q, "groups.length > 0") for q in FILTER_QUERIES]
    context.close()
    return round(statistics.median(times), 4)


# --- issue 14: maps within reach of the stack's floor ---------------------------------------


@contextmanager
def running_floor_app(controls: bool = False):
    """The floor app (benchmarks/floor_app.py) served like the project: same venv, same static
    folder (Leaflet copy), same Streamlit configuration; with `controls`, the Carte's controls
    around its one-polygon map."""
    from tests.harness import running_app

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(ROOT / "benchmarks" / "floor_app.py", folder / "floor_app.py")
        (folder / "static").symlink_to(ROOT / "static")
        (folder / ".streamlit").mkdir()
        shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
        env = {"ALLIANCE_ROOT": str(ROOT), "FLOOR_CONTROLS": "1" if controls else "0"}
        with running_app(script=folder / "floor_app.py", env=env) as base:
            yield base


PAINT_LOADS = 7


def first_scene() -> str:
    import yaml

    return yaml.safe_load((ROOT / "data" / "scenes.yaml").read_text())["scenes"][0]["id"]


@browser_figure
def floor_comparison(browser, base: str) -> dict[str, float]:
    """The app's maps against the floor app, in one run, interleaved: first shape painted
    (median of PAINT_LOADS fresh visits each, server caches warm) and a search to the updated
    layers painted (the floor redraws one feature group). Ratios: page / floor. The Carte is also
    compared with the floor drawing the Carte's controls (`carte_controls_ratio`): what is left
    is the project's own map and data; `floor_controls_paint_ratio` and
    `floor_controls_filter_ratio` are what the controls alone cost, on a load and on a search."""

    with running_floor_app() as floor, running_floor_app(controls=True) as floor_controls:
        pages = {
            "floor": floor,
            "floor_controls": floor_controls,
            "home": base,
            "carte": f"{base}/carte",
            "presentation": f"{base}/presentation?scene={first_scene()}",
        }
        for url in pages.values():
            first_paint(browser, url)  # warm the servers' caches
        paints: dict[str, list[float]] = {name: [] for name in pages}
        names = list(pages)
        for i in range(PAINT_LOADS):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                paints[name].append(first_paint(browser, pages[name]))

        expected = expected_links(FILTER_QUERIES)
        carte = open_with_search(browser, f"{base}/carte")
        plancher = open_with_search(browser, floor)
        plancher_controles = open_with_search(browser, floor_controls)
        changes: dict[str, list[float]] = {"carte": [], "floor": [], "floor_controls": []}
        for query in FILTER_QUERIES:
            changes["carte"].append(search_to_paint(carte[1], carte[2], query, LINKS_SHOWN, expected[query]))
            changes["floor"].append(search_to_paint(plancher[1], plancher[2], query, FLOOR_TOOLTIP, query))
            changes["floor_controls"].append(
                search_to_paint(plancher_controles[1], plancher_controles[2], query, FLOOR_TOOLTIP, query)
            )
        for session in (carte, plancher, plancher_controles):
            session[0].close()

    median = {name: statistics.median(values) for name, values in paints.items()}
    out = {f"{name}_paint_s": round(value, 4) for name, value in median.items()}
    for name in ("home", "carte", "presentation", "floor_controls"):
        out[f"{name}_paint_ratio"] = round(median[name] / median["floor"], 3)
    out["carte_controls_ratio"] = round(median["carte"] / median["floor_controls"], 3)
    out["carte_filter_s"] = round(statistics.median(changes["carte"]), 4)
    out["floor_repaint_s"] = round(statistics.median(changes["floor"]), 4)
    out["carte_filter_ratio"] = round(out["carte_filter_s"] / out["floor_repaint_s"], 3)
    # The same search in the floor drawing the Carte's controls (one-polygon map): what a rerun
    # of a page with these Streamlit elements costs the browser, whatever the map.
    out["floor_controls_repaint_s"] = round(statistics.median(changes["floor_controls"]), 4)
    out["floor_controls_filter_ratio"] = round(out["floor_controls_repaint_s"] / out["floor_repaint_s"], 3)
    return out


@browser_figure
def presentation_cold(browser, base: str) -> dict[str, float]:
    """A fresh server, first request on a scene URL, to the first shape painted; the floor app
    started the same way for comparison."""
    from tests.harness import running_app

    out = {}
    with running_app() as fresh:
        out["presentation_cold_s"] = round(first_paint(browser, f"{fresh}/presentation?scene={first_scene()}"), 4)
    with running_floor_app() as floor:
        out["floor_cold_s"] = round(first_paint(browser, floor), 4)
    out["presentation_cold_ratio"] = round(out["presentation_cold_s"] / out["floor_cold_s"], 3)
    return out


# --- issue 5: statistics ------------------------------------------------------------------


def synthetic_rows(n: int, seed: int = 7, prefix: str = "synthetique"):
    """`n` random catalogue rows over real EPCI (benchmark only, never shipped)."""
    import random

    import pandas as pd

    from alliance.app import cache
    from alliance.data.catalogue import COLUMNS

    rng = random.Random(seed)
    vocab, geo = cache.vocabularies(), cache.geodata()
    sirens = list(geo.epci.index)
    rows = []
    for i in range(n):
        members = rng.sample(sirens, rng.randint(2, 4))
        row = {c: "" for c in COLUMNS}
        row.update(
            id=f"{prefix}-{i}",
            nom=f"Coopération synthétique {i}",
            type=rng.choice(vocab["type"].keys),
            membres=";".join(f"epci:{s}" for s in members),
            statut=rng.choice(vocab["statut"].keys),
            themes=";".join(rng.sample(vocab["theme"].keys, rng.randint(1, 4))),
            finalites=";".join(rng.sample(vocab["finalite"].keys, rng.randint(0, 2))),
            portage=rng.choice(vocab["portage"].keys),
            territoires=rng.choice(vocab["territoires"].keys),
            annee=str(rng.randint(1995, 2025)),
            source="synthetique",
            citation="benchmark",
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def synthetic_catalogue(n: int, seed: int = 7):
    """A random catalogue of `n` cooperations over real EPCI (benchmark only, never shipped)."""
    from alliance.app import cache
    from alliance.data.catalogue import build_catalogue

    return build_catalogue(synthetic_rows(n, seed), cache.vocabularies(), cache.geodata())


@figure
def merge_10k_contributions_s() -> float:
    """Merging 10 000 validated contributions (2 to 4 EPCI each) into the reference catalogue:
    validation, memberships, perimeters, links (median of 5)."""
    from alliance.app import cache
    from alliance.contributions.merge import merge_contributions
    from alliance.data.catalogue import TerritoryIndex

    rows = synthetic_rows(10_000, seed=11, prefix="contribution")
    reference, geo = cache.catalogue(), cache.geodata()
    index = TerritoryIndex(geo)

    def once() -> float:
        start = time.perf_counter()
        merged = merge_contributions(reference, rows, geo, index)
        if merged.problems or len(merged.catalogue.cooperations) != len(reference.cooperations) + 10_000:
            raise RuntimeError(merged.problems[:3])
        return time.perf_counter() - start

    return median_of(once)


def page_rerun_s(page: str, catalogue=None, query: dict | None = None) -> float:
    """Server-side time of one rerun of a page (AppTest, warm caches), median of 5."""
    from unittest import mock

    from streamlit.testing.v1 import AppTest

    from alliance.analysis.filters import build_filter_index
    from alliance.app import cache

    patches = []
    if catalogue is not None:
        index = build_filter_index(catalogue, cache.geodata())
        patches = [
            mock.patch("alliance.app.cache.catalogue", return_value=catalogue),
            mock.patch("alliance.app.cache.filter_index", return_value=index),
        ]
    for p in patches:
        p.start()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.switch_page(page)
        at.run()
        if at.exception:
            raise RuntimeError(at.exception)
        return median_of(lambda: timed(at.run))
    finally:
        for p in patches:
            p.stop()


@figure
def stats_rerun_s() -> float:
    return page_rerun_s("pages/statistiques.py")


@figure
def stats_rerun_10k_s() -> float:
    return page_rerun_s("pages/statistiques.py", synthetic_catalogue(10_000))


@figure
def post_run_gc_ms() -> dict[str, float]:
    """The full collection Streamlit runs after every script run (`runner.postScriptGC`), with
    the Carte's data loaded (a visit and a search): with every object in the collector's
    generations, and with the long-lived ones frozen as the app does (app.heap). Median of 5."""
    import gc

    from alliance.app.heap import freeze_long_lived
    from tests.apptests import app_on

    at = app_on("carte")
    at.run()
    at.text_input(key="filtre_texte").input("Brest").run()
    if at.exception:
        raise RuntimeError(at.exception)

    def collection_ms() -> float:
        return round(statistics.median(timed(gc.collect) for _ in range(RUNS)) * 1000, 3)

    gc.unfreeze()
    thawed = collection_ms()
    freeze_long_lived(threshold=-1)
    return {"thawed_ms": thawed, "frozen_ms": collection_ms()}


# --- issue 6: territory profile ------------------------------------------------------------


@figure
def territory_rerun_s() -> float:
    """Server-side rerun of the Territoire page showing Brest Métropole's profile."""
    return page_rerun_s("pages/territoire.py", query={"t": "epci:242900314"})


# --- issue 15: national layers -----------------------------------------------------------


@figure
def carte_national_payload_bytes() -> int:
    """The Carte's France view with every row (documented and registers) and every national
    layer shown (Territoires d'industrie and PNR included), gzip off: what the browser parses."""
    from alliance.app import cache

    base, layers = carte_view(tuple(cache.catalogue().cooperations.index))
    return base.payload_bytes + base.served[0] + layers.payload_bytes + layers.served[1]


@figure
def network_rerun_s() -> float:
    """Server-side rerun of the Réseau page at EPCI level over the whole catalogue."""
    return page_rerun_s("pages/reseau.py")


@figure
def alliances_rerun_s() -> float:
    """Server-side rerun of the Alliances ville–campagne page (Toulouse)."""
    return page_rerun_s("pages/alliances.py", query={"ville": "243100518"})


# --- issue 7: colloquium mode --------------------------------------------------------------

SWAP_JS = """() => {
    const map = Object.values(window).find(v => v && v instanceof L.Map);
    const now = (window.feature_group || []).filter(g => map.hasLayer(g));
    return now.length > 0 && now.every(g => !(window.__old_groups || []).includes(g));
}"""


@browser_figure
def scene_paint_max_s(browser, base: str) -> float:
    """Slowest scene change during a talk: → pressed until the next scene's layers are on the
    mounted map (median of 5 tours of all scenes, then the maximum over scenes)."""
    import yaml

    from tests.harness import guard_network, map_frame, wait_for_map

    scenes = [s["id"] for s in yaml.safe_load((ROOT / "data" / "scenes.yaml").read_text())["scenes"]]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    guard_network(context, [])
    page = context.new_page()
    page.goto(f"{base}/presentation")
    wait_for_map(page)
    frame = page.frame_locator('iframe[src*="streamlit_folium.st_folium"]').first
    times: dict[str, list[float]] = {s: [] for s in scenes}
    for _tour in range(RUNS + 1):
        for target in scenes[1:] + scenes[:1]:
            frame.locator(".leaflet-container").evaluate(
                "() => { window.__old_groups = (window.feature_group || []).slice(); }"
            )
            page.mouse.click(5, 5)
            start = time.perf_counter()
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => location.search.includes('scene={target}')", timeout=30000)
            deadline = time.monotonic() + 30
            while not map_frame(page).locator(".leaflet-container").evaluate(SWAP_JS):
                if time.monotonic() > deadline:
                    raise TimeoutError(target)
                page.wait_for_timeout(20)
            if _tour:  # the first tour fills the server's caches
                times[target].append(time.perf_counter() - start)
    context.close()
    return round(max(statistics.median(v) for v in times.values()), 4)


@browser_figure
def scene_first_load_s(browser, base: str) -> float:
    """Opening the presentation on its slowest scene URL (page load included), median of 5."""
    import yaml

    scenes = [s["id"] for s in yaml.safe_load((ROOT / "data" / "scenes.yaml").read_text())["scenes"]]
    first_paint(browser, f"{base}/presentation")
    return max(median_of(lambda sid=sid: first_paint(browser, f"{base}/presentation?scene={sid}")) for sid in scenes)


# --- issue 8: contributions ----------------------------------------------------------------


@figure
def import_10k_rows_s() -> float:
    """Reading, validating and storing (SQLite, one transaction) a CSV of 10 000 new rows."""
    import random
    import tempfile

    import pandas as pd

    from alliance.app import cache
    from alliance.contributions.importer import check_in_chunks, read_upload
    from alliance.contributions.store import Store
    from alliance.data.catalogue import COLUMNS, TerritoryIndex

    rng = random.Random(3)
    vocab, geo, catalogue = cache.vocabularies(), cache.geodata(), cache.catalogue()
    sirens = list(geo.epci.index)
    rows = []
    for i in range(10_000):
        row = {c: "" for c in COLUMNS}
        row.update(
            id=f"import-{i}",
            nom=f"Coopération importée {i}",
            type=rng.choice(vocab["type"].keys),
            membres=";".join(f"epci:{s}" for s in rng.sample(sirens, 3)),
            statut="active",
            themes=";".join(rng.sample(vocab["theme"].keys, 2)),
            annee=str(rng.randint(1990, 2025)),
            source="Délibération",
            citation="Extrait",
        )
        rows.append(row)
    data = pd.DataFrame(rows, columns=COLUMNS).to_csv(index=False, sep=";").encode("utf-8")
    index = TerritoryIndex(geo)

    def once() -> float:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{tmp}/bench.db")
            start = time.perf_counter()
            result = check_in_chunks(read_upload("import.csv", data), catalogue, index)
            if result.problems:
                raise RuntimeError(result.problems[:3])
            store.save_import(result.rows, "benchmark")
            return time.perf_counter() - start

    return median_of(once)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated figure names")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    results: dict[str, float | int] = {}
    for name, fn in FIGURES.items():
        if wanted is None or name in wanted:
            results[name] = fn()
    browser_names = [n for n in BROWSER_FIGURES if wanted is None or n in wanted]
    if browser_names:
        from playwright.sync_api import sync_playwright

        from tests.harness import launch_chromium, running_app

        with running_app() as base, sync_playwright() as pw:
            browser = launch_chromium(pw)
            for name in browser_names:
                value = BROWSER_FIGURES[name](browser, base)
                results.update(value if isinstance(value, dict) else {name: value})
            browser.close()
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
