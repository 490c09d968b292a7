"""Vocabularies of the catalogue (data/vocabulaires.yaml): keys, French labels, colours."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alliance.paths import DATA_DIR

FAMILIES = ("type", "theme", "finalite", "portage", "territoires", "temporalite", "intensite", "statut", "provenance")
FORMES = ("zone", "liens")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class VocabularyError(ValueError):
    """The vocabulary file itself is malformed."""


@dataclass(frozen=True)
class Value:
    key: str
    libelle: str
    couleur: str
    forme: str | None = None


@dataclass(frozen=True)
class Family:
    name: str
    libelle: str
    values: dict[str, Value]
    source: str | None = None
    citation: str | None = None

    def label(self, key: str) -> str:
        value = self.values.get(key)
        return value.libelle if value else key

    def colour(self, key: str) -> str:
        value = self.values.get(key)
        return value.couleur if value else "#999999"

    @property
    def keys(self) -> list[str]:
        return list(self.values)


@dataclass(frozen=True)
class Vocabularies:
    families: dict[str, Family] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Family:
        return self.families[name]

    def forme(self, type_key: str) -> str:
        return self["type"].values[type_key].forme or "liens"


def load_vocabularies(path: Path = DATA_DIR / "vocabulaires.yaml") -> Vocabularies:
    """Read and check the vocabularies (every value needs a label and a #rrggbb colour)."""
    raw = _read_yaml(path)
    families = {}
    for name in FAMILIES:
        if name not in raw:
            raise VocabularyError(f"{path.name} : famille « {name} » absente")
        fam = raw[name]
        values = {}
        for key, spec in (fam.get("valeurs") or {}).items():
            if not isinstance(spec, dict) or not spec.get("libelle"):
                raise VocabularyError(f"{path.name} : {name}.{key} sans libellé")
            if not _COLOUR.match(str(spec.get("couleur", ""))):
                raise VocabularyError(f"{path.name} : {name}.{key} : couleur invalide {spec.get('couleur')!r}")
            forme = spec.get("forme")
            if name == "type" and forme not in FORMES:
                raise VocabularyError(f"{path.name} : type.{key} : forme doit valoir zone ou liens")
            values[key] = Value(key=key, libelle=str(spec["libelle"]), couleur=spec["couleur"], forme=forme)
        if not values:
            raise VocabularyError(f"{path.name} : famille « {name} » sans valeur")
        families[name] = Family(
            name=name,
            libelle=fam.get("libelle", name),
            values=values,
            source=fam.get("source"),
            citation=fam.get("citation"),
        )
    return Vocabularies(families)


def load_sources(path: Path = DATA_DIR / "sources.yaml") -> dict[str, str]:
    """Titles of the seed documents, by file name."""
    return {str(k): str(v) for k, v in _read_yaml(path).items()}


# libyaml's safe loader where PyYAML was built with it: the vocabularies load in 10 ms instead of
# 120 ms, on the path of a cold server's first page.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
