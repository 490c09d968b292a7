"""Hostile input: text reaching generated JavaScript or Markdown, URLs, scenes and spreadsheet
files built to exhaust the server, forged login attempts. Each test failed before the fix."""

from __future__ import annotations

import io
import time
import zipfile

import pandas as pd
import pytest

from alliance.data.catalogue import COLUMNS, TerritoryIndex, build_catalogue, read_catalogue_csv
from alliance.escaping import html_text, markdown_text
from alliance.paths import DATA_DIR
from tests.rows import row

# One payload per context a string can reach: HTML, attribute, JS string, template literal, URL.
PAYLOADS = {
    "html": "<img src=x onerror=alert(1)>",
    "attribute": '" onmouseover="alert(2)" x=\'',
    "js_string": "'); alert(3); ('",
    "template_literal": "Tick` + alert(201) + `",
    "template_expression": "Tpl ${alert(101)} fin",
    "backslash": "fin\\",
    "script_end": "</script><script>alert(4)</script>",
    "url": "javascript:alert(5)",
}


def contribution(cid: str, nom: str, ext_label: str = "Partenaire") -> dict:
    return row(
        cid, nom=nom, citation=nom, description=nom, membres=f"epci:242900314;epci:200068120;ext:{ext_label}@47.2,-1.5"
    )


def layers_js(geo, vocab, name: str, ext_label: str) -> str:
    from alliance.analysis.network import build_graph
    from alliance.maps.component import feature_group_js
    from alliance.maps.overlays import cooperation_groups, network_groups

    rows = pd.DataFrame(
        [
            contribution("essai", name, ext_label),
            {**contribution("zone", name, ext_label), "type": "petr", "membres": "epci:242900314;epci:200068120"},
        ],
        columns=COLUMNS,
    )
    merged = build_catalogue(
        pd.concat([read_catalogue_csv(DATA_DIR / "cooperations.csv"), rows], ignore_index=True), vocab, geo
    )
    groups = cooperation_groups(merged, geo, ["essai", "zone"], selected="essai")
    groups += network_groups(merged, build_graph(merged, ("essai", "zone")))
    return feature_group_js(groups, control_title="Coopérations").groups


@pytest.fixture(scope="module")
def benign_js(geo, vocab):
    return layers_js(geo, vocab, "Nom ordinaire", "Partenaire ordinaire")


@pytest.mark.parametrize("context", sorted(PAYLOADS))
def test_payload_cannot_leave_its_string_in_map_javascript(geo, vocab, benign_js, context):
    """The generated JavaScript has exactly the structure it has for a benign name: no extra
    backtick, `${`, quote or backslash, no tag; the payload is there only as entities."""
    payload = PAYLOADS[context]
    js = layers_js(geo, vocab, payload, f"Ext {payload}".replace(";", ","))  # ; separates members
    for token in ("`", "${", "\\", "<script", "<img", '"', "'"):
        assert js.count(token) == benign_js.count(token), (context, token)
    assert html_text(payload) in js


# Jinja syntax: branca compiled (and, in exports, ran) the rendered layer text as a template.
TEMPLATE_PAYLOADS = {
    "expression": "Calcul {{ 7*7 }} fin",
    "server_code": "Pid {{ lipsum.__globals__.os.getpid() }} fin",
    "statement": "Bloc {% if true %}vrai{% endif %} fin",
    "unbalanced": "Ouvert {% if %} et {{ jamais fermé",
    "comment": "Note {# commentaire",
}


@pytest.mark.parametrize("context", sorted(TEMPLATE_PAYLOADS))
def test_template_syntax_in_a_name_is_shown_as_written_never_run(geo, vocab, context):
    """On the live map and in the standalone export (the one that ran it: `{{ 7*7 }}` became 49
    and `lipsum.__globals__.os…` reached the server's os module), the text stays literal."""
    from alliance.exports.standalone_map import standalone_html
    from alliance.maps import basemap

    payload = TEMPLATE_PAYLOADS[context]
    assert html_text(payload) in layers_js(geo, vocab, payload, "Partenaire")
    rows = pd.DataFrame([contribution("essai", payload)], columns=COLUMNS)
    merged = build_catalogue(
        pd.concat([read_catalogue_csv(DATA_DIR / "cooperations.csv"), rows], ignore_index=True), vocab, geo
    )
    from alliance.maps.overlays import cooperation_groups

    fmap = basemap.carte_base_map(
        basemap.base_layers(geo), extra_groups=cooperation_groups(merged, geo, ["essai"]), online_basemap=False
    )
    html = standalone_html(fmap, "Export")
    assert html_text(payload) in html
    assert "Calcul 49" not in html and "vrai fin" not in html


