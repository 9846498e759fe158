"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text cells.

Pure Python over bytes held in memory: nothing is written to disk. Every problem a
user can fix raises ``ImportFileError`` with a message that says what is wrong and how
to fix it; messages never quote the file's contents.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

MAX_ROWS = 150_000
MAX_COLUMNS = 40
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # a 150,000-row workbook unpacks to well under this

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"  # .xls and other OLE2 files
_SAVE_AS_ADVICE = "Download the template, copy your log into it and upload that"


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says how to fix it."""


@dataclass
class Table:
    """The first non-empty row as headings, then every non-empty row after it.

    Row numbers are the spreadsheet's own (1 is the first row), so people can find
    the row a message is about. Cells are text; a formula is kept as its text ('=A1+1'),
    see ``is_formula``.
    """

    headings: list[str]
    heading_row: int
    rows: list[tuple[int, list]] = field(default_factory=list)


def file_format(filename: str, data: bytes) -> str:
    """'csv' or 'xlsx', judged by the content first (files get renamed) and then the name."""
    name = (filename or "").lower()
    if not data.strip():
        raise ImportFileError("The file is empty. Choose the file with your log in it")
    if data.startswith(_ZIP_SIGNATURE):
        return "xlsx"
    if data.startswith(_OLD_EXCEL_SIGNATURE):
        raise ImportFileError(
            "The file is in the old Excel format (.xls). Open it in Excel, save it as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8', and upload that"
        )
    if name.endswith(".xlsx"):
        raise ImportFileError(
            "The file is named .xlsx but is not an Excel workbook. Open it in Excel, "
            "save it as 'Excel Workbook (.xlsx)' and upload it again"
        )
    if not name.endswith(".csv"):
        raise ImportFileError("The file must be a CSV or XLSX spreadsheet. " + _SAVE_AS_ADVICE)
    if _looks_binary(data):
        raise ImportFileError("The file is not a spreadsheet we can read. " + _SAVE_AS_ADVICE)
    return "csv"


def read_table(filename: str, data: bytes) -> Table:
    fmt = file_format(filename, data)
    rows = _csv_rows(data) if fmt == "csv" else _xlsx_rows(data)
    return _table(rows)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def is_formula(cell: str) -> bool:
    return len(cell) > 1 and cell[0] == "="


def _table(rows: Iterable[list[str]]) -> Table:
    table: Table | None = None
    for number, cells in enumerate(rows, start=1):
        if not "".join(cells).strip():
            continue  # empty rows are skipped, but still counted so numbers match the file
        while not cells[-1].strip():
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(
                f"Row {number} has {len(cells)} columns. The import takes at most {MAX_COLUMNS}: "
                "delete the columns that are not in the template"
            )
        if table is None:
            table = Table(headings=[c.strip() for c in cells], heading_row=number)
            continue
        table.rows.append((number, cells))
        if len(table.rows) > MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files and upload each one"
            )
    if table is None:
        raise ImportFileError("The file is empty. Choose the file with your log in it")
    if not table.rows:
        raise ImportFileError(
            "The file has a row of headings but no reports under it. Add one report on each row and upload it again"
        )
    return table


# --- CSV ------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    # Excel on Windows saves 'CSV (Comma delimited)' as Windows-1252, 'Unicode text' as UTF-16.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "We could not read the characters in this file. In Excel, save it as "
        "'CSV UTF-8 (Comma delimited)' and upload it again"
    )


def _delimiter(text: str) -> str:
    first_line = text[: text.find("\n")] if "\n" in text else text
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _lines(text: str):
    """The text's lines with their endings, one at a time (a StringIO of a large file
    would hold four bytes a character)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end < 0 else end + 1
        yield text[start:end]
        start = end


def _csv_rows(data: bytes):
    text = _decode(data)
    reader = csv.reader(_lines(text), delimiter=_delimiter(text), strict=False)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007  (number is used below)
            yield cells
    except csv.Error:
        raise ImportFileError(
            f"Row {number + 1} could not be read: a cell is very long or has a stray quote mark. "
            "Check that row and upload the file again"
        ) from None


# --- XLSX -----------------------------------------------------------------------------

def _check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook that would unpack to far more than any real log (a 'zip bomb').
    Python's zipfile never reads past the sizes checked here."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise ImportFileError(
            "The file is not a complete Excel workbook. Open it in Excel, save it again as .xlsx and upload it"
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            "The workbook is too large to read. Split it into smaller files, or save it as CSV, and upload each one"
        )


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise ImportFileError(
            "The file is not a complete Excel workbook. Open it in Excel, save it again as .xlsx and upload it"
        ) from None
    except Exception:  # openpyxl raises many kinds of error for damaged or foreign files
        raise ImportFileError(
            "We could not open this Excel file. Open it in Excel, save it again as "
            "'Excel Workbook (.xlsx)' and upload it"
        ) from None
    try:
        sheet = _reports_sheet(workbook)
        sheet.reset_dimensions()  # some programs write wrong dimensions: read every row there is
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_xlsx_text(value) for value in values]
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(
                "Part of this Excel file is damaged. Open it in Excel, save it again as .xlsx and upload it"
            ) from None
    finally:
        workbook.close()


def _reports_sheet(workbook):
    """The sheet called 'Reports' (as in the template), otherwise the first sheet."""
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() == "reports":
            return sheet
    if not workbook.worksheets:
        raise ImportFileError("The workbook has no sheets. " + _SAVE_AS_ADVICE)
    return workbook.worksheets[0]


def _xlsx_text(value) -> str:
    """A cell's value as the text a person would see; a formula as its text, never evaluated."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        # Excel stores every number as a float: 15.0 minutes is 15.
        return str(int(value)) if math.isfinite(value) and value == int(value) else str(value)
    text = getattr(value, "text", None)  # array formulas arrive as objects holding their text
    return text if isinstance(text, str) and is_formula(text) else "=(formula)"
