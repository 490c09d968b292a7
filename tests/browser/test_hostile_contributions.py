"""Validated contributions carrying a payload for each context (template literal, `${}`, HTML,
Markdown image and link): on Carte, Réseau and Territoire no script runs, no request leaves,
no outside link appears, and the names show literally."""

import pandas as pd
import pytest

from alliance.contributions.store import Store
from alliance.data.catalogue import COLUMNS
from tests.harness import guard_network, map_evaluate, map_frame, running_app, wait_for_map
from tests.rows import row

NAMES = {
    "tick": "Tick` + alert(201) + `",
    "tpl": "Tpl ${alert(101)} fin",
    "html": "<img src=x onerror=alert(301)>",
}
PIXEL = "![pixel](http://evil.example/pixel.png)"
PHISH = "[clic](http://evil.example/phish)"


def contribution(cid: str, nom: str) -> dict:
    return row(
        cid,
        nom=nom,
        themes="mobilites",
        source=PHISH,
        citation=PIXEL,
        description=f"{PIXEL} {PHISH} www.evil.example",
        membres="epci:242900314;epci:200068120;ext:Ext ${alert(202)}@47.3,-1.6",
    )


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "contributions.db"
    store = Store(f"sqlite:///{db}")
    store.save_import(
        pd.DataFrame([contribution(f"hostile-{k}", v) for k, v in NAMES.items()], columns=COLUMNS), "test"
    )
    for key in NAMES:
        store.set_status(f"hostile-{key}", "validee", "test")
    with running_app(env={"ALLIANCE_DB_PATH": str(db)}) as url:
        yield url


@pytest.mark.parametrize(
    "path", ["carte?coop=hostile-tick&q=Tick", "carte?coop=hostile-html", "reseau?q=Ext", "territoire?t=epci:242900314"]
)
def test_no_script_no_request_no_outside_link(chromium, hostile_app, path):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    external: list[str] = []
    guard_network(context, external)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{hostile_app}/{path}")
    wait_for_map(page)
    main = page.locator('[data-testid="stMain"]')
    if path.startswith("carte?coop=hostile-tick"):
        page.get_by_role("heading", name=NAMES["tick"]).wait_for(timeout=30000)
        assert "www.evil.example" in main.inner_text().replace("\u2060", "")  # shown as text…
    if path.startswith("territoire"):
        main.get_by_text(NAMES["tpl"]).first.wait_for(timeout=30000)
    frame = map_frame(page)
    # Open every popup of the cooperation layers (their HTML is parsed when they open).
    opened = map_evaluate(
        page,
        "const withPopup = groups.flatMap(featuresOf).filter(l => l.getPopup && l.getPopup());"
        " withPopup.forEach(l => l.openPopup()); return withPopup.length;",
    )
    page.wait_for_timeout(800)
    links = page.locator("a[href*='evil.example']").count() + frame.locator("a[href*='evil.example']").count()
    images = main.locator("img[src*='evil.example'], img[src='x']").count()
    context.close()
    assert dialogs == [], dialogs
    assert external == [], external
    assert links == 0 and images == 0  # …never as a link or an image
    if path.startswith("carte"):
        assert opened > 0