def test_every_map_element_of_ours_renders_its_text_as_is():
    """Each MacroElement subclass of the project derives from RenderedMacroElement."""
    import inspect

    from branca.element import MacroElement

    from alliance.maps import basemap, features

    ours = [
        cls
        for module in (basemap, features)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, MacroElement) and cls.__module__.startswith("alliance.")
    ]
    assert len(ours) >= 8
    assert all(issubclass(cls, features.RenderedMacroElement) for cls in ours)


def test_escaping_functions():
    assert html_text("a`b${c}\\d<e>&\"'") == "a&#96;b&#36;{c}&#92;d&lt;e&gt;&amp;&quot;&#x27;"
    text = markdown_text(
        "![pixel](http://evil.example/pixel.png) [clic](http://evil.example/phish) "
        "www.evil.example a@evil.example <b>x</b> $x$ :red[x]"
    )
    for active in ("](", "![", "http://", "www.e", "a@evil", "<b>", "$x$", ":red["):
        assert active not in text
    assert markdown_text("l'axe Seine, « oui »") == "l'axe Seine, « oui »"


# --- URL parameters ------------------------------------------------------------------------

PAGES = ["carte", "statistiques", "territoire", "reseau", "alliances", "presentation", "accueil", "atelier", "donnees"]
HOSTILE_URLS = [
    {"de": "999"},
    {"de": "-1"},
    {"a": "99999"},
    {"de": "2030", "a": "1900"},
    {"de": "٢٠٢٠"},
    {"de": "2_020"},
    {"q": "x" * 100_000},
    {"theme": ",".join(["inconnu"] * 5000)},
    {"region": "x" * 100_000},
    {"coop": "x" * 100_000},
    {"coop": "![p](http://evil.example/p.png)"},
    {"t": "[clic](http://evil.example/)"},
    {"scene": "${alert(1)}`"},
    {"scene": "x" * 100_000},
    {"t": "epci:" + "9" * 5000},
    {f"p{i}": "1" for i in range(200)},
    {"type": "<img src=x onerror=alert(1)>"},
    {"dep": "../../etc/passwd"},
]


@pytest.mark.parametrize("page", PAGES)
def test_hostile_urls_never_crash(page):
    from streamlit.testing.v1 import AppTest

    from alliance.errors import UNEXPECTED_MESSAGE
    from alliance.paths import ROOT

    for params in HOSTILE_URLS:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(f"pages/{page}.py")
        start = time.process_time()
        at.run()
        assert not at.exception, (page, list(params)[:2])
        assert not any(UNEXPECTED_MESSAGE in e.value for e in at.error), (page, list(params)[:2])
        assert time.process_time() - start < 30
        shown = " ".join(w.value for w in at.warning)
        assert "evil.example/" not in shown.replace("\\", "") or "](" not in shown


def test_out_of_range_years_are_clamped_with_a_warning():
    from tests.apptests import app_on

    at = app_on("carte", {"de": "999"})
    at.run()
    assert not at.exception
    assert any("ramenée à" in w.value for w in at.warning)


# --- scenes (YAML) ---------------------------------------------------------------------------

BILLION_LAUGHS = """a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
scenes: [*h]
"""


def test_yaml_alias_bomb_is_refused_at_once(vocab, geo, catalogue):
    from alliance.views.scenes import SceneError, parse_scenes

    start = time.process_time()
    with pytest.raises(SceneError, match="alias"):
        parse_scenes(BILLION_LAUGHS, vocab, geo, set(catalogue.cooperations.index))
    assert time.process_time() - start < 1


