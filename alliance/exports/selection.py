"""Files users take away with a selection: the catalogue's own CSV, an "Excel (FR)" CSV and an
XLSX workbook with French labels beside the codes, GeoJSON of perimeters and links. Every text
cell a spreadsheet could run as a formula is neutralised."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import shapely

from alliance.data.catalogue import COLUMNS, LIST_COLUMNS, PROVENANCE_COLUMNS, Catalogue
from alliance.escaping import printable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """Prefix text cells that a spreadsheet would run as a formula; drop control characters."""
    cell = printable(cell)
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def catalogue_csv(catalogue: Catalogue, ids) -> bytes:
    """The selected cooperations in the catalogue's own CSV format (lists joined by `;`)."""
    coops = catalogue.cooperations.loc[list(ids), COLUMNS + PROVENANCE_COLUMNS].copy()
    for column in coops.columns:
        coops[column] = coops[column].map(lambda v: ";".join(v) if isinstance(v, tuple) else v)
    coops["annee"] = coops["annee"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    return coops.map(neutralise).to_csv(index=False).encode("utf-8")


def catalogue_geojson(catalogue: Catalogue, ids) -> bytes:
    """The selected cooperations as GeoJSON: one feature per perimeter and one per link."""
    vocab = catalogue.vocab
    features = []
    for cid in ids:
        row = catalogue.cooperations.loc[cid]
        props = {
            "id": cid,
            "nom": row["nom"],
            "type": row["type"],
            "type_libelle": vocab["type"].label(row["type"]),
            "themes": ";".join(row["themes"]),
            "annee": None if pd.isna(row["annee"]) else int(row["annee"]),
            "statut": row["statut"],
            "membres": ";".join(row["membres"]),
            "source": row["source"],
            "citation": row["citation"],
            "provenance": row["provenance"],
            "jeu_de_donnees": row["jeu_de_donnees"],
            "identifiant": row["identifiant"],
            "membres_origine": row["membres_origine"],
            "membres_jeu": row["membres_jeu"],
            "membres_partiels": row["membres_partiels"],
            "membres_note": row["membres_note"],
        }
        features.append(
            {
                "type": "Feature",
                "properties": {**props, "objet": "perimetre"},
                "geometry": json.loads(shapely.to_geojson(catalogue.shapes[cid])),
            }
        )
    links = catalogue.links[catalogue.links["coop_id"].isin(list(ids))]
    for link in links.itertuples():
        features.append(
            {
                "type": "Feature",
                "properties": {"id": link.coop_id, "objet": "lien", "de": link.source, "vers": link.target},
                "geometry": json.loads(shapely.to_geojson(link.geometry)),
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


# Catalogue column -> (vocabulary family, French header of its labels)
LABELLED = {
    "type": ("type", "Type (libellé)"),
    "statut": ("statut", "Statut (libellé)"),
    "themes": ("theme", "Thèmes (libellés)"),
    "finalites": ("finalite", "Finalités (libellés)"),
    "portage": ("portage", "Portage (libellés)"),
    "territoires": ("territoires", "Territoires (libellés)"),
    "temporalite": ("temporalite", "Temporalité (libellés)"),
    "intensite": ("intensite", "Intensité (libellés)"),
    "provenance": ("provenance", "Provenance (libellé)"),
}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTRIBUTION = (
    "Sources : catalogue de l'Alliance des territoires (documents sources cités ligne à ligne) ; "
    "BANATIC (DGCL) ; ANCT ; INSEE (COG, zonages) ; IGN (contours administratifs)."
)


def readable_table(catalogue: Catalogue, ids) -> pd.DataFrame:
    """The selected rows with, beside each code, its French label (members: their names)."""
    coops = catalogue.cooperations.loc[list(ids), COLUMNS + PROVENANCE_COLUMNS]
    vocab = catalogue.vocab
    names = catalogue.members_of(list(ids), direct=True).groupby("coop_id", sort=False)["nom"].agg(" ; ".join)
    out: dict[str, pd.Series] = {}
    for column in coops.columns:
        values = coops[column]
        if column in LIST_COLUMNS:
            out[column] = values.map(";".join)
        elif column == "annee":
            out[column] = values.map(lambda v: "" if pd.isna(v) else str(int(v)))
        else:
            out[column] = values
        if column in LABELLED:
            family, header = LABELLED[column]
            fam = vocab[family]
            cells = values if column in LIST_COLUMNS else values.map(lambda v: (v,) if v else ())
            out[header] = cells.map(lambda keys, fam=fam: " ; ".join(fam.label(k) for k in keys))
        if column == "membres":
            out["Membres (noms)"] = names.reindex(coops.index).fillna("")
    return pd.DataFrame(out).map(neutralise)


# A chart's data as a reader wants it in a spreadsheet: French headers, rounded shares, none of
# the columns that only style or label the chart (colours, preformatted texts, descriptions).
CHART_HEADERS = {
    "cle": "Code",
    "libelle": "Valeur",
    "theme_libelle": "Thème",
    "type_libelle": "Type",
    "nom": "Nom",
    "annee": "Année",
    "n": "Nombre",
    "part": "Part (%)",
    "directes": "dont directes",
    "cumul": "Cumul",
    "incertain": "Appariement incertain",
}
CHART_ONLY = {"couleur", "n_texte", "part_texte", "etiquette", "description", "incertain_texte", "theme", "type"}


def readable_chart_data(data: pd.DataFrame) -> pd.DataFrame:
    """The table behind a chart, for its CSV exports."""
    table = data.drop(columns=[c for c in data.columns if c in CHART_ONLY])
    if "part" in table:
        table["part"] = table["part"].astype(float).round(1)
    if "incertain" in table:
        table["incertain"] = table["incertain"].map({True: "oui", False: "non"})
    return table.rename(columns=CHART_HEADERS)


# French headers of the catalogue's fields in the readable exports (the catalogue CSV keeps the
# field names, which the import reads back).
FIELD_HEADERS = {
    "id": "Identifiant",
    "nom": "Nom",
    "type": "Type (code)",
    "membres": "Membres (codes)",
    "chef_de_file": "Chef de file (code)",
    "themes": "Thèmes (codes)",
    "finalites": "Finalités (codes)",
    "portage": "Portage (codes)",
    "territoires": "Territoires (codes)",
    "temporalite": "Temporalité (codes)",
    "intensite": "Intensité (codes)",
    "annee": "Année de création",
    "statut": "Statut (code)",
    "description": "Description",
    "source": "Source",
    "citation": "Citation de la source",
    "provenance": "Provenance (code)",
    "jeu_de_donnees": "Jeu de données",
    "millesime": "Millésime",
    "identifiant": "Identifiant dans le jeu de données",
    "membres_origine": "Origine des membres",
    "membres_jeu": "Jeu de données des membres",
    "membres_partiels": "Membres incomplets",
    "membres_note": "Note sur les membres",
    "portage_origine": "Origine du portage",
    "themes_origine": "Origine des thèmes",
}


def excel_csv(table: pd.DataFrame) -> bytes:
    """CSV as French Excel opens it: `;` between cells, decimal comma, UTF-8 with a BOM."""
    return table.map(neutralise).to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def french_headers(table: pd.DataFrame) -> pd.DataFrame:
    """`readable_table` with French headers for every column."""
    return table.rename(columns=FIELD_HEADERS)


def selection_excel_csv(catalogue: Catalogue, ids) -> bytes:
    return excel_csv(french_headers(readable_table(catalogue, ids)))


def selection_xlsx(catalogue: Catalogue, ids, title: str = "Coopérations sélectionnées") -> bytes:
    """An XLSX workbook: the readable table (header frozen, filters on) and a « Sources » sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    table = french_headers(readable_table(catalogue, ids))
    book = Workbook()
    sheet = book.active
    sheet.title = "Coopérations"
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        sheet.append([printable(str(v)) for v in row])  # text cells: never read back as formulas or dates
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, header in zip(sheet.columns, table.columns):
        longest = max([len(str(header))] + [len(str(c.value or "")) for c in column[1:200]])
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, longest + 2))
    about = book.create_sheet("Sources")
    for line in (
        title,
        f"{len(table)} coopérations, export du {dt.date.today().strftime('%d/%m/%Y')}",
        ATTRIBUTION,
        "Colonnes « (code) » : codes du catalogue ; colonnes « (libellé) » : leur intitulé en français.",
    ):
        about.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
