"""Contribution storage: transactions, idempotence, statuses, history, schema upgrade (SQLite;
the same tests run on PostgreSQL when ALLIANCE_TEST_POSTGRES_URL is set)."""

import json
import os
import threading

import pytest
import sqlalchemy as sa

from alliance.contributions.store import SCHEMA_VERSION, Store, StoreError, fingerprint
from tests.rows import row, table

URLS = ["sqlite"] + (["postgres"] if os.environ.get("ALLIANCE_TEST_POSTGRES_URL") else [])


def rows(*ids, nom="Coopération"):
    return table(*(row(cid, nom=nom, source="s", citation="c") for cid in ids))


@pytest.fixture(params=URLS)
def store(request, tmp_path):
    if request.param == "sqlite":
        yield Store(f"sqlite:///{tmp_path / 'c.db'}")
    else:
        url = os.environ["ALLIANCE_TEST_POSTGRES_URL"]
        s = Store(url)
        yield s
        with s.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS historique, contributions, meta, echecs_connexion"))


def test_import_twice_creates_no_duplicate(store):
    assert store.save_import(rows("a", "b"), "ed") == {"nouvelles": 2, "modifiees": 0, "inchangees": 0}
    assert store.save_import(rows("a", "b"), "ed") == {"nouvelles": 0, "modifiees": 0, "inchangees": 2}
    assert len(store.contributions()) == 2
    assert store.save_import(rows("a", nom="Autre nom"), "ed")["modifiees"] == 1
    assert list(store.history()["action"]) == ["proposée", "proposée", "modifiée"]


def test_failure_after_some_writes_writes_nothing(store, monkeypatch):
    import alliance.contributions.store as module

    # The contributions are inserted, then writing the history fails: all must be rolled back.
    monkeypatch.setattr(module.history, "insert", lambda: sa.text("INSERT INTO table_absente VALUES (1)"))
    with pytest.raises(StoreError, match="rien n'a été écrit"):
        store.save_import(rows("a", "b"), "ed")
    monkeypatch.undo()
    assert store.contributions().empty and store.history().empty


def test_status_changes_are_kept_in_history(store):
    store.save_import(rows("a"), "ed")
    store.set_status("a", "validee", "relecteur")
    assert store.contributions("validee")["id"].tolist() == ["a"]
    store.delete("a", "relecteur")
    assert list(store.history()["action"]) == ["proposée", "validée", "supprimée"]
    with pytest.raises(StoreError):
        store.set_status("a", "validee", "x")


def test_concurrent_imports_end_consistent(store):
    errors = []

    def worker(prefix):
        try:
            for i in range(5):
                Store(store.url).save_import(rows(f"{prefix}{i}", "commun"), prefix)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(p,)) for p in ("x", "y")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    ids = store.contributions()["id"].tolist()
    assert len(ids) == len(set(ids))
    assert {f"x{i}" for i in range(5)} | {f"y{i}" for i in range(5)} | {"commun"} == set(ids)


def test_older_database_is_upgraded_in_place(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    row = rows("ancienne").iloc[0].to_dict()
    with engine.begin() as conn:  # schema version 1: no meta table, no fingerprint
        conn.execute(
            sa.text(
                "CREATE TABLE contributions (id VARCHAR(200) PRIMARY KEY, donnees TEXT NOT NULL, "
                "statut VARCHAR(20) NOT NULL, auteur VARCHAR(200) NOT NULL, cree_le VARCHAR(40) NOT NULL, "
                "modifie_le VARCHAR(40) NOT NULL)"
            )
        )
        conn.execute(
            sa.text("INSERT INTO contributions VALUES ('ancienne', :d, 'validee', 'x', 't', 't')"),
            {"d": json.dumps(row)},
        )
    store = Store(url)
    assert store.version() == SCHEMA_VERSION
    assert store.contributions("validee")["id"].tolist() == ["ancienne"]
    assert store.save_import(rows("ancienne"), "ed")["inchangees"] == 1
    assert fingerprint(row)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)  # 6 ids × 4 batches: a small space
