"""Scenes of the Présentation page: loading and validation (errors name the scene), YAML of a new one."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from alliance.analysis.filters import URL_KEYS, Filters, from_query, to_query
from alliance.analysis.stats import DISTRIBUTIONS
from alliance.data.geodata import GeoData
from alliance.data.vocab import Vocabularies
from alliance.fmt import fmt_int
from alliance.paths import DATA_DIR

LAYERS = {
    "epci": "EPCI membres",
    "perimetres": "Périmètres",
    "liens": "Liens",
    "partenaires": "Partenaires",
    "registres": "Registres nationaux",
}
DEFAULT_LAYERS = ("epci", "perimetres", "liens", "partenaires")
# A scene's `graphique`: a filterable distribution of the catalogue (analysis.stats), or one of these.
CHARTS = {d.key: d.title for d in DISTRIBUTIONS.values() if d.filter} | {
    "population_membres": "Population des membres (EPCI)",
    "chronologie": "Chronologie",
    "atelier_themes": "Atelier 2019 : thèmes cités",
    "atelier_finalites": "Atelier 2019 : finalités citées",
    "aucun": "Aucun graphique",
}
SCENE_KEYS = {"id", "titre", "message", "filtres", "selection", "graphique", "couches", "vue"}
MAX_SCENES_BYTES = 256 * 1024
MAX_SCENES = 200
MAX_TEXT_CHARS = {"id": 80, "titre": 200, "message": 1000, "selection": 200, "graphique": 40}


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without aliases: a few hundred bytes of nested aliases ("billion laughs") would
    otherwise expand to gigabytes. A scenes file never needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases are not allowed")
        return super().compose_node(parent, index)


def _text(item: dict, key: str, where: str, problems: list[str], default: str = "") -> str:
    """A scalar field of a scene as text; lists and dictionaries are reported."""
    value = item.get(key, default)
    if value is None:
        return default
    if isinstance(value, (list, dict)):
        problems.append(f"{where} : « {key} » doit être un texte, pas une liste.")
        return default
    text = str(value)
    limit = MAX_TEXT_CHARS.get(key)
    if limit and len(text) > limit:
        problems.append(f"{where} : « {key} » trop long ({len(text)} caractères, {limit} au plus).")
        return text[:limit]
    return text


class SceneError(ValueError):
    """A scenes file that does not validate; `problems` are French sentences naming the scene."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Scene:
    id: str
    titre: str
    message: str
    filters: Filters
    selection: str | None = None
    graphique: str = "themes"
    couches: tuple[str, ...] = DEFAULT_LAYERS
    vue: tuple[float, float, float] | None = None  # lat, lon, zoom; None = frame the selection
    raw_filters: dict = field(default_factory=dict)


MAX_PROBLEMS = 30  # a file with 20 000 unknown keys gets a readable message, not 769 000 characters


