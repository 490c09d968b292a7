"""Helpers to find verbatim citations in the seed documents (whitespace and line-break hyphens
normalised, as the PDF extraction broke lines inside words)."""

import re
from functools import cache
from pathlib import Path

from tests.conftest import SEEDS


def normalise(text: str) -> str:
    return " ".join(text.split())


@cache
def seed_variants(name: str) -> tuple[str, str, str]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return (
        normalise(text),
        normalise(re.sub(r"(\w)\s?-\s*\n\s*(\w)", r"\1\2", text)),  # "coopéra -\ntions"
        normalise(re.sub(r"(\w)\s?-\s*\n\s*(\w)", r"\1-\2", text)),  # "plate-\nforme"
    )


def found_in_seed(citation: str, source: str) -> bool:
    cit = normalise(citation)
    return bool(cit) and any(cit in variant for variant in seed_variants(source))


def seed_exists(source: str) -> bool:
    return (Path(SEEDS) / source).is_file()
