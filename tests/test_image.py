"""The container image of deploy/, built and run for real (issue 29): deploy/Dockerfile built
with podman, PostgreSQL, two replicas and nginx started as deploy/compose.yaml describes, and a
user's visits through nginx. Several minutes (a cold build installs the requirements), so it
runs with `make image-test` only; skipped in `make test`."""

from __future__ import annotations

import json
import os
import re
import time

import pytest
import sqlalchemy as sa

from tests.harness import guard_network, import_and_validate, wait_for_map
from tests.podman_stack import APP, PODMAN, build_app, build_stand_ins, image_mb, podman, running_stack
from tests.rows import row, table

pytestmark = pytest.mark.skipif(
    not (PODMAN and os.environ.get("ALLIANCE_IMAGE_TEST")),
    reason="`make image-test` builds the image with podman and runs the stack (several minutes)",
)
NAME = "Coopération saisie dans l'image"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    build_stand_ins()
    build_s = build_app()
    folder = tmp_path_factory.mktemp("stack")
    with running_stack(folder) as running:
        running.figures.update(app_build_s=build_s, app_image_mb=image_mb(APP))
        yield running
    print("\nimage figures:", json.dumps(running.figures))
    (folder.parent / "image-figures.json").write_text(json.dumps(running.figures))


def visit_carte(chromium, base: str, path: str = "/carte") -> tuple[object, object, list[str]]:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    external: list[str] = []
    guard_network(context, external)
    page = context.new_page()
    page.goto(f"{base}{path}")
    wait_for_map(page, timeout_ms=90000)
    return context, page, external


def test_the_image_runs_as_its_user_and_its_health_check_passes(stack):
    image = json.loads(podman("image", "inspect", APP).stdout)[0]
    assert image["Config"]["User"] == "alliance"
    for name in stack.replicas:  # each listens on a port of its own (host network)
        assert podman("healthcheck", "run", name, check=False).returncode == 0, name


def test_health_and_a_carte_visit_through_nginx(chromium, stack):
    start = time.perf_counter()
    context, page, external = visit_carte(chromium, stack.proxy)
    stack.figures["first_carte_map_painted_s"] = round(time.perf_counter() - start, 1)  # a cold replica
    assert page.get_by_text("Coopérations").first.is_visible()
    context.close()
    assert external == []


def test_an_import_on_one_replica_is_stored_in_postgresql_and_shown_by_the_other(chromium, stack, tmp_path):
    first, second = stack.replicas.values()
    path = tmp_path / "contribution.csv"
    table(row("dans-l-image", nom=NAME, themes="mobilites")).to_csv(path, index=False)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    import_and_validate(page, first, path, password=stack.password)
    context.close()
    with sa.create_engine(stack.database_url).connect() as conn:
        stored = conn.execute(sa.text("SELECT statut FROM contributions WHERE id = 'dans-l-image'")).scalar()
    assert stored == "validee"
    for base in (second, stack.proxy):
        context, page, _ = visit_carte(chromium, base, "/carte?coop=dans-l-image")
        page.get_by_role("heading", name=NAME).wait_for(timeout=60000)
        context.close()


def test_a_killed_replica_leaves_the_next_visits_to_the_other(chromium, stack):
    """Every new visitor and the one whose cookie pointed to the killed replica are served."""
    context, page, _ = visit_carte(chromium, stack.proxy)
    victim = next(iter(stack.replicas))
    podman("kill", victim)
    for _ in range(3):
        other, other_page, _ = visit_carte(chromium, stack.proxy)
        other.close()
    page.reload()
    wait_for_map(page, timeout_ms=90000)
    assert not page.get_by_text(re.compile("Connection error|Erreur de connexion")).is_visible()
    context.close()
