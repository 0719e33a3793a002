"""Reading and writing simple tables as CSV or XLSX, for every import and export.

Exports: :func:`export_response` turns a header and rows into a download (CSV in UTF-8 with a
byte-order mark so spreadsheet programs show diacritics, or XLSX written with openpyxl).
Imports: :func:`read_table` turns an uploaded CSV or XLSX file into a list of rows, each a dict
keyed by the normalised column name (see :func:`normalise_header`), all values as stripped text,
each row carrying its spreadsheet row number for error messages. Anything that cannot be read
raises :class:`TableError` with a message meant for the user.

A table written by :func:`export_response` reads back with :func:`read_table` unchanged.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from flask import Response, abort, stream_with_context
from flask_babel import gettext as _

FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: A default ceiling for imports, so a small file that expands hugely cannot exhaust memory.
MAX_ROWS = 100_000
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# A cell a spreadsheet program would run as a formula. Numbers and phone numbers such as
# "+373 22 000 000" or "-5" are left alone; anything else starting with these characters is
# written with a leading apostrophe, which read_table removes again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS_SIGNED = re.compile(r"^[+-][\d\s().,/-]*$")


class TableError(ValueError):
    """The file cannot be read as a table; the message is shown to the user."""


class Table(list):
    """The data rows of a table (``TableRow``), plus ``columns``: the normalised header."""

    def __init__(self, columns: list[str], rows: Iterable[TableRow] = ()):
        super().__init__(rows)
        self.columns = columns


class TableRow(dict):
    """One data row: column name -> text, plus ``number``, its row number in the file
    (the header is row 1)."""

    def __init__(self, number: int, values: dict[str, str]):
        super().__init__(values)
        self.number = number


# --------------------------------------------------------------------------- writing


def export_response(filename: str, headers: Sequence[str],
                    rows: Iterable[Sequence] | Callable[[], Iterable[Sequence]],
                    fmt: str) -> Response:
    """A download of ``rows`` under ``headers`` as ``filename.csv`` or ``filename.xlsx``.

    Values may be text, numbers, Decimal, dates, datetimes, booleans or None. An unknown
    ``fmt`` is a 404 (the format is part of the URL).

    ``rows`` is either an iterable, read at once, or a function returning one: then a CSV is
    streamed while it is sent, the function running in the request's context (a new
    ``db.session``; the view's session is closed by then), so millions of rows never sit in
    memory. An XLSX is always built first, in a temporary file.
    """
    if fmt not in FORMATS:
        abort(404)
    if fmt == "csv":
        if callable(rows):
            body = stream_with_context(_lazy_csv(headers, rows))
        else:
            body = csv_bytes(headers, rows)
    else:
        body = xlsx_bytes(headers, rows() if callable(rows) else rows, sheet_title=filename)
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{_safe_name(filename)}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _lazy_csv(headers: Sequence[str], produce: Callable[[], Iterable[Sequence]]) \
        -> Iterator[bytes]:
    yield from iter_csv(headers, produce())


def _safe_name(filename: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "export"


def text_value(value) -> str:
    """How a value is written to CSV (and how read_table returns XLSX cells)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time(0, 0) and value.tzinfo is None:
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        # What a spreadsheet shows: 15 significant digits, integral values without ".0".
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _escape_formula(text: str) -> str:
    if text.startswith(_FORMULA_START) and not _HARMLESS_SIGNED.match(text):
        return "'" + text
    return text


