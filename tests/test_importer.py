"""The importer gives each malformed file or row its own French message (named cases, then random
files that must never fall back to the catch-all)."""

import io
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.contributions.importer import (
    MAX_BYTES,
    check_in_chunks,
    check_upload,
    read_upload,
    template_csv,
    template_xlsx,
)
from alliance.data.catalogue import COLUMNS, TerritoryIndex
from alliance.exports.selection import catalogue_csv
from tests.rows import row

GOOD = row("nouvelle", nom="Nouvelle coopération")


def csv_bytes(rows, sep=",", encoding="utf-8"):
    return pd.DataFrame(rows, columns=COLUMNS).to_csv(index=False, sep=sep).encode(encoding)


def test_good_file_in_every_accepted_form(catalogue, geo):
    index = TerritoryIndex(geo)
    row = {**GOOD, "nom": "Coopération « Cœur d'Hérault »"}
    forms = {
        "a.csv": csv_bytes([row]),
        "b.csv": csv_bytes([row], sep=";"),
        "c.csv": b"\xef\xbb\xbf" + csv_bytes([row]),
        "d.csv": csv_bytes(
            [{**row, "nom": "Coopération « Cœur d'Hérault »".replace("œ", "oe")}], sep=";", encoding="cp1252"
        ),
    }
    buffer = io.BytesIO()
    pd.DataFrame([row], columns=COLUMNS).to_excel(buffer, index=False)
    forms["e.xlsx"] = buffer.getvalue()
    for name, data in forms.items():
        result = check_upload(read_upload(name, data), catalogue, index)
        assert result.ok, (name, [str(p) for p in result.problems])
        assert result.rows.at[0, "nom"].startswith("Coopération « C")


def test_problems_name_row_and_column(catalogue, geo):
    rows = [
        GOOD,
        {**GOOD, "id": "autre", "type": "alliance", "membres": "epci:999999999"},
        {**GOOD, "id": "cr-brest-cob"},
    ]
    result = check_upload(read_upload("x.csv", csv_bytes(rows)), catalogue, TerritoryIndex(geo))
    messages = [str(p) for p in result.problems]
    assert "x.csv, ligne 2, colonne « type » : type inconnu « alliance »" in messages
    assert any(
        m.startswith("x.csv, ligne 2, colonne « membres » : référence « epci:999999999 » introuvable") for m in messages
    )
    assert (
        "x.csv, ligne 3, colonne « id » : identifiant « cr-brest-cob » déjà utilisé par le catalogue de référence"
        in messages
    )


def test_structural_problems():
    assert "colonne absente" in str(read_upload("x.csv", b"id,nom\na,b\n").problems[0])
    assert "trop volumineux" in str(read_upload("x.csv", b"a" * (MAX_BYTES + 1)).problems[0])
    assert "vide" in str(read_upload("x.csv", b"   ").problems[0])
    assert "binaire" in str(read_upload("x.csv", b"\x00\x01\x02id").problems[0])
    assert "illisible" in str(read_upload("x.xlsx", b"PK\x03\x04garbage").problems[0])


def test_export_then_import_gives_the_same_catalogue(catalogue, geo):
    data = catalogue_csv(catalogue, catalogue.cooperations.index)
    result = read_upload("export.csv", data)
    assert result.rows is not None and result.problems == []
    assert len(result.rows) == len(catalogue.cooperations)
    assert list(result.rows["id"]) == list(catalogue.cooperations.index)


def test_template_reads_back_valid(catalogue, geo):
    result = check_upload(read_upload("modele.csv", template_csv()), catalogue, TerritoryIndex(geo))
    assert result.ok, [str(p) for p in result.problems]


cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "epci:242900314",
            "coop:cr-brest-cob",
            "ext:x@1,2",
            "=cmd|' /C calc'!A0",
            "<img src=x onerror=alert(1)>",
            "entente",
            "1850",
            "mobilites;;",
            '"',
            "\r\n",
            ";",
        ]
    ),
)
rows = st.lists(st.fixed_dictionaries({c: cells for c in COLUMNS}), max_size=5)
raw = st.one_of(
    st.binary(max_size=600),
    rows.map(lambda r: csv_bytes(r, sep=";")),
    rows.map(lambda r: csv_bytes(r)[: max(1, len(csv_bytes(r)) // 2)]),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=400).map(lambda t: ("id;nom\n" + t).encode("cp1252", "ignore")),
)


def xlsx_bytes(entries: dict[str, bytes], declared: dict[str, int] | None = None) -> bytes:
    """A zip archive (an .xlsx is one); `declared` overrides the uncompressed size an entry
    claims, as a zip bomb would."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    data = buffer.getvalue()
    for name, size in (declared or {}).items():
        # patch the central directory's uncompressed size of `name`
        pos = data.rfind(b"PK\x01\x02")
        while pos != -1:
            length = int.from_bytes(data[pos + 28 : pos + 30], "little")
            if data[pos + 46 : pos + 46 + length].decode() == name:
                data = data[: pos + 24] + size.to_bytes(4, "little") + data[pos + 28 :]
            pos = data.rfind(b"PK\x01\x02", 0, pos)
    return data


HEADER = ",".join(COLUMNS)
MALFORMED_FILES = {
    "empty": ("f.csv", b"", "Fichier non importé : fichier vide"),
    "blank": ("f.csv", b"  \n ", "Fichier non importé : fichier vide"),
    "binary": ("f.csv", b"\x00\x01\x02id", "fichier binaire : CSV ou XLSX attendu"),
    "too large": ("f.csv", b"a" * (MAX_BYTES + 1), "fichier trop volumineux"),
    "not a zip": ("f.xlsx", b"PK\x03\x04garbage", "classeur XLSX illisible (archive invalide)"),
    "zip bomb": (
        "f.xlsx",
        xlsx_bytes({"xl/worksheets/sheet1.xml": b"<x/>"}, {"xl/worksheets/sheet1.xml": 2_000_000_000}),
        "classeur trop volumineux une fois décompressé",
    ),
    "archive of many parts": (
        "f.xlsx",
        xlsx_bytes({f"p{i}.xml": b"" for i in range(2_000)}),
        "classeur XLSX anormal (2000 éléments dans l'archive)",
    ),
    "row wider than header": ("f.csv", b"id,nom\na,b,c\n", "ligne 1 : 3 cellules pour 2 colonnes"),
    "huge cell": ("f.csv", f'{HEADER}\n"{"x" * 140_000}"\n'.encode(), "une cellule dépasse 128 Kio"),
    "duplicate columns": ("f.csv", f"{HEADER},nom\n".encode() + b"a," * len(COLUMNS) + b"b\n", "colonnes en double"),
    "missing column": ("f.csv", b"id,nom\na,b\n", "colonne « type » : colonne absente"),
    "header only": ("f.csv", f"{HEADER}\n".encode(), "aucune ligne de données"),
    "Shift-JIS": (
        "f.csv",
        f"{HEADER}\n".encode() + "協力,東京都,連携の説明です\n".encode("shift_jis") * 5,
        "il semble encodé",
    ),
    "mixed encodings": (
        "f.csv",
        f"{HEADER}\n".encode() + "été".encode() + "été".encode("cp1252"),
        "encodages mélangés",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED_FILES))
def test_each_malformed_file_gets_its_own_french_message(case, catalogue, geo):
    name, data, expected = MALFORMED_FILES[case]
    result = check_upload(read_upload(name, data), catalogue, _index(geo))
    assert result.rows is None or result.problems
    messages = [str(p) for p in result.problems]
    assert any(expected in m for m in messages), messages


def with_cells(**cells) -> dict:
    return {**GOOD, **cells}


MALFORMED_ROWS = {
    "unknown type": (with_cells(type="alliance"), "colonne « type » : type inconnu « alliance »"),
    "unknown theme": (with_cells(themes="astrologie"), "colonne « themes » : thème inconnu(e) « astrologie »"),
    "bad id": (with_cells(id="Mon Id"), "colonne « id » : identifiant « Mon Id » invalide"),
    "reference id": (with_cells(id="cr-brest-cob"), "identifiant « cr-brest-cob » déjà utilisé"),
    "unknown EPCI": (with_cells(membres="epci:999999999"), "référence « epci:999999999 » introuvable"),
    "malformed reference": (with_cells(membres="ville:Brest"), "référence « ville:Brest » mal formée"),
    "malformed partner": (with_cells(membres="ext:Cardiff"), "partenaire externe « ext:Cardiff » mal formé"),
    "partner off the globe": (with_cells(membres="ext:X@95,3"), "coordonnées hors limites"),
    "duplicate member": (with_cells(membres="epci:242900314;epci:242900314"), "membre en double"),
    "self member": (with_cells(membres="coop:nouvelle"), "ne peut pas être membre d'elle-même"),
    "lead outside": (with_cells(chef_de_file="epci:200067072"), "doit figurer parmi les membres"),
    "year with underscore": (with_cells(annee="2_020"), "année « 2_020 » invalide"),
    "year in Arabic digits": (with_cells(annee="٢٠٢٠"), "année « ٢٠٢٠ » invalide"),
    "year too old": (with_cells(annee="1850"), "année « 1850 » invalide"),
    "long citation": (with_cells(citation=" ".join(["mot"] * 30)), "citation trop longue (30 mots, 25 au plus)"),
    "missing name": (with_cells(nom=""), "colonne « nom » : valeur obligatoire manquante"),
}


@pytest.mark.parametrize("case", list(MALFORMED_ROWS))
def test_each_malformed_row_gets_its_own_french_message(case, catalogue, geo):
    row, expected = MALFORMED_ROWS[case]
    result = check_upload(read_upload("x.csv", csv_bytes([row])), catalogue, _index(geo))
    messages = [str(p) for p in result.problems]
    assert any(m.startswith("x.csv, ligne 1, ") and expected in m for m in messages), messages


GENERIC = re.compile(r"illisible \([A-Z]\w*\)$|Validation impossible")  # the catch-all messages


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(name=st.sampled_from(["f.csv", "f.xlsx", "f.txt", ""]), data=raw)
def test_random_files_never_reach_the_catch_all(name, data, catalogue, geo):
    """Random bytes, CSV and half files: every problem is a specific message, never the
    catch-all kept for the unforeseen."""
    result = check_upload(read_upload(name, data), catalogue, _index(geo))
    assert result.rows is not None or result.problems
    assert not [str(p) for p in result.problems if GENERIC.search(str(p))]


_INDEX = {}


def _index(geo):
    if "i" not in _INDEX:
        _INDEX["i"] = TerritoryIndex(geo)
    return _INDEX["i"]


def test_xlsx_template_reads_back_valid(catalogue, geo):
    result = check_upload(read_upload("modele.xlsx", template_xlsx()), catalogue, TerritoryIndex(geo))
    assert result.ok, [str(p) for p in result.problems]


def test_chunked_check_reports_progress_and_global_row_numbers(catalogue, geo):
    rows = [{**GOOD, "id": f"c{i}"} for i in range(12)]
    rows[9] = {**rows[9], "type": "alliance"}
    rows[11] = {**rows[11], "id": "c1"}  # duplicate of a row in another chunk
    seen = []
    result = check_in_chunks(
        read_upload("x.csv", csv_bytes(rows)), catalogue, TerritoryIndex(geo), progress=seen.append, chunk=5
    )
    messages = [str(p) for p in result.problems]
    assert "x.csv, ligne 10, colonne « type » : type inconnu « alliance »" in messages
    assert "x.csv, ligne 12, colonne « id » : identifiant « c1 » en double (déjà ligne 2)" in messages
    assert seen[-1] == 1.0 and len(seen) == 3


def test_a_csv_header_of_100_000_columns_is_refused_before_the_file_is_read():
    from alliance.contributions.importer import MAX_XLSX_COLUMNS, read_upload

    header = ",".join(f"c{i}" for i in range(100_000)).encode()
    result = read_upload("large.csv", header + b"\n" + b"1," * 10 + b"\n")
    assert result.rows is None
    from alliance.fmt import fmt_int

    assert f"trop de colonnes ({fmt_int(100_000)}, {MAX_XLSX_COLUMNS} au plus)" in str(result.problems[0])
