"""Two editors import overlapping files at the same moment through two browsers: nothing is
lost, nothing is duplicated, and each sees which of her rows were new or changed."""

import pytest

from alliance.contributions.store import Store
from tests.harness import guard_network, running_app
from tests.rows import row, table


def rows(ids, nom):
    return table(*(row(cid, nom=f"{nom} {cid}") for cid in ids))


@pytest.fixture(scope="module")
def editors_app(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "contributions.db"
    with running_app(env={"ALLIANCE_EDITOR_PASSWORD": "s3cret", "ALLIANCE_DB_PATH": str(db)}) as url:
        yield url, db


def test_overlapping_imports_at_the_same_time(chromium, editors_app, tmp_path):
    url, db = editors_app
    files = {
        "Alice": rows([f"course-{i}" for i in range(0, 30)], "Alice"),
        "Bruno": rows([f"course-{i}" for i in range(20, 50)], "Bruno"),
    }
    pages = {}
    for name, rows_of_file in files.items():
        path = tmp_path / f"{name}.csv"
        rows_of_file.to_csv(path, index=False)
        context = chromium.new_context(viewport={"width": 1300, "height": 1000})
        guard_network(context, [])
        page = context.new_page()
        page.goto(f"{url}/donnees")
        page.get_by_label("Votre nom (inscrit dans l'historique)").fill(name)
        page.get_by_label("Mot de passe éditeur").fill("s3cret")
        page.get_by_role("button", name="Se connecter").click()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        page.get_by_text("30 ligne(s) valides.").wait_for(timeout=30000)
        pages[name] = page
    # Both click « Enregistrer » within milliseconds (two server sessions, two transactions).
    for page in pages.values():
        page.get_by_role("button", name="Enregistrer").wait_for()
    for page in pages.values():
        page.evaluate(
            "() => [...document.querySelectorAll('button')].find(b => b.innerText.includes('Enregistrer')).click()"
        )
    messages = {}
    for name, page in pages.items():
        page.get_by_text("Enregistré :").first.wait_for(timeout=30000)
        messages[name] = page.get_by_text("Enregistré :").first.inner_text()
    stored = Store(f"sqlite:///{db}").contributions()
    assert sorted(stored["id"]) == sorted({f"course-{i}" for i in range(50)})  # nothing lost, no duplicate
    assert len(stored) == 50
    new = [int(m.split("Enregistré : ")[1].split(" nouvelle")[0]) for m in messages.values()]
    changed = [int(m.split("nouvelle(s), ")[1].split(" modifiée")[0]) for m in messages.values()]
    assert sum(new) == 50 and sum(changed) == 10  # the 10 shared ids: new for one, changed for the other
