"""Catalogue rows for the tests: one valid entente between Brest métropole and the CC du Pays
des Abers, every other column empty, with the cells a test sets."""

import pandas as pd

from alliance.data.catalogue import COLUMNS

VALID = {
    "type": "entente",
    "membres": "epci:242900314;epci:200068120",
    "statut": "active",
    "source": "Délibération",
    "citation": "Une citation",
}


def row(cid: str, **cells) -> dict:
    """A valid catalogue row named `cid` (nom defaults to the id), with `cells` overriding."""
    return {**dict.fromkeys(COLUMNS, ""), **VALID, "id": cid, "nom": cid, **cells}


def table(*rows_: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows_), columns=COLUMNS)
