"""The deployment's nginx configuration (deploy/nginx/alliance.conf), run natively by Debian's
nginx in front of two replicas sharing one PostgreSQL: a contribution validated through
replica A appears through replica B and through nginx without a restart; WebSockets pass the
proxy; each browser stays on one replica (sticky cookie)."""

from __future__ import annotations

import os
import re
from pathlib import Path

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
        conn.execute(sa.text("DROP TABLE IF EXISTS historique, contributions, meta, echecs_connexion"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    drop_tables()
    env = {
        "ALLIANCE_DATABASE_URL": POSTGRES,
        "ALLIANCE_EDITOR_PASSWORD": "s3cret",
        "STREAMLIT_SERVER_COOKIE_SECRET": "secret-partage-par-les-repliques",
        "ALLIANCE_DEBUG": "0",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",  # nginx's address, as compose.yaml names its nginx
    }
    port_a, port_b = free_port(), free_port()
    folder = tmp_path_factory.mktemp("nginx")
    with (
        running_app(port_a, env=env) as a,
        running_app(port_b, env=env) as b,
        running_nginx(folder, [port_a, port_b]) as proxy,
    ):
        yield {
            "a": a,
            "b": b,
            "proxy": proxy,
            "log": folder / "access.log",
            "app_logs": [Path(os.environ.get("APP_LOG", "/tmp")) / f"streamlit-{p}.log" for p in (port_a, port_b)],
        }
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


def try_password(chromium, base: str, password: str, forged: str) -> str:
    """One login attempt from a brand-new browser session that forges its X-Forwarded-For;
    returns the message shown (or « connecté »)."""
    context = chromium.new_context(extra_http_headers={"X-Forwarded-For": forged})
    page = context.new_page()
    try:
        page.goto(f"{base}/donnees")
        page.get_by_label("Mot de passe éditeur").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        answer = page.get_by_text(re.compile("Mot de passe incorrect|Trop de tentatives")).or_(
            page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        )
        answer.first.wait_for(timeout=60000)
        return answer.first.inner_text() or "connecté"
    finally:
        context.close()


def test_login_budget_ignores_forged_forwarded_addresses_across_replicas(chromium, cluster):
    """The audit's attack: a new session and a new forged X-Forwarded-For per try, through nginx
    (which hashes each new session onto either replica). Every try counts against the real
    address, in the shared database; once its budget is spent, the right password is refused
    whatever address the next session forges; the logs name the real address only."""
    import time

    answers = [try_password(chromium, cluster["proxy"], "mauvais", f"203.0.113.{i}") for i in range(4)]
    assert answers[:3] == ["Mot de passe incorrect."] * 3, answers
    with sa.create_engine(POSTGRES).begin() as conn:
        budget = dict(conn.execute(sa.text("SELECT cle, echecs FROM echecs_connexion")).all())
        assert budget == {"client:local": answers.count("Mot de passe incorrect.")}, budget
        # Ten failures a moment ago: the next try must wait 4 min, whatever address it forges.
        conn.execute(sa.text("UPDATE echecs_connexion SET echecs = 10, dernier = :now"), {"now": time.time()})
    assert try_password(chromium, cluster["proxy"], "s3cret", "198.51.100.77").startswith("Trop de tentatives")
    logs = "".join(path.read_text() for path in cluster["app_logs"])
    assert "editor login failed (client local)" in logs
    assert "203.0.113." not in logs and "198.51.100." not in logs
    with sa.create_engine(POSTGRES).begin() as conn:  # the other tests of this cluster log in
        conn.execute(sa.text("DELETE FROM echecs_connexion"))


def test_nginx_rates_uploads_per_address(cluster):
    """Issue 29, item 3, through the project's nginx: one address that floods the upload
    endpoint gets its burst stored, then 429 (on d023a06 all 10 were stored). Last of the
    module: the address's upload budget is spent for a minute after it."""
    from tests.upload_flood import run_flood

    out = run_flood(cluster["proxy"], 10, 1024 * 1024)
    assert out["statuses"].get(204, 0) <= 5 and out["statuses"].get(429, 0) >= 5, out
