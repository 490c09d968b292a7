"""Storage of contributed cooperations: SQLite by default, PostgreSQL through a URL.

`ALLIANCE_DATABASE_URL` (any SQLAlchemy URL, e.g. postgresql+psycopg://…) selects the database;
without it, a SQLite file at `ALLIANCE_DB_PATH` (default var/contributions.db). The schema is
versioned in table `meta`; opening an older database upgrades it in place. Every import runs in
one transaction: a failing row writes nothing, importing the same file twice changes nothing.

The editors' login budget (failed attempts per client address) lives here too, so that every
replica of a deployment sees the same budget.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from alliance.data.catalogue import COLUMNS
from alliance.paths import ROOT

logger = logging.getLogger("alliance.store")
SCHEMA_VERSION = 3
LOGIN_MEMORY_S = 86_400.0  # a client's failures are forgotten a day after its last one
STATUSES = {"proposee": "Proposée", "validee": "Validée", "rejetee": "Rejetée"}

metadata = sa.MetaData()
meta = sa.Table("meta", metadata, sa.Column("cle", sa.String(50), primary_key=True), sa.Column("valeur", sa.Text))
contributions = sa.Table(
    "contributions",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("donnees", sa.Text, nullable=False),  # the catalogue row, JSON
    sa.Column("statut", sa.String(20), nullable=False),
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("cree_le", sa.String(40), nullable=False),
    sa.Column("modifie_le", sa.String(40), nullable=False),
    sa.Column("empreinte", sa.String(64), nullable=False),  # added by schema version 2
)
history = sa.Table(
    "historique",
    metadata,
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("contribution_id", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("quand", sa.String(40), nullable=False),
    sa.Column("details", sa.Text, nullable=False, default=""),
)
login_failures = sa.Table(  # added by schema version 3
    "echecs_connexion",
    metadata,
    sa.Column("cle", sa.String(200), primary_key=True),
    sa.Column("echecs", sa.Integer, nullable=False),
    sa.Column("dernier", sa.Float, nullable=False),  # seconds since the epoch (every replica's clock)
)


class StoreError(RuntimeError):
    """A storage operation that did not happen (French message); nothing was written."""


def database_url() -> str:
    url = os.environ.get("ALLIANCE_DATABASE_URL")
    if url:
        return url
    path = Path(os.environ.get("ALLIANCE_DB_PATH", ROOT / "var" / "contributions.db"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def fingerprint(row: dict) -> str:
    return hashlib.sha256(
        json.dumps({c: row.get(c, "") for c in COLUMNS}, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


class Store:
    """Contributions and their history in one database."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        # SQLite waits for a concurrent writer; PostgreSQL gives up quickly when unreachable.
        kwargs = {"connect_args": {"timeout": 30} if self.url.startswith("sqlite") else {"connect_timeout": 5}}
        self.engine = sa.create_engine(self.url, future=True, **kwargs)
        self.replaced_at: str | None = None  # when the SQLite file was last found replaced (a restore)
        self.replacements = 0
        self._file = self._sqlite_file()
        self._identity: tuple[int, int] | None = None
        self.upgrade()  # creates the SQLite file
        self._identity = self._file_identity()

    def _sqlite_file(self) -> Path | None:
        url = sa.engine.make_url(self.url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        database = url.database
        if database.startswith("file:"):  # a SQLite URI (uri=true): file:<path>
            database = database[len("file:") :].partition("?")[0]
        return Path(database)

    def _file_identity(self) -> tuple[int, int] | None:
        if self._file is None:
            return None
        info = os.stat(self._file)
        return info.st_dev, info.st_ino

    def check_file(self) -> None:
        """SQLite: the file on disk must still be the one open. A deleted file would keep serving
        its old rows from the open handle and refuse writes: StoreError (French) instead. A file
        replaced under the app (restored from a backup): reconnect to it, and remember when."""
        if self._file is None:
            return
        try:
            identity = self._file_identity()
        except FileNotFoundError:
            raise StoreError(
                f"La base des contributions ({self._file.name}) a disparu du disque : ni lecture ni écriture "
                "jusqu'à sa restauration. Rien n'a été écrit."
            ) from None
        if identity != self._identity:
            logger.warning("contributions database %s replaced on disk: reconnecting", self._file)
            self.engine.dispose()
            self._identity = identity
            self.replaced_at = _now()
            self.replacements += 1
            self.upgrade()

    def version(self) -> int:
        insp = sa.inspect(self.engine)
        if not insp.has_table("meta"):
            return 1 if insp.has_table("contributions") else 0
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(meta.c.valeur).where(meta.c.cle == "schema")).scalar()
        return int(value or 1)

    def upgrade(self) -> None:
        """Create the schema, or bring an older one up to SCHEMA_VERSION in place."""
        current = self.version()
        with self.engine.begin() as conn:
            if current == 0:
                metadata.create_all(conn)
            elif current == 1:  # version 1 had no fingerprint column and no meta table
                meta.create(conn, checkfirst=True)
                conn.execute(sa.text("ALTER TABLE contributions ADD COLUMN empreinte VARCHAR(64) NOT NULL DEFAULT ''"))
                rows = conn.execute(sa.select(contributions.c.id, contributions.c.donnees)).all()
                for cid, data in rows:
                    conn.execute(
                        contributions.update()
                        .where(contributions.c.id == cid)
                        .values(empreinte=fingerprint(json.loads(data)))
                    )
                history.create(conn, checkfirst=True)
            if 0 < current < 3:
                login_failures.create(conn, checkfirst=True)
            if current < SCHEMA_VERSION:
                conn.execute(meta.delete().where(meta.c.cle == "schema"))
                conn.execute(meta.insert().values(cle="schema", valeur=str(SCHEMA_VERSION)))

    def reserve_login_attempt(self, key: str, now: float, delay: Callable[[int], float]) -> float:
        """Seconds `key` must still wait before a login attempt (nothing recorded), or 0 once this
        attempt is counted as a failure — `forget_login_failures` clears it when it succeeds.

        Check and count happen in one transaction holding the key's row (SQLite's write lock,
        PostgreSQL's row lock): attempts sent at once from many sessions or replicas are counted
        one after the other and cannot all pass the check before any is counted."""
        self.check_file()
        with self._writing("Connexion non vérifiée"), self.engine.begin() as conn:
            conn.execute(self._insert_if_absent(login_failures, cle=key, echecs=0, dernier=0.0))
            failures, last = conn.execute(
                sa.select(login_failures.c.echecs, login_failures.c.dernier)
                .where(login_failures.c.cle == key)
                .with_for_update()
            ).one()
            wait = delay(failures) - (now - last)
            if wait > 0:
                return wait
            conn.execute(
                login_failures.update()
                .where(login_failures.c.cle == key)
                .values(echecs=login_failures.c.echecs + 1, dernier=now)
            )
            conn.execute(login_failures.delete().where(login_failures.c.dernier < now - LOGIN_MEMORY_S))
        return 0.0

    def forget_login_failures(self, key: str) -> None:
        """A successful login: `key` starts again with a full budget."""
        self.check_file()
        with self._writing("Connexion non enregistrée"), self.engine.begin() as conn:
            conn.execute(login_failures.delete().where(login_failures.c.cle == key))

    def _insert_if_absent(self, table: sa.Table, **values: object) -> sa.Executable:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table).values(**values).on_conflict_do_nothing()
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).values(**values).on_conflict_do_nothing()

    def save_import(self, rows: pd.DataFrame, author: str, attempts: int = 3) -> dict[str, int]:
        """Store validated rows in ONE transaction; returns counts (nouvelles, modifiees, inchangees).

        When another session inserted the same id meanwhile (unique violation), the whole
        transaction is rolled back and replayed, so concurrent imports both end consistent."""
        self.check_file()
        for attempt in range(attempts):
            try:
                return self._save_import_once(rows, author)
            except StoreError as exc:
                if not isinstance(exc.__cause__, sa.exc.IntegrityError) or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _save_import_once(self, rows: pd.DataFrame, author: str) -> dict[str, int]:
        records = rows[COLUMNS].astype(str).to_dict("records")
        now = _now()
        try:
            with self.engine.begin() as conn:
                existing: dict[str, str] = {}
                ids = [r["id"] for r in records]
                for start in range(0, len(ids), 500):
                    query = sa.select(contributions.c.id, contributions.c.empreinte).where(
                        contributions.c.id.in_(ids[start : start + 500])
                    )
                    existing.update(dict(conn.execute(query).all()))
                new, changed, same = [], [], 0
                for row in records:
                    fp = fingerprint(row)
                    if row["id"] not in existing:
                        new.append((row, fp))
                        existing[row["id"]] = fp  # a repeated id in the file counts once
                    elif existing[row["id"]] == fp:
                        same += 1
                    else:
                        changed.append((row, fp))
                if new:
                    conn.execute(
                        contributions.insert(),
                        [
                            {
                                "id": r["id"],
                                "donnees": json.dumps(r, ensure_ascii=False),
                                "statut": "proposee",
                                "auteur": author,
                                "cree_le": now,
                                "modifie_le": now,
                                "empreinte": fp,
                            }
                            for r, fp in new
                        ],
                    )
                for r, fp in changed:
                    conn.execute(
                        contributions.update()
                        .where(contributions.c.id == r["id"])
                        .values(
                            donnees=json.dumps(r, ensure_ascii=False),
                            statut="proposee",
                            auteur=author,
                            modifie_le=now,
                            empreinte=fp,
                        )
                    )
                events = [
                    {"contribution_id": r["id"], "action": "proposée", "auteur": author, "quand": now, "details": ""}
                    for r, _ in new
                ]
                events += [
                    {"contribution_id": r["id"], "action": "modifiée", "auteur": author, "quand": now, "details": ""}
                    for r, _ in changed
                ]
                if events:
                    conn.execute(history.insert(), events)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"Enregistrement annulé, rien n'a été écrit ({exc.__class__.__name__}).") from exc
        return {"nouvelles": len(new), "modifiees": len(changed), "inchangees": same}

    def set_status(self, contribution_id: str, statut: str, author: str) -> None:
        self.check_file()
        if statut not in STATUSES:
            raise StoreError(f"Statut inconnu « {statut} ».")
        with self._writing(f"Statut de « {contribution_id} » inchangé"):
            now = _now()
            with self.engine.begin() as conn:
                done = conn.execute(
                    contributions.update()
                    .where(contributions.c.id == contribution_id)
                    .values(statut=statut, modifie_le=now)
                ).rowcount
                if not done:
                    raise StoreError(
                        f"Contribution « {contribution_id} » introuvable (supprimée entre-temps ?) : "
                        "rien n'a été modifié."
                    )
                conn.execute(
                    history.insert().values(
                        contribution_id=contribution_id,
                        action=STATUSES[statut].lower(),
                        auteur=author,
                        quand=now,
                        details="",
                    )
                )

    def delete(self, contribution_id: str, author: str) -> None:
        self.check_file()
        with self._writing(f"« {contribution_id} » n'a pas été supprimée"):
            now = _now()
            with self.engine.begin() as conn:
                done = conn.execute(contributions.delete().where(contributions.c.id == contribution_id)).rowcount
                if not done:
                    raise StoreError(f"Contribution « {contribution_id} » introuvable (déjà supprimée ?).")
                conn.execute(
                    history.insert().values(
                        contribution_id=contribution_id, action="supprimée", auteur=author, quand=now, details=""
                    )
                )

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """Database failures of a write become a French StoreError (never the SQL)."""
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            reason = (
                "base en lecture seule"
                if "readonly" in str(exc).lower() or "read-only" in str(exc).lower()
                else exc.__class__.__name__
            )
            raise StoreError(f"{what} : la base des contributions a refusé l'écriture ({reason}).") from exc

    def contributions(self, statut: str | None = None) -> pd.DataFrame:
        self.check_file()
        query = sa.select(contributions).order_by(contributions.c.id)
        if statut:
            query = query.where(contributions.c.statut == statut)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        records = [
            {**json.loads(r["donnees"]), "_statut": r["statut"], "_auteur": r["auteur"], "_modifie_le": r["modifie_le"]}
            for r in rows
        ]
        return pd.DataFrame(records, columns=COLUMNS + ["_statut", "_auteur", "_modifie_le"])

    def change_token(self) -> int:
        """Grows with every change (each one appends to the history): a cheap cache key."""
        self.check_file()
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(history.c.n), 0))).scalar() or 0)

    def history(self) -> pd.DataFrame:
        self.check_file()
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(history).order_by(history.c.n)).mappings().all()
        return pd.DataFrame(rows, columns=["n", "contribution_id", "action", "auteur", "quand", "details"])