def parse_scenes(text: str, vocab: Vocabularies, geo: GeoData, coop_ids: set[str]) -> list[Scene]:
    """Parse and validate a scenes YAML text; raise SceneError listing every problem.
    Bounded: size checked before parsing, no YAML alias, at most MAX_SCENES scenes."""
    if len(text.encode("utf-8", "replace")) > MAX_SCENES_BYTES:
        raise SceneError(
            [
                f"Fichier de scènes trop volumineux ({len(text.encode('utf-8', 'replace')) // 1024} Kio, "
                f"{MAX_SCENES_BYTES // 1024} Kio au plus)."
            ]
        )
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader without aliases
    except yaml.YAMLError as exc:
        reason = (
            "les alias YAML (*, &) ne sont pas acceptés"
            if "aliases" in str(exc)
            else f"YAML invalide : {exc.__class__.__name__}"
        )
        raise SceneError([f"Fichier de scènes illisible ({reason})."]) from None
    except RecursionError:
        raise SceneError(["Fichier de scènes illisible (imbrication trop profonde)."]) from None
    except ValueError:  # an integer of more than 4 300 digits (Python's limit)
        raise SceneError(["Fichier de scènes illisible (nombre trop long)."]) from None
    items = data.get("scenes") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise SceneError(["Le fichier doit contenir une liste « scenes » non vide."])
    if len(items) > MAX_SCENES:
        raise SceneError([f"Trop de scènes ({len(items)}, {MAX_SCENES} au plus)."])
    problems: list[str] = []
    scenes: list[Scene] = []
    seen: set[str] = set()
    for pos, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(f"Scène n° {pos} : une scène doit être un dictionnaire.")
            continue
        where = f"Scène n° {pos}"
        name = _text(item, "id", where, problems) or f"n° {pos}"
        where = f"Scène « {name} »"
        for key in sorted(set(map(str, item)) - SCENE_KEYS):
            problems.append(f"{where} : clé inconnue « {key[:40]} ».")
        titre = _text(item, "titre", where, problems)
        message = _text(item, "message", where, problems)
        for key, value in (("id", name if item.get("id") else ""), ("titre", titre)):
            if not value.strip():
                problems.append(f"{where} : « {key} » manquant.")
        if name in seen:
            problems.append(f"{where} : identifiant en double.")
        seen.add(name)
        raw = item.get("filtres") or {}
        if not isinstance(raw, dict):
            problems.append(f"{where} : « filtres » doit être un dictionnaire.")
            raw = {}
        for key in sorted(set(map(str, raw)) - set(URL_KEYS)):
            problems.append(f"{where} : filtre inconnu « {key[:40]} ».")
        params = {k: ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in raw.items() if k in URL_KEYS}
        params.setdefault("source", "documentee")  # scenes tell the documented catalogue unless they say
        filters, warnings = from_query(params, vocab, geo)
        problems.extend(f"{where} : {w}" for w in warnings)
        selection = _text(item, "selection", where, problems) or None
        if selection is not None and selection not in coop_ids:
            problems.append(f"{where} : coopération sélectionnée « {selection} » inconnue.")
        chart = _text(item, "graphique", where, problems, default="themes")
        if chart not in CHARTS:
            problems.append(f"{where} : graphique inconnu « {chart} » (possibles : {', '.join(CHARTS)}).")
        layers = item.get("couches", list(DEFAULT_LAYERS))
        if not isinstance(layers, list) or any(not isinstance(layer, str) or layer not in LAYERS for layer in layers):
            problems.append(f"{where} : couches inconnues (possibles : {', '.join(LAYERS)}).")
            layers = list(DEFAULT_LAYERS)
        view = item.get("vue")
        if view is not None:
            try:
                lat, lon, zoom = (float(view[k]) for k in ("lat", "lon", "zoom"))
                if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 2 <= zoom <= 14):
                    raise ValueError
                view = (lat, lon, zoom)
            except (TypeError, KeyError, ValueError, OverflowError):
                problems.append(f"{where} : « vue » attend lat, lon et zoom valides.")
                view = None
        scenes.append(
            Scene(
                id=name,
                titre=titre,
                message=message,
                filters=filters,
                selection=selection,
                graphique=chart,
                couches=tuple(layers),
                vue=view,
                raw_filters=params,
            )
        )
    if problems:
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS] + [
                f"… et {fmt_int(more)} autre{'s' if more > 1 else ''} problème{'s' if more > 1 else ''}."
            ]
        raise SceneError(problems)
    return scenes


def load_scenes(vocab: Vocabularies, geo: GeoData, coop_ids: set[str], path=DATA_DIR / "scenes.yaml") -> list[Scene]:
    return parse_scenes(path.read_text(encoding="utf-8"), vocab, geo, coop_ids)


def scene_yaml(
    scene_id: str, titre: str, message: str, filters: Filters, selection: str | None, graphique: str = "themes"
) -> str:
    """The YAML entry of a new scene (to append to a scenes file)."""
    query = to_query(filters)
    query.setdefault("source", "documentee,registre")  # what the Carte shows when no source is chosen
    entry = {
        "id": scene_id,
        "titre": titre,
        "message": message,
        "filtres": query,
        "graphique": graphique,
        "couches": list(LAYERS),
    }
    if selection:
        entry["selection"] = selection
    return yaml.safe_dump({"scenes": [entry]}, allow_unicode=True, sort_keys=False)
