"""Aggregations behind the charts, the exports, and the workshop tables."""

import io
import json
import re

import pandas as pd
import pytest

from alliance.analysis.stats import distribution, most_connected, theme_by_type, timeline
from alliance.data.atelier import chart_table, figure, load_atelier
from alliance.data.catalogue import (
    COLUMNS,
    PROVENANCE_COLUMNS,
    build_catalogue,
    read_catalogue_csv,
    register_perimeters,
)
from alliance.exports.selection import (
    catalogue_csv,
    catalogue_geojson,
    excel_csv,
    french_headers,
    neutralise,
    readable_chart_data,
    readable_table,
    selection_excel_csv,
    selection_xlsx,
)
from alliance.fmt import french_key
from alliance.views import charts


def small(vocab):
    return pd.DataFrame(
        {
            "themes": [("mobilites", "alimentation", "tourisme"), ("mobilites",), ()],
            "type": ["contrat_reciprocite", "entente", "entente"],
            "annee": pd.array([2016, 2016, None], dtype="Int64"),
        }
    )


def test_multi_theme_counts_once_in_each(vocab):
    d = distribution(small(vocab), "themes", vocab["theme"])
    assert dict(zip(d["cle"], d["n"])) == {"mobilites": 2, "alimentation": 1, "tourisme": 1}
    # shares over the cooperations that state a theme (2), not over the selection (3)
    assert d.iloc[0]["part_texte"] == "100,0\u00a0%"
    assert d.set_index("cle").at["alimentation", "part_texte"] == "50,0\u00a0%"
    assert d["libelle"].tolist()[0] == "Mobilités"


def test_every_share_rests_on_a_population_shown_beside_it(catalogue):
    """Nationally: the theme shares are over the cooperations that state a theme (documented
    rows, and Territoires d'industrie whose programme is about industry), a number the note
    gives; the portage now covers most register rows too."""
    from alliance.analysis.stats import population
    from alliance.views.statistics import CHARTS

    coops = catalogue.cooperations
    counts = population(coops, "themes")
    assert counts["total"] == len(coops) and counts["documentees"] + counts["registres"] == len(coops)
    industry = (coops["type"] == "territoire_industrie") & (coops["provenance"] == "registre")
    assert counts["definition"] == industry.sum() == 182
    d = distribution(coops, "themes", catalogue.vocab["theme"])
    top = d.iloc[0]
    assert top["part"] == pytest.approx(100 * top["n"] / counts["renseignees"])
    note = CHARTS["themes"].build(catalogue, None, coops.index).note
    assert f"sur ces {counts['renseignees']}" in note.replace("\u202f", "").replace("\u00a0", "")
    portage = population(coops, "portage")
    groupings = (coops["provenance"] == "registre") & (coops["type"] != "territoire_industrie")
    assert portage["renseignees_registres"] == groupings.sum() - 1  # one CRTE carried by a CC that did not sign


def test_single_valued_column_and_tie_order(vocab):
    d = distribution(small(vocab), "type", vocab["type"])
    assert d["cle"].tolist() == ["entente", "contrat_reciprocite"]
    assert d["part"].sum() == pytest.approx(100)


def test_empty_selection(vocab):
    empty = small(vocab).iloc[0:0]
    assert distribution(empty, "themes", vocab["theme"]).empty
    assert timeline(empty, vocab["type"]).empty
    assert theme_by_type(empty, vocab["theme"], vocab["type"]).empty


def test_unknown_key_is_kept_not_dropped(vocab):
    df = pd.DataFrame({"themes": [("mobilites", "inconnu")]})
    d = distribution(df, "themes", vocab["theme"])
    assert set(d["cle"]) == {"mobilites", "inconnu"}
    assert d.set_index("cle").at["inconnu", "libelle"] == "inconnu"


def test_timeline_cumulates(vocab):
    t = timeline(small(vocab), vocab["type"])
    assert t["n"].sum() == 2 and t["cumul"].max() == 2


def test_full_catalogue_themes_match_rows(catalogue, vocab):
    d = distribution(catalogue.cooperations, "themes", vocab["theme"])
    food = d.set_index("cle").at["alimentation", "n"]
    assert food == sum("alimentation" in t for t in catalogue.cooperations["themes"])


def test_most_connected_counts_groupings(catalogue, geo):
    documented = catalogue.cooperations.index[catalogue.cooperations["provenance"] == "documentee"]
    top = most_connected(catalogue, geo, documented, limit=3)
    assert top.iloc[0]["nom"] == "Nantes Métropole"
    assert (top["n"] >= top["directes"]).all()
    brest = top.set_index("nom").loc["Brest Métropole"]
    assert brest["n"] == brest["directes"] + 1  # the TEPCV bid, through the Pôle du Pays de Brest