@given(
    batches=st.lists(
        st.tuples(st.lists(st.sampled_from(list("abcdef")), min_size=1, max_size=6), st.booleans()),
        min_size=1,
        max_size=4,
    )
)
def test_imports_are_all_or_nothing(tmp_path_factory, batches):
    """Whatever the sequence of imports, a failed one leaves the store exactly as before."""
    import alliance.contributions.store as module

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.db'}")
    original = module.history.insert
    for ids, fail in batches:
        before = (store.contributions().to_dict("records"), len(store.history()))
        if fail:
            module.history.insert = lambda: sa.text("INSERT INTO table_absente VALUES (1)")
        try:
            counts = store.save_import(rows(*ids), "ed")
            # With the failure injected, only an import with nothing to write may succeed.
            assert not fail or counts["nouvelles"] == counts["modifiees"] == 0
        except StoreError:
            assert fail
            assert (store.contributions().to_dict("records"), len(store.history())) == before
        finally:
            module.history.insert = original
        ids_now = store.contributions()["id"].tolist()
        assert len(ids_now) == len(set(ids_now))


# --- the editors' login budget ----------------------------------------------------------------


def test_login_budget_allows_three_failures_then_doubles_the_wait(store):
    from alliance.app.auth import login_delay

    now = 1_000_000.0
    for _ in range(3):
        assert store.reserve_login_attempt("client:203.0.113.9", now, login_delay) == 0
    assert store.reserve_login_attempt("client:203.0.113.9", now, login_delay) == pytest.approx(2.0)
    assert store.reserve_login_attempt("client:198.51.100.1", now, login_delay) == 0  # another client
    now += 2.0
    assert store.reserve_login_attempt("client:203.0.113.9", now, login_delay) == 0  # 4th, counted
    assert store.reserve_login_attempt("client:203.0.113.9", now + 1, login_delay) == pytest.approx(3.0)
    store.forget_login_failures("client:203.0.113.9")  # the right password
    assert store.reserve_login_attempt("client:203.0.113.9", now + 1, login_delay) == 0


def test_login_budget_is_shared_by_replicas_and_holds_under_a_burst(store):
    """Attempts sent at once through several replicas (one Store each, one database): the
    check and the count are one transaction, so no more than the free attempts pass."""
    from alliance.app.auth import FREE_ATTEMPTS, login_delay

    replicas = [Store(store.url) for _ in range(4)]
    allowed: list[float] = []
    start = threading.Barrier(16)

    def attempt(i: int) -> None:
        start.wait()
        allowed.append(replicas[i % 4].reserve_login_attempt("client:192.0.2.7", 5_000.0, login_delay))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for wait in allowed if wait == 0) == FREE_ATTEMPTS
    assert len(allowed) == 16


def test_login_budget_forgets_a_client_a_day_after_its_last_failure(store):
    from alliance.app.auth import login_delay
    from alliance.contributions.store import LOGIN_MEMORY_S, login_failures

    store.reserve_login_attempt("client:old", 0.0, login_delay)
    store.reserve_login_attempt("client:new", LOGIN_MEMORY_S + 10, login_delay)
    with store.engine.connect() as conn:
        keys = set(conn.execute(sa.select(login_failures.c.cle)).scalars())
    assert keys == {"client:new"}


def test_a_sqlite_file_deleted_then_restored_under_the_app(tmp_path):
    """Deleted: reads and writes refuse with a French reason (no stale rows, no « lecture seule »).
    Restored from a backup: the app reconnects at once, reads the restored rows and writes again."""
    import shutil

    path = tmp_path / "c.db"
    store = Store(f"sqlite:///{path}")
    store.save_import(rows("a", "b"), "ed")
    shutil.copy(path, tmp_path / "sauvegarde.db")
    store.save_import(rows("c", "d", "e"), "ed")
    assert len(store.contributions()) == 5
    path.unlink()
    for action in (store.contributions, store.change_token, lambda: store.save_import(rows("f"), "ed")):
        with pytest.raises(StoreError, match="a disparu du disque"):
            action()
    shutil.copy(tmp_path / "sauvegarde.db", path)
    assert sorted(store.contributions()["id"]) == ["a", "b"]
    assert store.replaced_at is not None and store.replacements == 1
    store.save_import(rows("g"), "ed")
    assert sorted(store.contributions()["id"]) == ["a", "b", "g"]


def test_the_page_tokens_change_when_the_file_is_restored(tmp_path, monkeypatch):
    """The merged catalogue is cached per change token: a restored file with the same history
    length must still be read again."""
    import shutil

    from alliance.app import cache

    path = tmp_path / "c.db"
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(path))
    store = cache.open_store()
    store.save_import(rows("a"), "ed")
    shutil.copy(path, tmp_path / "autre.db")
    before = cache.change_token()
    path.unlink()
    assert cache.change_token() is None  # said in French by the pages: contributions unreadable
    shutil.copy(tmp_path / "autre.db", path)
    assert cache.change_token() not in (None, before)
