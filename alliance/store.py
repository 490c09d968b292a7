"""Storage of contributed cooperations: SQLite by default, PostgreSQL through a URL.

`ALLIANCE_DATABASE_URL` (any SQLAlchemy URL, e.g. postgresql+psycopg://…) selects the database;
without it, a SQLite file at `ALLIANCE_DB_PATH` (default var/contributions.db). The schema is
versioned in table `meta`; opening an older database upgrades it in place. Every import runs in
one transaction: a failing row writes nothing, importing the same file twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from .catalogue import COLUMNS
from .paths import ROOT

SCHEMA_VERSION = 2
STATUSES = {"proposee": "Proposée", "validee": "Validée", "rejetee": "Rejetée"}

metadata = sa.MetaData()
meta = sa.Table("meta", metadata, sa.Column("cle", sa.String(50), primary_key=True), sa.Column("valeur", sa.Text))
contributions = sa.Table(
    "contributions", metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("donnees", sa.Text, nullable=False),          # the catalogue row, JSON
    sa.Column("statut", sa.String(20), nullable=False),
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("cree_le", sa.String(40), nullable=False),
    sa.Column("modifie_le", sa.String(40), nullable=False),
    sa.Column("empreinte", sa.String(64), nullable=False),  # added by schema version 2
)
history = sa.Table(
    "historique", metadata,
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("contribution_id", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("quand", sa.String(40), nullable=False),
    sa.Column("details", sa.Text, nullable=False, default=""),
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
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def fingerprint(row: dict) -> str:
    return hashlib.sha256(json.dumps({c: row.get(c, "") for c in COLUMNS}, sort_keys=True,
                                     ensure_ascii=False).encode()).hexdigest()


class Store:
    """Contributions and their history in one database."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        kwargs = {"connect_args": {"timeout": 30}} if self.url.startswith("sqlite") else {}
        self.engine = sa.create_engine(self.url, future=True, **kwargs)
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
                    conn.execute(contributions.update().where(contributions.c.id == cid)
                                 .values(empreinte=fingerprint(json.loads(data))))
                history.create(conn, checkfirst=True)
            if current < SCHEMA_VERSION:
                conn.execute(meta.delete().where(meta.c.cle == "schema"))
                conn.execute(meta.insert().values(cle="schema", valeur=str(SCHEMA_VERSION)))

    def save_import(self, rows: pd.DataFrame, author: str) -> dict[str, int]:
        """Store validated rows in ONE transaction; returns counts (nouvelles, modifiees, inchangees)."""
        counts = {"nouvelles": 0, "modifiees": 0, "inchangees": 0}
        now = _now()
        try:
            with self.engine.begin() as conn:
                for row in rows[COLUMNS].astype(str).to_dict("records"):
                    fp = fingerprint(row)
                    existing = conn.execute(sa.select(contributions.c.empreinte)
                                            .where(contributions.c.id == row["id"])).first()
                    if existing is None:
                        conn.execute(contributions.insert().values(
                            id=row["id"], donnees=json.dumps(row, ensure_ascii=False), statut="proposee",
                            auteur=author, cree_le=now, modifie_le=now, empreinte=fp))
                        conn.execute(history.insert().values(contribution_id=row["id"], action="proposée",
                                                             auteur=author, quand=now, details=""))
                        counts["nouvelles"] += 1
                    elif existing[0] == fp:
                        counts["inchangees"] += 1
                    else:
                        conn.execute(contributions.update().where(contributions.c.id == row["id"]).values(
                            donnees=json.dumps(row, ensure_ascii=False), statut="proposee", auteur=author,
                            modifie_le=now, empreinte=fp))
                        conn.execute(history.insert().values(contribution_id=row["id"], action="modifiée",
                                                             auteur=author, quand=now, details=""))
                        counts["modifiees"] += 1
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"Enregistrement annulé, rien n'a été écrit ({exc.__class__.__name__}).") from exc
        return counts

    def set_status(self, contribution_id: str, statut: str, author: str) -> None:
        if statut not in STATUSES:
            raise StoreError(f"Statut inconnu « {statut} ».")
        now = _now()
        with self.engine.begin() as conn:
            done = conn.execute(contributions.update().where(contributions.c.id == contribution_id)
                                .values(statut=statut, modifie_le=now)).rowcount
            if not done:
                raise StoreError(f"Contribution « {contribution_id} » introuvable.")
            conn.execute(history.insert().values(contribution_id=contribution_id, action=STATUSES[statut].lower(),
                                                 auteur=author, quand=now, details=""))

    def delete(self, contribution_id: str, author: str) -> None:
        now = _now()
        with self.engine.begin() as conn:
            done = conn.execute(contributions.delete().where(contributions.c.id == contribution_id)).rowcount
            if not done:
                raise StoreError(f"Contribution « {contribution_id} » introuvable.")
            conn.execute(history.insert().values(contribution_id=contribution_id, action="supprimée",
                                                 auteur=author, quand=now, details=""))

    def contributions(self, statut: str | None = None) -> pd.DataFrame:
        query = sa.select(contributions).order_by(contributions.c.id)
        if statut:
            query = query.where(contributions.c.statut == statut)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        records = [{**json.loads(r["donnees"]), "_statut": r["statut"], "_auteur": r["auteur"],
                    "_modifie_le": r["modifie_le"]} for r in rows]
        return pd.DataFrame(records, columns=COLUMNS + ["_statut", "_auteur", "_modifie_le"])

    def history(self) -> pd.DataFrame:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(history).order_by(history.c.n)).mappings().all()
        return pd.DataFrame(rows, columns=["n", "contribution_id", "action", "auteur", "quand", "details"])