def test_csv_export_round_trips_and_neutralises(catalogue, geo, vocab):
    data = catalogue_csv(catalogue, catalogue.cooperations.index)
    back = read_catalogue_csv(io.BytesIO(data))
    assert list(back.columns) == COLUMNS + PROVENANCE_COLUMNS
    rebuilt = build_catalogue(back, vocab, geo, known_shapes=register_perimeters())
    pd.testing.assert_frame_equal(rebuilt.cooperations, catalogue.cooperations)
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutralise("-1") == "'-1" and neutralise("ok") == "ok"


def test_geojson_export(catalogue):
    ids = ["cr-brest-cob", "pm-pays-de-brest"]
    data = json.loads(catalogue_geojson(catalogue, ids))
    kinds = [f["properties"]["objet"] for f in data["features"]]
    assert kinds.count("perimetre") == 2 and kinds.count("lien") == 1


def test_chart_exports_offline(catalogue, vocab):
    data = distribution(catalogue.cooperations, "themes", vocab["theme"])
    chart = charts.french(charts.bar_distribution(data, "Thèmes"))
    png = charts.to_png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = charts.to_svg(chart)
    first = f"{data['part'].iloc[0]:.1f}".replace(".", ",")  # French decimal comma
    assert "<svg" in svg and data["libelle"].iloc[0] in svg and first in svg


def test_workshop_tables(vocab):
    df = load_atelier()
    mob = chart_table(df, vocab, "vote_mobilites", "temporalite", "temporalite")
    assert dict(zip(mob["cle"], mob["n"])) == {"long_terme": 20, "immediat": 14, "moyen_terme": 14}
    assert mob.iloc[0]["part_texte"] == "67\u00a0%"  # 20 of 30 votes
    fin = chart_table(df, vocab, "finalites_alliances", family="finalite")
    assert fin.set_index("cle").at["ameliorer_service", "incertain"]
    assert not fin.set_index("cle").at["mettre_en_reseau", "incertain"]
    assert figure(df, "participants", "Participants à l'atelier")["valeur"] == 83


def test_coverage_by_region_and_petr_sizes(catalogue, geo):
    from alliance.analysis.stats import grouping_sizes, register_coverage

    coverage = register_coverage(catalogue, geo).set_index("region")
    assert len(coverage) >= 13  # every metropolitan region now has groupings
    assert coverage.at["Hauts-de-France", "epci_couverts"] > 0
    assert coverage.at["Bretagne", "part_population"] > 50
    sizes = grouping_sizes(catalogue, geo, catalogue.cooperations.index, "petr")
    assert sizes["n"].sum() == int((catalogue.cooperations["type"] == "petr").sum())


def test_exports_say_where_members_come_from(catalogue):
    ids = ["territoires-de-confluence", "pays-centre-ouest-bretagne"]
    data = json.loads(catalogue_geojson(catalogue, ids))
    props = {f["properties"]["id"]: f["properties"] for f in data["features"]}
    assert props["territoires-de-confluence"]["membres_origine"] == "deduit"
    assert props["territoires-de-confluence"]["membres_partiels"] == "oui"
    assert "200073971" in props["pays-centre-ouest-bretagne"]["membres_jeu"]
    csv_text = catalogue_csv(catalogue, ids).decode("utf-8-sig")
    assert "membres_origine" in csv_text.splitlines()[0] and "Loudunais" in csv_text


def _contrast(hex_colour: str) -> float:
    """WCAG contrast ratio of a colour against white."""

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_chart_text_is_dark_enough_and_large_on_slides(catalogue, vocab):
    data = distribution(catalogue.cooperations, "themes", vocab["theme"])
    spec = charts.french(charts.bar_distribution(data, "Thèmes"), font_size=charts.PROJECTOR_FONT_SIZE).to_dict(
        validate=False
    )
    config = spec["config"]
    for colour in (config["axis"]["labelColor"], config["axis"]["titleColor"], config["title"]["color"]):
        assert _contrast(colour) >= 4.5
    assert config["axis"]["labelFontSize"] >= 24 and charts.PROJECTOR_FONT_SIZE >= 24
    assert spec["height"]["step"] >= 1.3 * charts.PROJECTOR_FONT_SIZE  # every label keeps its row


