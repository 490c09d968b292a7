"""The importer never raises on malformed input and names every problem (property-based)."""

import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.analysis.stats import catalogue_csv
from alliance.contributions.importer import (
    MAX_BYTES,
    check_in_chunks,
    check_upload,
    read_upload,
    template_csv,
    template_xlsx,
)
from alliance.data.catalogue import COLUMNS, TerritoryIndex

GOOD = {c: "" for c in COLUMNS}
GOOD.update(
    id="nouvelle",
    nom="Nouvelle coopération",
    type="entente",
    membres="epci:242900314;epci:200068120",
    statut="active",
    source="Délibération",
    citation="Une citation",
)


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


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(name=st.sampled_from(["f.csv", "f.xlsx", "f.txt", ""]), data=raw)
def test_malformed_files_never_raise(name, data, catalogue, geo):
    index = _index(geo)
    result = check_upload(read_upload(name, data), catalogue, index)
    assert result.rows is not None or result.problems
    for problem in result.problems:
        assert str(problem)


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
