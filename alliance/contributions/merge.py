"""Validated contributions merged into the reference catalogue.

Linear in the number of rows: the reference catalogue is reused as it is and only the
contributed rows are validated and assembled (vectorised geometry). A contribution that no longer
validates (e.g. after a change of vocabulary or geography) is left out with its reason; the
others still appear.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from alliance.data.catalogue import (
    COLUMNS,
    Catalogue,
    Problem,
    TerritoryIndex,
    assemble_catalogue,
    gc_paused,
    validate,
)
from alliance.data.geodata import GeoData

FICHIER = "contributions"
MAX_PASSES = 5  # leaving a row out can only invalidate rows that name it as a coop: member


@dataclass(frozen=True)
class Merged:
    """The merged catalogue and, in French, why some contributions were left out."""

    catalogue: Catalogue
    problems: tuple[str, ...] = ()


def merge_contributions(reference: Catalogue, rows: pd.DataFrame, geo: GeoData, index: TerritoryIndex) -> Merged:
    """`reference` plus the valid rows of `rows` (catalogue columns, validated contributions)."""
    with gc_paused():
        return _merge(reference, rows, geo, index)


def _merge(reference: Catalogue, rows: pd.DataFrame, geo: GeoData, index: TerritoryIndex) -> Merged:
    if rows.empty:
        return Merged(reference)
    rows = rows[[c for c in COLUMNS if c in rows.columns]].reset_index(drop=True).assign(provenance="contribution")
    known = set(reference.cooperations.index)
    problems: list[str] = []
    for _ in range(MAX_PASSES):
        found = validate(rows, reference.vocab, index, FICHIER, known_ids=known)
        ids = rows["id"].astype(str).str.strip().tolist()
        found += [
            Problem(FICHIER, pos, "id", "identifiant déjà pris par le catalogue de référence")
            for pos, cid in enumerate(ids, start=1)
            if cid in known
        ]
        if not found:
            break
        if any(p.ligne is None for p in found):  # e.g. a cycle between contributions: none is kept
            return Merged(reference, tuple(str(p) for p in found))
        problems += [_describe(p, ids[p.ligne - 1]) for p in found if p.ligne is not None]
        rows = rows.drop(index=sorted({p.ligne - 1 for p in found if p.ligne is not None})).reset_index(drop=True)
        if rows.empty:
            return Merged(reference, tuple(problems))
    else:
        return Merged(reference, tuple(problems))
    return Merged(assemble_catalogue(rows, reference.vocab, geo, base=reference, index=index), tuple(problems))


def _describe(problem: Problem, cid: str) -> str:
    where = f"« {cid[:100]} »" + (f", colonne « {problem.colonne} »" if problem.colonne else "")
    return f"{where} : {problem.message}"
