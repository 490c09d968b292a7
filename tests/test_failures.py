"""Failures of the machine around the app: unreadable, read-only or corrupt files, a server
killed in the middle of an import. Users get French messages; nothing is half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
import sqlalchemy as sa

from alliance.contributions.store import Store, StoreError
from alliance.data.catalogue import COLUMNS
from alliance.paths import ROOT

POSTGRES = os.environ.get("ALLIANCE_TEST_POSTGRES_URL")


def rows(n: int, prefix: str = "c") -> pd.DataFrame:
    base = {c: "" for c in COLUMNS}
    base.update(type="entente", membres="epci:242900314;epci:200068120", statut="active", source="s", citation="c")
    return pd.DataFrame([{**base, "id": f"{prefix}-{i}", "nom": f"Coopération {i}"} for i in range(n)], columns=COLUMNS)


def test_read_only_database_gives_a_french_error_and_keeps_the_data(tmp_path):
    db = tmp_path / "c.db"
    Store(f"sqlite:///{db}").save_import(rows(2), "ed")
    db.chmod(0o444)
    tmp_path.chmod(0o555)  # SQLite also needs the folder for its journal
    try:
        if os.access(db, os.W_OK):
            pytest.skip("running as a user who can write read-only files")  # root ignores modes
        store = Store(f"sqlite:///{db}")
        with pytest.raises(StoreError, match="refusé l'écriture"):
            store.set_status("c-0", "validee", "ed")
        assert len(store.contributions()) == 2
    finally:
        tmp_path.chmod(0o755)
        db.chmod(0o644)


def test_read_only_database_even_as_root(tmp_path):
    """Root ignores file modes: open the database read-only through SQLite itself."""
    db = tmp_path / "c.db"
    Store(f"sqlite:///{db}").save_import(rows(2), "ed")
    store = Store(f"sqlite:///file:{db}?mode=ro&uri=true")
    with pytest.raises(StoreError, match="lecture seule") as err:
        store.set_status("c-0", "validee", "ed")
    assert "UPDATE" not in str(err.value) and "SELECT" not in str(err.value)
    with pytest.raises(StoreError):
        store.save_import(rows(1, "n"), "ed")
    assert store.contributions()["_statut"].eq("proposee").all()


def test_validating_a_contribution_deleted_meanwhile(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    store.save_import(rows(1), "ed")
    store.delete("c-0", "autre")
    with pytest.raises(StoreError, match="introuvable"):
        store.set_status("c-0", "validee", "ed")


def test_corrupt_database_is_a_french_data_error_and_recovers(tmp_path, monkeypatch):
    from alliance.app import cache
    from alliance.errors import DataError

    db = tmp_path / "c.db"
    db.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(db))
    with pytest.raises(DataError, match="Base des contributions inaccessible"):
        cache.open_store()
    assert cache.store() is None
    db.unlink()  # the file is repaired (here: replaced): no restart needed
    assert cache.store() is not None


def test_uncreatable_database_path(tmp_path, monkeypatch):
    from alliance.app import cache
    from alliance.errors import DataError

    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(blocker / "sous-dossier" / "c.db"))
    with pytest.raises(DataError):
        cache.open_store()


def test_carte_says_when_validated_contributions_cannot_be_read(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "c.db"
    db.write_bytes(b"corrompu" * 500)
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/carte.py")
    at.run()
    assert not at.exception
    assert any("contributions validées ne peuvent pas être lues" in w.value for w in at.warning)


def test_corrupt_geodata_gives_a_french_page(tmp_path, monkeypatch):
    """A broken geodata/ file: every page shows a French error, no traceback (production mode)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from alliance.data import geodata

    bad = tmp_path / "geodata"
    bad.mkdir()
    for name in ("communes.csv", "regions.geojson", "departements.geojson", "epci.geojson"):
        (bad / name).write_text("{ corrompu", encoding="utf-8")
    real_load = geodata._load
    monkeypatch.setattr(geodata, "_load", lambda folder: real_load(bad))
    monkeypatch.delenv("ALLIANCE_DEBUG")
    st.cache_resource.clear()
    try:
        for page in ("accueil", "carte", "territoire"):
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
            at.switch_page(f"pages/{page}.py")
            at.run()
            assert not at.exception, page
            assert any("géographie de référence" in e.value and "make geodata" in e.value for e in at.error), page
    finally:
        monkeypatch.undo()
        st.cache_resource.clear()


KILL_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tests.test_failures import rows
    from alliance.contributions.store import Store
    store = Store({url!r})
    data = rows(20_000, "kill")
    print("start", flush=True)
    store.save_import(data, "ed")
    print("done", flush=True)
""")


def _count(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM contributions WHERE id LIKE 'kill-%'")).scalar())


@pytest.mark.parametrize("backend", ["sqlite"] + (["postgres"] if POSTGRES else []))
def test_kill_during_a_20000_row_import_leaves_all_or_nothing(tmp_path, backend):
    url = f"sqlite:///{tmp_path / 'c.db'}" if backend == "sqlite" else POSTGRES
    Store(url)  # schema created beforehand, as on a running server
    outcomes = []
    for delay in (0.05, 0.3, 0.8):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT.format(root=str(ROOT), url=url)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert proc.stdout.readline().strip() == "start"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        count = _count(url)
        assert count in (0, 20_000), (delay, count)
        outcomes.append(count)
        store = Store(url)  # "restart": the store opens and works
        assert int(store.contributions()["id"].str.startswith("kill-").sum()) == count
    if backend == "postgres":
        with sa.create_engine(url).begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS historique, contributions, meta, echecs_connexion"))
    assert 0 in outcomes  # at least one kill really interrupted an import
