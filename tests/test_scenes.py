"""Scenes file validation (errors name the scene) and the standalone map export."""

import json

import pytest

from alliance.analysis.filters import apply_filters, build_filter_index
from alliance.exports.standalone_map import STILL_CSS, standalone_html
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
    assert scene_chart("population_membres", catalogue, ids[:3], load_atelier(), geo) is not None
    assert scene_chart("aucun", catalogue, ids) is None


def test_standalone_html_has_no_external_reference(catalogue, geo, vocab):
    scene = load_scenes(vocab, geo, set(catalogue.cooperations.index))[1]
    ids = apply_filters(catalogue, build_filter_index(catalogue, geo), scene.filters)
    html = standalone_html(scene_map(scene, catalogue, geo, ids), scene.titre)
    assert "<script src=" not in html and '<link rel="stylesheet" href=' not in html
    assert "/app/static" not in html and "cdn." not in html
    assert "L.map(" in html and "data:image/png;base64" in html
    assert f"<title>{scene.titre.replace(chr(39), '&#x27;')}</title>" in html


def scene_slides(catalogue, geo, vocab):
    from alliance.data.atelier import load_atelier

    index = build_filter_index(catalogue, geo)
    for scene in load_scenes(vocab, geo, set(catalogue.cooperations.index)):
        ids = apply_filters(catalogue, index, scene.filters)
        yield scene, ids, scene_chart(scene.graphique, catalogue, ids, load_atelier(), geo)


def test_every_scene_chart_supports_its_message(catalogue, geo, vocab):
    """A chart that says something (several bars, not all equal), whose leading values are the
    ones the message names; figures in the message are the workshop's."""
    from alliance.data.atelier import figure, load_atelier

    families = {f: {vocab[f].label(k).lower() for k in vocab[f].keys} for f in ("theme", "type")}
    for scene, _ids, built in scene_slides(catalogue, geo, vocab):
        data = built.data
        assert len(data) >= 2 and data["n"].nunique() >= 2, scene.id  # not one bar at 100 %
        shown = [str(v).lower() for v in data["libelle"]]
        family = next((f for f, labels in families.items() if set(shown) <= labels), None)
        named = [label for label in families.get(family, ()) if label in scene.message.lower()]
        for label in named:  # what the message names is on the chart…
            assert label in shown, (scene.id, label, shown)
        if any(word in scene.message for word in ("en tête", "d'abord", "les plus")):
            assert set(named) <= set(shown[: max(3, len(named))]), (scene.id, named, shown)  # …and leads it
        if scene.graphique == "population_membres":  # the pôles the message names are on the chart
            for name in ("Pays de Brest", "Rouen Seine Eure"):
                assert any(name in str(v) for v in data["libelle"]), name
        if scene.graphique.startswith("atelier"):
            atelier = load_atelier()
            participants = figure(atelier, "participants", "Participants à l'atelier")["valeur"]
            stickers = figure(atelier, "participants", "Gommettes posées")["valeur"]
            assert f"{participants} participants" in scene.message and f"{stickers} gommettes" in scene.message
            assert "mobilités, l'urbanisme et l'énergie" in scene.message
            assert list(data["cle"].head(3)) == ["mobilites", "urbanisme", "energie"]
            # a slide shows what is certain: the caveat is for the speaker and the export, not the slide
            assert data["incertain"].any() and "incertain" in built.caveat and built.note == ""
            assert "opacity" not in json.dumps(built.chart.to_dict())  # no pale bars


def test_exported_map_reads_alone(catalogue, geo, vocab):
    from alliance.views.slides import scene_sheet

    scene, ids, _ = next(scene_slides(catalogue, geo, vocab))
    sheet = scene_sheet(scene, catalogue, ids)
    html = standalone_html(scene_map(scene, catalogue, geo, ids), sheet)
    assert "sheet-title" in html and scene.message.replace("'", "&#x27;") in html
    assert "Légende" in html and "Pôle métropolitain" in html and "IGN" in html
    assert "openstreetmap" not in html.lower()  # no online layer offered in a file for offline use
    assert STILL_CSS not in html  # the interactive file keeps its controls
    still = standalone_html(scene_map(scene, catalogue, geo, ids), sheet, still=True)
    assert ".leaflet-control-zoom,.leaflet-control-layers" in still and sheet.date in still


def test_a_huge_integer_and_thousands_of_unknown_keys_get_a_short_french_refusal(catalogue, geo):
    with pytest.raises(SceneError) as huge:
        parse("scenes:\n  - id: a\n    titre: T\n    zoom: " + "9" * 5000 + "\n", catalogue, geo)
    assert huge.value.problems == ["Fichier de scènes illisible (nombre trop long)."]
    from alliance.fmt import fmt_int

    keys = ", ".join(f"c{i}: 1" for i in range(20_000))
    with pytest.raises(SceneError) as many:
        parse("scenes: [{id: a, titre: T, " + keys + "}]\n", catalogue, geo)
    problems = many.value.problems
    assert len(problems) == 31 and problems[-1] == f"… et {fmt_int(19_970)} autres problèmes."
    assert len("\n".join(problems)) < 3000


def test_a_scene_message_stays_plain_text_on_the_slide(catalogue, geo, vocab):
    """A blank line, an image, LaTeX or a colour directive in an uploaded message: shown as typed."""
    from streamlit.testing.v1 import AppTest

    from alliance.paths import ROOT

    message = "Première ligne.\n\n![image](http://127.0.0.1:9/message) $x^2$ :red[rouge] **gras**"
    body = "scenes:\n  - id: a\n    titre: Essai\n    message: |\n" + "".join(
        f"      {line}\n" for line in message.splitlines()
    )
    scenes = parse(body, catalogue, geo)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["scenes_chargees"] = scenes
    at.switch_page("pages/presentation.py").run()
    assert not at.exception
    shown = [h.proto.body for h in at.get("html") if "scene-message" in h.proto.body]
    assert len(shown) == 1 and "![image](http://127.0.0.1:9/message) $x^2$ :red[rouge] **gras**" in shown[0]
    assert not any("127.0.0.1:9" in m.value for m in at.markdown)