def test_excel_csv_opens_in_french_excel(catalogue):
    ids = ["cr-brest-cob", "pm-pays-de-brest"]
    data = selection_excel_csv(catalogue, ids)
    assert data.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8 accents
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[:3] == ["Identifiant", "Nom", "Type (code)"] and "Type (libellé)" in header
    assert "Membres (noms)" in header and "Origine des membres" in header
    assert [h for h in header if re.fullmatch(r"[a-z_]+", h)] == []  # no raw field name left
    back = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False).set_index("Identifiant")
    assert back.at["cr-brest-cob", "Type (libellé)"] == "Contrat de réciprocité"
    assert "Brest Métropole" in back.at["cr-brest-cob", "Membres (noms)"]
    assert back.at["pm-pays-de-brest", "Type (code)"] == "pole_metropolitain"
    shares = excel_csv(pd.DataFrame({"theme": ["=SOMME(A1)", "mobilités"], "part": [12.5, 3.0]}))
    assert shares.decode("utf-8-sig").splitlines() == ["theme;part", "'=SOMME(A1);12,5", "mobilités;3,0"]


def test_a_charts_csv_has_french_headers_rounded_shares_and_no_styling(catalogue):
    """Issue 32: « CSV Excel (FR) » of a chart shipped cle;libelle;couleur;n;part;n_texte;part_texte,
    hex colours and 27,63157894736842."""
    data = distribution(catalogue.cooperations, "themes", catalogue.vocab["theme"])
    text = excel_csv(readable_chart_data(data)).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Code;Valeur;Nombre;Part (%)"
    assert "#" not in text
    assert all(re.fullmatch(r"[^;]+;[^;]+;\d+;\d+(,\d)?", line) for line in lines[1:]), lines[:3]


def test_xlsx_export_has_labels_sources_and_no_formula(catalogue):
    from openpyxl import load_workbook

    hostile = catalogue.cooperations.index[:2]
    book = load_workbook(io.BytesIO(selection_xlsx(catalogue, hostile)))
    sheet = book["Coopérations"]
    rows = list(sheet.values)
    assert list(rows[0]) == list(french_headers(readable_table(catalogue, hostile)).columns)
    assert len(rows) == 3 and sheet.freeze_panes == "C2"
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row if cell.value)
    notes = [r[0] for r in book["Sources"].values]
    assert "BANATIC (DGCL)" in notes[2] and notes[1].startswith("2 coopérations, export du ")


def test_chart_image_is_a_16_9_slide_with_selection_and_footer(catalogue, geo):
    from PIL import Image

    from alliance.analysis.filters import Filters, describe

    words = describe(Filters(regions=("53",), themes=("alimentation",), annee_min=2010), catalogue.vocab, geo)
    assert words == "Région : Bretagne · Thème : Alimentation · Créées de 2010 à …"
    assert describe(Filters(), catalogue.vocab, geo) == "Tout le catalogue"
    data = distribution(catalogue.cooperations, "themes", catalogue.vocab["theme"])
    spec = charts.french(charts.bar_distribution(data, "Thèmes")).to_dict()
    assert charts.with_subtitle(spec, words)["title"] == {"text": "Thèmes", "subtitle": words}
    image = Image.open(io.BytesIO(charts.slide_png(spec, words, "Sources : test — export du 01/12/2026")))
    assert image.size == (1920, 1080)
    footer = image.crop((0, 1080 - charts.FOOTER_PX, 1920, 1080)).convert("L")
    assert min(footer.getdata()) < 100  # dark footer text is drawn


def test_a_short_chart_fills_its_slide(catalogue):
    """Issue 32: a five-bar chart left the bottom ~45 % of its 16:9 image blank."""
    import numpy as np
    from PIL import Image

    data = distribution(catalogue.cooperations, "portage", catalogue.vocab["portage"])
    assert len(data) <= 6
    spec = charts.french(charts.bar_distribution(data, "Portage")).to_dict()
    grey = np.array(Image.open(io.BytesIO(charts.slide_png(spec, "Tout le catalogue", "Sources"))).convert("L"))
    above_footer = grey[: 1080 - charts.FOOTER_PX - 12]
    inked_rows = np.where((above_footer < 200).any(axis=1))[0]
    assert inked_rows.max() > 0.9 * len(above_footer)


def test_heatmap_labels_every_column_in_french_order(catalogue):
    data = theme_by_type(catalogue.cooperations, catalogue.vocab["theme"], catalogue.vocab["type"])
    spec = charts.heatmap(data).to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["axis"]["labelOverlap"] is False  # Vega would otherwise drop every other label
    assert x["sort"] == sorted(x["sort"], key=french_key)
    assert set(x["sort"]) == set(data["type_libelle"])
