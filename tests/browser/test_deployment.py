"""The deployment's nginx configuration (deploy/nginx/alliance.conf), run natively by Debian's
nginx in front of two replicas sharing one PostgreSQL: a contribution validated through
replica A appears through replica B and through nginx without a restart; WebSockets pass the
proxy; each browser stays on one replica (sticky cookie)."""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa

from tests.harness import NGINX, free_port, guard_network, import_and_validate, running_app, running_nginx, wait_for_map
from tests.rows import row, table

POSTGRES = os.environ.get("ALLIANCE_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not (POSTGRES and os.path.exists(NGINX)), reason="needs PostgreSQL and nginx (installed by `make test`)"
)
NAME = "Coopération saisie sur la réplique A"


def drop_tables() -> None:
    with sa.create_engine(POSTGRES).begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS historique, contributions, meta"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    drop_tables()
    env = {
        "ALLIANCE_DATABASE_URL": POSTGRES,
        "ALLIANCE_EDITOR_PASSWORD": "s3cret",
        "STREAMLIT_SERVER_COOKIE_SECRET": "secret-partage-par-les-repliques",
        "ALLIANCE_DEBUG": "0",
    }
    port_a, port_b = free_port(), free_port()
    folder = tmp_path_factory.mktemp("nginx")
    with (
        running_app(port_a, env=env) as a,
        running_app(port_b, env=env) as b,
        running_nginx(folder, [port_a, port_b]) as proxy,
    ):
        yield {"a": a, "b": b, "proxy": proxy, "log": folder / "access.log"}
    drop_tables()


def cooperations_shown(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Coopérations").first
    metric.wait_for(timeout=30000)
    return int(re.sub(r"\D", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))


def test_contribution_validated_on_a_appears_on_b_and_through_nginx(chromium, cluster, tmp_path):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    external: list[str] = []
    guard_network(context, external)
    page = context.new_page()

    page.goto(f"{cluster['b']}/carte")
    wait_for_map(page)
    before = cooperations_shown(page)

    contributed = row("replique-a", nom=NAME, themes="mobilites")
    path = tmp_path / "contribution.csv"
    table(contributed).to_csv(path, index=False)
    import_and_validate(page, cluster["a"], path)

    for base in (cluster["b"], cluster["proxy"]):
        page.goto(f"{base}/carte?coop=replique-a")
        wait_for_map(page)  # through nginx: the component's WebSocket traffic passed the proxy
        page.get_by_role("heading", name=NAME).wait_for(timeout=30000)
        assert cooperations_shown(page) == before + 1, base
    context.close()
    assert external == []


def test_each_browser_stays_on_one_replica(chromium, cluster):
    for _ in range(3):
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{cluster['proxy']}/carte")
        wait_for_map(page)
        assert any(c["name"] == "alliance_route" for c in context.cookies())
        context.close()
    routes: dict[str, set[str]] = {}
    for line in cluster["log"].read_text().splitlines():
        route, upstream, _uri = (line.split(" ", 2) + ["", ""])[:3]
        if route != "-" and upstream != "-":
            routes.setdefault(route, set()).add(upstream)
    assert routes and all(len(upstreams) == 1 for upstreams in routes.values()), routes
    # Static files (Streamlit's frontend, the map component, Leaflet, layer data) come from nginx
    # itself, not from a replica: the replicas' Python only runs sessions.
    static = [
        line.split(" ", 2)
        for line in cluster["log"].read_text().splitlines()
        if line.split(" ", 2)[-1].startswith(("/static/js/", "/component/", "/app/static/"))
    ]
    assert static and all(upstream == "-" for _route, upstream, _uri in static), static[:3]
    assert any(uri.startswith("/app/static/generated/") for _r, _u, uri in static)
