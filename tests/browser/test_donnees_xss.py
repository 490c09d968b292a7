"""An editor uploads a cooperation named <img src=x onerror=alert(1)>: no script runs, the
name shows literally in the card and in the map popup."""

import pytest

from tests.harness import (
    guard_network,
    import_and_validate,
    map_evaluate,
    map_frame,
    running_app,
    wait_for_links,
    wait_for_map,
)
from tests.rows import row, table

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def editor_app(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "contributions.db"
    with running_app(env={"ALLIANCE_EDITOR_PASSWORD": "s3cret", "ALLIANCE_DB_PATH": str(db)}) as url:
        yield url


def test_xss_upload_is_shown_as_text(chromium, editor_app, tmp_path):
    contributed = row("contribution-xss", nom=XSS, themes="mobilites", citation=XSS, description=XSS)
    path = tmp_path / "contribution.csv"
    table(contributed).to_csv(path, index=False, sep=";")

    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    external = []
    guard_network(context, external)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    import_and_validate(page, editor_app, path)

    page.goto(f"{editor_app}/carte?coop=contribution-xss&q=onerror")
    wait_for_map(page)
    card = page.get_by_role("heading", name=XSS)
    card.wait_for(timeout=30000)
    wait_for_links(page, 1)
    opened = map_evaluate(
        page,
        "const lines = groups.flatMap(featuresOf).filter(isLine);"
        " lines.forEach(l => l.openPopup()); return lines.length;",
    )
    assert opened == 1
    popup = map_frame(page).locator(".leaflet-popup-content")
    popup.wait_for(timeout=10000)
    assert XSS in popup.inner_text()
    assert map_frame(page).locator(".leaflet-popup-content img").count() == 0
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    page.wait_for_timeout(500)
    context.close()
    assert dialogs == [] and external == []