@pytest.mark.parametrize(
    "text",
    [
        "scenes:\n- {id: a, titre: T, selection: [x, y]}\n",
        "scenes:\n- {id: [a], titre: T}\n",
        "scenes:\n- {id: a, titre: {x: 1}}\n",
        "scenes:\n- {id: a, titre: T, graphique: [themes]}\n",
        "scenes:\n- {id: a, titre: T, couches: [[epci]]}\n",
        "scenes:\n- {id: a, titre: T, filtres: {theme: [alimentation, inconnu]}}\n",
        "scenes:\n- {id: a, titre: T, vue: [1, 2, 3]}\n",
        "scenes:\n" + "- " * 3000 + "x\n",
        "[" * 5000,
    ],
)
def test_malformed_scenes_get_french_problems(vocab, geo, catalogue, text):
    from alliance.views.scenes import SceneError, parse_scenes

    with pytest.raises(SceneError) as err:
        parse_scenes(text, vocab, geo, set(catalogue.cooperations.index))
    assert err.value.problems and all(isinstance(p, str) for p in err.value.problems)


# --- spreadsheets ----------------------------------------------------------------------------


def xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A minimal valid workbook whose first sheet is `sheet_xml` (deflated)."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def test_xlsx_zip_bomb_is_refused_before_parsing():
    from alliance.contributions.importer import read_upload

    row = b'<row><c t="inlineStr"><is><t>' + b"a" * 1000 + b"</t></is></c></row>"
    bomb = xlsx_with_sheet(SHEET_HEAD + row * 60_000 + SHEET_TAIL)  # ~60 MB of XML
    assert len(bomb) < 1_000_000
    start = time.process_time()
    result = read_upload("bombe.xlsx", bomb)
    assert time.process_time() - start < 2
    assert "décompressé" in str(result.problems[0])


def test_xlsx_with_a_row_far_away_is_refused_quickly():
    from alliance.contributions.importer import read_upload

    sheet = (
        SHEET_HEAD + b'<row r="1"><c t="inlineStr"><is><t>id</t></is></c></row><row r="900000000">'
        b'<c t="inlineStr"><is><t>x</t></is></c></row>' + SHEET_TAIL
    )
    start = time.process_time()
    result = read_upload("loin.xlsx", xlsx_with_sheet(sheet))
    assert time.process_time() - start < 10
    assert "anormale" in str(result.problems[0])


def test_xlsx_over_the_row_limit_stops_reading(monkeypatch):
    from alliance.contributions import importer

    monkeypatch.setattr(importer, "MAX_ROWS", 50)
    rows = b"".join(b'<row><c t="inlineStr"><is><t>v%d</t></is></c></row>' % i for i in range(200))
    result = importer.read_upload("long.xlsx", xlsx_with_sheet(SHEET_HEAD + rows + SHEET_TAIL))
    assert "trop de lignes" in str(result.problems[0])


def csv_of(rows: list[dict], encoding="utf-8") -> bytes:
    return pd.DataFrame(rows, columns=COLUMNS).to_csv(index=False).encode(encoding)


def test_other_and_mixed_encodings_are_refused():
    from alliance.contributions.importer import read_upload

    japanese = csv_of([{**contribution("a", "協力テスト"), "source": "Deliberation"}], encoding="shift_jis")
    assert "encodage non reconnu" in str(read_upload("sj.csv", japanese).problems[0])
    mixed = csv_of([contribution("a", "Coopération")]) + "b,Défi\n".encode("cp1252")
    assert "mélangés" in str(read_upload("mixte.csv", mixed).problems[0])
    french = csv_of([contribution("a", "Coopération « Pays » – été")], encoding="cp1252")
    result = read_upload("fr.csv", french)
    assert not result.problems and result.rows.at[0, "nom"] == "Coopération « Pays » – été"


def test_huge_cell_gets_a_precise_message():
    from alliance.contributions.importer import read_upload

    for name, data in (
        ("a.csv", csv_of([contribution("a", "x" * 200_000)])),
        ("b.csv", csv_of([contribution("a", "x" * 20_000)])),
    ):
        message = str(read_upload(name, data).problems[0])
        assert "cellule" in message and "illisible" not in message


@pytest.mark.parametrize("year", ["2_020", "٢٠٢٠", "+2020", " 2020.0", "２０２０"])
def test_exotic_years_are_rejected(catalogue, geo, year):
    from alliance.contributions.importer import check_upload, read_upload

    row = {**contribution("annee-exotique", "Essai"), "annee": year}
    result = check_upload(read_upload("a.csv", csv_of([row])), catalogue, TerritoryIndex(geo))
    assert any(p.colonne == "annee" for p in result.problems), year