def iter_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """CSV in UTF-8 with a byte-order mark, comma-separated, one chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow([_escape_formula(str(h)) for h in headers])
    yield codecs.BOM_UTF8 + flush()
    for row in rows:
        writer.writerow([_escape_formula(text_value(v)) for v in row])
        yield flush()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return b"".join(iter_csv(headers, rows))


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence],
               sheet_title: str = "Sheet") -> bytes:
    """An XLSX workbook with one sheet: a bold header row, then the rows.

    Text is always stored as text (never as a formula, and identifiers such as IDNO keep their
    digits), dates as dates shown dd.mm.yyyy, Decimal as numbers.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", sheet_title)[:31] or "Sheet")
    bold = Font(bold=True)

    def cell(value, header: bool = False):
        if isinstance(value, Decimal):
            # Spreadsheet numbers are binary floats; beyond 15 digits keep the exact text.
            value = float(value) if len(value.as_tuple().digits) <= 15 else format(value, "f")
        elif value is not None and not isinstance(value, (bool, int, float, date, datetime)):
            value = str(value)
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        c = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, even when the text starts with "="
        elif isinstance(value, datetime):
            c.number_format = "DD.MM.YYYY HH:MM"
        elif isinstance(value, date):
            c.number_format = "DD.MM.YYYY"
        if header:
            c.font = bold
        return c

    sheet.append([cell(str(h), header=True) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as fh:
        workbook.save(fh)
        fh.seek(0)
        return fh.read()


# --------------------------------------------------------------------------- reading


def normalise_header(name) -> str:
    """``" Legal Name "`` -> ``"legal_name"``: case, surrounding and inner spaces ignored."""
    return re.sub(r"\s+", "_", text_value(name).strip().lower())


def read_table(file_storage, max_rows: int = MAX_ROWS) -> Table:
    """Read an uploaded CSV or XLSX file (a werkzeug ``FileStorage`` or anything with
    ``filename`` and ``read()``) into rows keyed by normalised column name.

    The first non-empty row is the header. Empty rows are skipped, but row numbers stay those
    of the file. Raises :class:`TableError` for an empty, unreadable or too long file.
    """
    filename = (getattr(file_storage, "filename", "") or "").lower()
    data = file_storage.read()
    return read_table_bytes(data, filename, max_rows=max_rows)


def read_table_bytes(data: bytes, filename: str = "", max_rows: int = MAX_ROWS) -> Table:
    """Like :func:`read_table`, from the file's bytes and name (the extension picks the format;
    the content decides when the name says nothing)."""
    filename = filename.lower()
    if not data or not data.strip():
        raise TableError(_("The file is empty."))
    if data.startswith(_OLE_MAGIC) or filename.endswith(".xls"):
        raise TableError(_("Old Excel files (.xls) are not supported: save the file as .xlsx "
                           "or CSV."))
    if filename.endswith(".xlsx") or (not filename.endswith(".csv")
                                      and data.startswith(_XLSX_MAGIC)):
        raw_rows = _xlsx_rows(data)
    elif filename.endswith(".csv") or not filename:
        raw_rows = _csv_rows(data)
    else:
        raise TableError(_("Unsupported file type: upload a .csv or .xlsx file."))
    return _to_dicts(raw_rows, max_rows)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(_("The CSV file is not in UTF-8. In your spreadsheet program, save it "
                           "as \"CSV UTF-8\".")) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise TableError(_("The CSV file cannot be read (row %(row)d): %(error)s",
                           row=reader.line_num, error=str(exc))) from None


def _delimiter(text: str) -> str:
    """Comma, semicolon (spreadsheets in Romanian or Russian) or tab: whichever the header
    line uses most."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """The first sheet's rows, read as a stream (so max_rows stops a huge sheet early)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - zip, XML, KeyError...: any damaged or foreign file
        raise TableError(_("The file is not a readable XLSX workbook.")) from None
    if not workbook.worksheets:
        workbook.close()
        raise TableError(_("The workbook has no sheet."))
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[tuple[int, list]]:
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        yield from ((number, list(row)) for number, row in enumerate(rows, start=1))
    except Exception:  # noqa: BLE001 - a damaged sheet fails in as many ways
        raise TableError(_("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    text = text_value(value).strip()
    # Undo the formula escape written by export (and by spreadsheet programs' text prefix).
    if text[:1] == "'" and text[1:2] and text[1:2] in _FORMULA_START:
        text = text[1:]
    return text


def _to_dicts(raw_rows: Iterable[tuple[int, list]], max_rows: int) -> Table:
    header: list[str] | None = None
    rows: list[TableRow] = []
    for number, raw in raw_rows:
        cells = [_cell_text(v) for v in raw]
        if not any(cells):
            continue
        if header is None:
            header = [normalise_header(c) for c in cells]
            while header and not header[-1]:
                header.pop()
            named = [h for h in header if h]
            duplicates = sorted({h for h in named if named.count(h) > 1})
            if duplicates:
                raise TableError(_("The header has the same column twice: %(names)s",
                                   names=", ".join(duplicates)))
            continue
        if len(rows) >= max_rows:
            raise TableError(_("The file has more than %(n)d rows; split it into smaller files.",
                               n=max_rows))
        values = {name: (cells[i] if i < len(cells) else "")
                  for i, name in enumerate(header) if name}
        rows.append(TableRow(number, values))
    if header is None:
        raise TableError(_("The file is empty."))
    return Table([h for h in header if h], rows)


# --------------------------------------------------------------------------- parsing cells

_TRUE = {"1", "yes", "y", "true", "da", "x", "да", "adevărat", "adevarat"}
_FALSE = {"", "0", "no", "n", "false", "nu", "нет", "fals"}


def parse_bool(text: str) -> bool:
    """``yes/no``, ``true/false``, ``1/0``, ``da/nu``, ``да/нет``; empty is False.
    Raises ValueError otherwise."""
    value = (text or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(text)


def parse_date(text: str) -> date | None:
    """``dd.mm.yyyy`` (as exported) or ``yyyy-mm-dd``; empty is None. Raises ValueError."""
    value = (text or "").strip()
    if not value:
        return None
    value = value.split(" ")[0]
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
