"""Scenes file validation (errors name the scene) and the standalone map export."""

import pytest

from alliance.analysis.filters import apply_filters, build_filter_index
from alliance.exports.standalone_map import standalone_html
from alliance.views.scenes import SceneError, load_scenes, parse_scenes, scene_yaml
from alliance.views.slides import scene_chart, scene_map


def parse(text, catalogue, geo):
    return parse_scenes(text, catalogue.vocab, geo, set(catalogue.cooperations.index))


def test_project_scenes_are_valid_and_not_empty(catalogue, geo, vocab):
    scenes = load_scenes(vocab, geo, set(catalogue.cooperations.index))
    assert len(scenes) >= 7
    index = build_filter_index(catalogue, geo)
    for scene in scenes:
        assert len(apply_filters(catalogue, index, scene.filters)) > 0, scene.id
        if scene.selection:
            assert scene.selection in apply_filters(catalogue, index, scene.filters), scene.id


@pytest.mark.parametrize(
    "body, expected",
    [
        ("filtres: {theme: astrologie}", "Scène « essai » : Paramètre « theme » : thème « astrologie » inconnu(e)"),
        ("filtres: {couleur: rouge}", "Scène « essai » : filtre inconnu « couleur »"),
        ("graphique: camembert", "Scène « essai » : graphique inconnu « camembert »"),
        ("selection: nulle-part", "Scène « essai » : coopération sélectionnée « nulle-part » inconnue"),
        ("couches: [satellite]", "Scène « essai » : couches inconnues"),
        ("vue: {lat: 200, lon: 0, zoom: 5}", "Scène « essai » : « vue » attend lat, lon et zoom valides"),
        ("musique: oui", "Scène « essai » : clé inconnue « musique »"),
    ],
)
def test_invalid_scene_names_the_scene(body, expected, catalogue, geo):
    text = f"scenes:\n  - id: essai\n    titre: Essai\n    {body}\n"
    with pytest.raises(SceneError) as err:
        parse(text, catalogue, geo)
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_malformed_files(catalogue, geo):
    for text in ("", "scenes: []", "scenes: [1, 2]", "a: [b", "- id: x\n  titre: y\n- id: x\n  titre: z"):
        with pytest.raises(SceneError):
            parse(text, catalogue, geo)


def test_saved_view_round_trips(catalogue, geo):
    from alliance.analysis.filters import Filters

    text = scene_yaml(
        "ma-vue",
        "Ma vue",
        "Un message",
        Filters(themes=("alimentation",), regions=("76",)),
        "cr-toulouse-portes-de-gascogne",
    )
    [scene] = parse(text, catalogue, geo)
    assert scene.filters == Filters(themes=("alimentation",), regions=("76",), provenances=("documentee", "registre"))
    assert scene.selection == "cr-toulouse-portes-de-gascogne"


def test_scene_charts(catalogue, geo, vocab):
    from alliance.data.atelier import load_atelier

    ids = catalogue.cooperations.index
    for name in ("themes", "portage", "types", "finalites", "statuts", "chronologie", "atelier_themes"):
        assert scene_chart(name, catalogue, ids, load_atelier()) is not None, name
    assert scene_chart("aucun", catalogue, ids) is None


def test_standalone_html_has_no_external_reference(catalogue, geo, vocab):
    scene = load_scenes(vocab, geo, set(catalogue.cooperations.index))[1]
    ids = apply_filters(catalogue, build_filter_index(catalogue, geo), scene.filters)
    html = standalone_html(scene_map(scene, catalogue, geo, ids), scene.titre)
    assert "<script src=" not in html and '<link rel="stylesheet" href=' not in html
    assert "/app/static" not in html and "cdn." not in html
    assert "L.map(" in html and "data:image/png;base64" in html
    assert f"<title>{scene.titre.replace(chr(39), '&#x27;')}</title>" in html
