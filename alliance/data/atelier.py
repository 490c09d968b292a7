"""The Loire-Bretagne workshop of 2019 (data/atelier_pmlb_2019.csv): loading and chart tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alliance.data.vocab import Vocabularies
from alliance.fmt import fmt_int, fmt_pct
from alliance.paths import DATA_DIR

QUESTION_FAMILY = {
    "temporalite": "temporalite",
    "territoires": "territoires",
    "portage": "portage",
    "finalites": "finalite",
}
QUESTION_TITLE = {
    "temporalite": "Temporalité",
    "territoires": "Territoires",
    "portage": "Portage",
    "finalites": "Finalités",
}
THEME_VOTES = {"vote_mobilites": "Mobilités", "vote_tourisme": "Tourisme"}


def load_atelier(path: Path = DATA_DIR / "atelier_pmlb_2019.csv") -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["valeur"] = df["valeur"].astype(int)
    df["appariement_incertain"] = df["appariement_incertain"].eq("true")
    return df


def figure(df: pd.DataFrame, jeu: str, modalite: str, question: str | None = None) -> pd.Series:
    """One figure (row) of the workshop table."""
    rows = df[(df["jeu"] == jeu) & (df["modalite"] == modalite)]
    if question is not None:
        rows = rows[rows["question"] == question]
    if len(rows) != 1:
        raise KeyError(f"{jeu}/{question}/{modalite}: {len(rows)} lignes")
    return rows.iloc[0]


def chart_table(
    df: pd.DataFrame, vocab: Vocabularies, jeu: str, question: str | None = None, family: str | None = None
) -> pd.DataFrame:
    """Rows of one chart in the shape of stats.distribution (+ incertain, source, citation)."""
    rows = df[df["jeu"] == jeu]
    if question is not None:
        rows = rows[rows["question"] == question]
    fam = vocab[family] if family else None
    unit = rows["unite"].iloc[0] if len(rows) else ""
    total = None
    if unit == "votes" and jeu in THEME_VOTES:
        total = int(figure(df, jeu, "total", "Votes")["valeur"])
    out = pd.DataFrame(
        {
            "cle": rows["modalite"].values,
            "libelle": [fam.label(k) if fam else k for k in rows["modalite"]],
            "couleur": [fam.colour(k) if fam else "#8c1d40" for k in rows["modalite"]],
            "n": rows["valeur"].values,
            "incertain": rows["appariement_incertain"].values,
            "source": rows["source"].values,
            "citation": rows["citation"].values,
        }
    )
    if unit == "%":
        out["part"] = out["n"].astype(float)
    elif total:
        out["part"] = 100.0 * out["n"] / total
    else:
        out["part"] = float("nan")
    out["n_texte"] = [fmt_pct(v, 0) if unit == "%" else fmt_int(v) for v in out["n"]]
    out["part_texte"] = out["part"].map(lambda v: "" if pd.isna(v) else fmt_pct(v, 0))
    return out.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
