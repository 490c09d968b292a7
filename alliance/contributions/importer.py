"""Reading and checking uploaded catalogue files (CSV or XLSX) — never raises on bad input.

Accepted: CSV separated by `,` or `;`, in UTF-8 (with or without BOM) or Windows-1252 as Excel
writes it, and XLSX (first sheet). Every problem comes back as a French `Problem` naming row and
column; nothing is written here (storage is a separate, transactional step).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from alliance.data.catalogue import COLUMNS, Catalogue, Problem, TerritoryIndex, validate
from alliance.escaping import CONTROL_CHARACTERS
from alliance.fmt import fmt_int

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL_CHARS = 10_000
# An XLSX is a zip archive: its uncompressed size and sheet are checked before parsing, so a
# small "zip bomb" cannot take the server's memory or minutes of CPU.
MAX_XLSX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_XLSX_ENTRIES = 200
MAX_XLSX_COLUMNS = 50
EXCEL_MAX_ROWS = 1_048_576
LATIN_ENCODINGS = {
    "ascii",
    "utf_8",
    "cp1252",
    "cp1250",
    "cp1257",
    "latin_1",
    "iso8859_1",
    "iso8859_15",
    "iso8859_2",
    "mac_roman",
    "cp850",
    "cp437",
    "mac_latin2",
}
# UTF-8 bytes of an accented letter read as Windows-1252 ("Ã©" for "é"): a file mixing encodings.
_MOJIBAKE = re.compile("[ÂÃ][\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]")


@dataclass
class ImportResult:
    """The rows read (all text) and every problem found; `ok` when there is none."""

    fichier: str
    rows: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rows is not None and not self.problems


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel writes it; any other encoding
    (Shift-JIS…) or a mix of UTF-8 and Windows-1252 is refused rather than read as garbage."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and _MOJIBAKE.search(text):
        raise ValueError(
            "encodages mélangés (une partie en UTF-8, une partie en Windows-1252) : "
            "ré-enregistrez le fichier en « CSV UTF-8 »"
        )
    import charset_normalizer

    guess = charset_normalizer.from_bytes(data[:200_000]).best()
    if text is None or (guess is not None and guess.encoding not in LATIN_ENCODINGS):
        found = f" (il semble encodé en {guess.encoding})" if guess is not None else ""
        raise ValueError(f"encodage non reconnu{found} : UTF-8 ou Windows-1252 attendu")
    return text


def _read_csv(text: str) -> pd.DataFrame:
    sample = text[:20000]
    first_line = sample.splitlines()[0] if sample.splitlines() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # the header's width first, before reading the whole file (100 000 columns cost 30 s of CPU)
    header_width = text.partition("\n")[0].count(delimiter) + 1
    if header_width > MAX_XLSX_COLUMNS:
        raise ValueError(f"trop de colonnes ({fmt_int(header_width)}, {MAX_XLSX_COLUMNS} au plus)")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise ValueError(
                f"ligne {reader.line_num} : une cellule dépasse 128 Kio "
                f"({MAX_CELL_CHARS} caractères au plus par cellule)"
            ) from None
        raise ValueError(f"CSV mal formé à la ligne {reader.line_num} ({exc})") from None
    if not rows:
        raise ValueError("fichier vide")
    header = [h.strip().lower() for h in rows[0]]
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    width = len(header)
    for pos, r in enumerate(body, start=1):
        if len(r) > width:
            raise ValueError(f"ligne {pos} : {len(r)} cellules pour {width} colonnes")
    return pd.DataFrame([r + [""] * (width - len(r)) for r in body], columns=header, dtype=str)


_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d{1,12})\"")


def _check_xlsx_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError("classeur XLSX illisible (archive invalide)") from None
    entries = archive.infolist()
    if len(entries) > MAX_XLSX_ENTRIES:
        raise ValueError(f"classeur XLSX anormal ({len(entries)} éléments dans l'archive)")
    # zipfile stops reading an entry at its declared size: the declared sizes bound the work.
    total = sum(e.file_size for e in entries)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ValueError(
            f"classeur trop volumineux une fois décompressé ({total // 1024 // 1024} Mio, "
            f"{MAX_XLSX_UNCOMPRESSED // 1024 // 1024} Mio au plus)"
        )
    # Row numbers are read from the sheets' XML first: a row placed at line 900 000 000 would
    # otherwise make the reader produce every empty row before it.
    for entry in entries:
        if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
            rows = [int(n) for n in _ROW_NUMBER.findall(archive.read(entry))]
            if rows and max(rows) > EXCEL_MAX_ROWS:
                raise ValueError(f"feuille anormale (ligne {max(rows)} : plus de lignes qu'Excel n'en permet)")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """First sheet of a workbook, read as a stream with bounded rows and columns."""
    import openpyxl

    _check_xlsx_archive(data)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        physical = 0
        for values in sheet.iter_rows(max_col=MAX_XLSX_COLUMNS, values_only=True):
            physical += 1
            if physical > EXCEL_MAX_ROWS:
                raise ValueError("feuille anormale (plus de lignes qu'Excel n'en permet)")
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                raise ValueError(f"trop de lignes (plus de {MAX_ROWS})")
    finally:
        workbook.close()
    if not rows:
        raise ValueError("fichier vide")
    header = [c.strip().lower() for c in rows[0]]
    while header and not header[-1]:
        header.pop()
    body = [(r + [""] * len(header))[: len(header)] for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=str)


def _check_cells(df: pd.DataFrame) -> None:
    for column in df.columns:
        bad = df[column].str.contains(CONTROL_CHARACTERS, na=False)
        if bad.any():
            row = int(bad.to_numpy().argmax())
            char = CONTROL_CHARACTERS.search(df[column].iloc[row]).group()  # type: ignore[union-attr]
            raise ValueError(
                f"ligne {row + 1}, colonne « {column} » : caractère de contrôle interdit (U+{ord(char):04X}), "
                "invisible à l'écran ; retirez-le du fichier"
            )
        lengths = df[column].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            row = int(lengths.to_numpy().argmax()) + 1
            raise ValueError(
                f"ligne {row}, colonne « {column} » : cellule trop longue "
                f"({int(lengths.max())} caractères, {MAX_CELL_CHARS} au plus)"
            )


def read_upload(name: str, data: bytes) -> ImportResult:
    """Parse an uploaded file into catalogue rows (text cells), with structural problems only."""
    result = ImportResult(fichier=name or "fichier")
    try:
        if len(data) > MAX_BYTES:
            raise ValueError(
                f"fichier trop volumineux ({len(data) // 1024} Kio, {MAX_BYTES // 1024 // 1024} Mio au plus)"
            )
        if not data.strip():
            raise ValueError("fichier vide")
        if name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
            df = _read_xlsx(data)
        else:
            if b"\x00" in data:
                raise ValueError("fichier binaire : CSV ou XLSX attendu")
            df = _read_csv(_decode(data))
        if len(set(df.columns)) != len(df.columns):
            raise ValueError("colonnes en double dans l'en-tête")
        _check_cells(df)
        missing = [c for c in COLUMNS if c not in df.columns]
        if missing:
            result.problems.extend(Problem(result.fichier, None, c, "colonne absente") for c in missing)
            return result
        if len(df) > MAX_ROWS:
            raise ValueError(f"trop de lignes ({len(df)}, {MAX_ROWS} au plus)")
        if df.empty:
            raise ValueError("aucune ligne de données")
        result.rows = df[COLUMNS].astype(str).map(str.strip).reset_index(drop=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable input becomes a French message
        message = str(exc) if isinstance(exc, ValueError) and str(exc) else f"illisible ({exc.__class__.__name__})"
        result.problems.append(Problem(result.fichier, None, None, f"Fichier non importé : {message}"))
        result.rows = None
    return result


def check_upload(result: ImportResult, catalogue: Catalogue, index: TerritoryIndex) -> ImportResult:
    """Add the catalogue's validation problems (vocabularies, references, ids) to a read file."""
    if result.rows is None:
        return result
    try:
        curated = set(catalogue.cooperations.index)
        result.problems.extend(validate(result.rows, catalogue.vocab, index, result.fichier, known_ids=curated))
        for pos, cid in enumerate(result.rows["id"], start=1):
            if cid in curated:
                result.problems.append(
                    Problem(
                        result.fichier, pos, "id", f"identifiant « {cid} » déjà utilisé par le catalogue de référence"
                    )
                )
    except Exception as exc:  # noqa: BLE001
        result.problems.append(Problem(result.fichier, None, None, f"Validation impossible ({exc.__class__.__name__})"))
    return result