def test_overlong_id_is_rejected_the_same_way_everywhere(catalogue, geo):
    from alliance.contributions.importer import check_upload, read_upload

    result = check_upload(
        read_upload("a.csv", csv_of([contribution("a" * 300, "Essai")])), catalogue, TerritoryIndex(geo)
    )
    assert any(p.colonne == "id" and "trop long" in p.message for p in result.problems)


# --- login ----------------------------------------------------------------------------------


def test_login_delay_grows_and_is_capped():
    from alliance.app.auth import FREE_ATTEMPTS, MAX_DELAY_S, login_delay

    assert [login_delay(n) for n in range(FREE_ATTEMPTS + 3)] == [0.0] * FREE_ATTEMPTS + [2.0, 4.0, 8.0]
    assert login_delay(100) == MAX_DELAY_S


def test_repeated_wrong_passwords_are_slowed_down_and_logged(monkeypatch, tmp_path, caplog):
    from streamlit.testing.v1 import AppTest

    from alliance.paths import ROOT

    monkeypatch.setenv("ALLIANCE_DB_PATH", str(tmp_path / "c.db"))
    monkeypatch.setenv("ALLIANCE_EDITOR_PASSWORD", "s3cret")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/donnees.py")
    at.run()
    for _ in range(4):
        at.text_input(key="mot_de_passe").input("mauvais")
        at.button(key="connexion").click().run()
    assert any("Trop de tentatives" in e.value for e in at.error)
    at.text_input(key="mot_de_passe").input("s3cret")  # right, but too soon
    at.button(key="connexion").click().run()
    assert not at.get("file_uploader")
    assert "mauvais" not in caplog.text and "editor login failed (client local)" in caplog.text


def test_write_callbacks_refuse_a_visitor(monkeypatch, tmp_path):
    """A forged 'Valider' event from a visitor's session: nothing written, a French message."""
    from streamlit.testing.v1 import AppTest

    from alliance.contributions.store import Store
    from alliance.paths import ROOT

    db = tmp_path / "c.db"
    store = Store(f"sqlite:///{db}")
    store.save_import(pd.DataFrame([contribution("a-valider", "Essai")], columns=COLUMNS), "ed")
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(db))
    monkeypatch.setenv("ALLIANCE_EDITOR_PASSWORD", "s3cret")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/donnees.py")
    at.run()
    at.text_input(key="mot_de_passe").input("s3cret")
    at.button(key="connexion").click().run()
    at.session_state["editeur_connecte"] = False  # the session is no longer an editor's
    del at.session_state["editeur_nom"]
    at.button(key="statut_validee").click().run()
    assert not at.exception
    assert store.contributions("validee").empty
    assert any("réservée aux éditeurs" in e.value for e in at.error)


# --- control characters -------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x1b", "\x0b", "\x1f", "\x08", "\x7f"])
def test_a_control_character_is_refused_at_import_naming_row_and_column(char):
    from alliance.contributions.importer import read_upload

    rows = [contribution("propre", "Coopération propre"), contribution("sale", f"Coopération{char}cachée")]
    result = read_upload("c.csv", csv_of(rows))
    assert result.rows is None
    message = str(result.problems[0])
    assert "ligne 2, colonne « nom »" in message and f"U+{ord(char):04X}" in message, message


def test_every_export_survives_a_control_character_already_stored(geo, vocab):
    """A row stored before the import refused them (a database restored from elsewhere): XLSX,
    both CSV and GeoJSON exports still work, without the character."""
    import json

    from openpyxl import load_workbook

    from alliance.exports.selection import catalogue_csv, catalogue_geojson, selection_excel_csv, selection_xlsx

    stored = pd.DataFrame([contribution("esc", "Nom\x1bcaché\x0b")], columns=COLUMNS).assign(provenance="contribution")
    base = build_catalogue(read_catalogue_csv(DATA_DIR / "cooperations.csv"), vocab, geo)
    catalogue = build_catalogue(stored, vocab, geo, fichier="contributions", base=base)
    book = load_workbook(io.BytesIO(selection_xlsx(catalogue, ["esc"])))
    assert "Nomcaché" in [c for row in book["Coopérations"].values for c in row]
    for data in (selection_excel_csv(catalogue, ["esc"]), catalogue_csv(catalogue, ["esc"])):
        text = data.decode("utf-8-sig")
        assert "Nomcaché" in text and "\x1b" not in text
    assert json.loads(catalogue_geojson(catalogue, ["esc"]))["features"]