def template_csv() -> bytes:
    """An empty catalogue file with its columns and one commented example row (UTF-8 with BOM
    so that Excel shows the accents)."""
    example = {c: "" for c in COLUMNS}
    example.update(
        id="ma-cooperation",
        nom="Nom de la coopération",
        type="convention",
        membres="epci:242900314;epci:200068120",
        themes="mobilites;tourisme",
        annee="2024",
        statut="active",
        description="Deux ou trois phrases dans vos mots.",
        source="Délibération du 12 mars 2024",
        citation="Extrait de 25 mots au plus",
    )
    return ("\ufeff" + pd.DataFrame([example], columns=COLUMNS).to_csv(index=False)).encode("utf-8")


def template_xlsx() -> bytes:
    """The same template as an Excel workbook, with a second sheet listing the allowed values."""
    from alliance.data.vocab import load_vocabularies

    example = pd.read_csv(io.BytesIO(template_csv()), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    vocab = load_vocabularies()
    allowed = pd.DataFrame(
        [(fam.libelle, key, value.libelle) for fam in vocab.families.values() for key, value in fam.values.items()],
        columns=["famille", "clé", "libellé"],
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        example.to_excel(writer, sheet_name="cooperations", index=False)
        allowed.to_excel(writer, sheet_name="valeurs autorisées", index=False)
    return buffer.getvalue()


def check_in_chunks(
    result: ImportResult, catalogue: Catalogue, index: TerritoryIndex, progress=None, chunk: int = 500
) -> ImportResult:
    """check_upload by chunks of rows, reporting progress (0..1) through `progress(fraction)`.
    Duplicate ids across chunks are caught by a final whole-file id check."""
    if result.rows is None or len(result.rows) <= chunk:
        out = check_upload(result, catalogue, index)
        if progress:
            progress(1.0)
        return out
    rows = result.rows
    all_ids = set(catalogue.cooperations.index) | set(rows["id"])
    for start in range(0, len(rows), chunk):
        part = rows.iloc[start : start + chunk].reset_index(drop=True)
        for p in validate(part, catalogue.vocab, index, result.fichier, known_ids=all_ids):
            result.problems.append(
                Problem(p.fichier, None if p.ligne is None else p.ligne + start, p.colonne, p.message)
            )
        if progress:
            progress(min(1.0, (start + chunk) / len(rows)))
    seen: dict[str, int] = {}
    for pos, cid in enumerate(rows["id"], start=1):
        if cid in catalogue.cooperations.index:
            result.problems.append(
                Problem(result.fichier, pos, "id", f"identifiant « {cid} » déjà utilisé par le catalogue de référence")
            )
        if cid in seen and (seen[cid] - 1) // chunk != (pos - 1) // chunk:
            result.problems.append(
                Problem(result.fichier, pos, "id", f"identifiant « {cid} » en double (déjà ligne {seen[cid]})")
            )
        seen.setdefault(cid, pos)
    return result
