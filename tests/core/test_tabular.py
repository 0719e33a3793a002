"""Reading and writing CSV/XLSX tables (core.tabular), the base of every import and export."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from core.tabular import (
    TableError,
    csv_bytes,
    export_response,
    parse_bool,
    parse_date,
    read_table,
    read_table_bytes,
    xlsx_bytes,
)

HEADERS = ["name", "idno", "phone", "amount", "when", "active", "note"]
ROWS = [
    ["Cantina „Speranța”, Bălți", "1003600012344", "+373 22 000 000", Decimal("12.5"),
     date(2026, 3, 1), True, "=HYPERLINK(\"http://evil\")"],
    ["Щедрый дом", None, "-", Decimal(-5), None, False, "line one\nline two, \"quoted\""],
]
EXPECTED = [
    {"name": "Cantina „Speranța”, Bălți", "idno": "1003600012344", "phone": "+373 22 000 000",
     "amount": "12.5", "when": "01.03.2026", "active": "yes",
     "note": "=HYPERLINK(\"http://evil\")"},
    {"name": "Щедрый дом", "idno": "", "phone": "-", "amount": "-5", "when": "", "active": "no",
     "note": "line one\nline two, \"quoted\""},
]


def _upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename)


def _plain(rows) -> list[dict]:
    return [dict(r) for r in rows]


def test_csv_round_trip_keeps_text_diacritics_and_formula_like_values():
    data = csv_bytes(HEADERS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheet programs see UTF-8
    raw = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert raw[1][6].startswith("'=")  # a spreadsheet would not run it as a formula
    assert raw[1][2] == "+373 22 000 000"  # phone numbers are not mangled
    table = read_table(_upload(data, "export.csv"))
    assert _plain(table) == EXPECTED
    assert table.columns == HEADERS
    assert [r.number for r in table] == [2, 3]


def test_xlsx_round_trip_stores_text_as_text_and_dates_as_dates():
    data = xlsx_bytes(HEADERS, ROWS, sheet_title="partners")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "partners"
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["B2"].value == "1003600012344" and sheet["B2"].data_type == "s"
    assert sheet["G2"].data_type == "s"  # "=HYPERLINK(...)" stays text, never a formula
    assert sheet["E2"].value.date() == date(2026, 3, 1)
    assert sheet["E2"].number_format == "DD.MM.YYYY"
    assert sheet["D2"].value == 12.5
    assert sheet["A1"].font.bold
    assert _plain(read_table(_upload(data, "export.xlsx"))) == EXPECTED


def test_semicolon_csv_with_messy_header_blank_rows_and_short_rows():
    data = ("\ufeff Name ;Legal  Name;IDNO\r\n"
            "A;A SRL;1\r\n"
            ";;\r\n"
            "B\r\n").encode("utf-8")
    table = read_table(_upload(data, "Partners.CSV"))
    assert table.columns == ["name", "legal_name", "idno"]
    assert _plain(table) == [{"name": "A", "legal_name": "A SRL", "idno": "1"},
                             {"name": "B", "legal_name": "", "idno": ""}]
    assert [r.number for r in table] == [2, 4]  # the blank row keeps its place in the count


def test_xlsx_numbers_and_dates_from_a_spreadsheet_read_as_text():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["idno", "weight", "count", "day"])
    sheet.append([1003600012344, 2.5, 3.0, date(2026, 1, 31)])
    sheet.append([None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table_bytes(buffer.getvalue(), "book.xlsx")
    assert _plain(table) == [{"idno": "1003600012344", "weight": "2.5", "count": "3",
                              "day": "31.01.2026"}]


@pytest.mark.parametrize("data, filename, message", [
    (b"", "a.csv", "The file is empty."),
    (b"  \r\n", "a.csv", "The file is empty."),
    ("name\nBălţi\n".encode("cp1250"), "a.csv", "not in UTF-8"),
    (b"PK\x03\x04 not really a zip", "a.xlsx", "not a readable XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", ".xls"),
    (b"name\nA\n", "a.pdf", "Unsupported file type"),
    (b"name,idno,Name\nA,1,B\n", "a.csv", "same column twice: name"),
])
def test_unreadable_files_raise_a_clear_error(app, data, filename, message):
    with app.test_request_context(), pytest.raises(TableError) as err:
        read_table_bytes(data, filename)
    assert message in str(err.value)


def test_too_many_rows_is_refused(app):
    data = csv_bytes(["name"], [[f"P{i}"] for i in range(11)])
    with app.test_request_context():
        assert len(read_table_bytes(data, "a.csv", max_rows=11)) == 11
        with pytest.raises(TableError, match="more than 10 rows"):
            read_table_bytes(data, "a.csv", max_rows=10)


def test_export_response_is_a_named_download(app):
    with app.test_request_context():
        response = export_response("partners list", ["a"], [[1], [2]], "csv")
        assert response.headers["Content-Disposition"] == \
            'attachment; filename="partners_list.csv"'
        assert response.get_data() == b"\xef\xbb\xbfa\r\n1\r\n2\r\n"
        response = export_response("partners", ["a"], lambda: iter([[1]]), "xlsx")
        assert response.mimetype.endswith("spreadsheetml.sheet")
        sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
        assert [[c.value for c in row] for row in sheet.iter_rows()] == [["a"], [1]]
        with pytest.raises(NotFound):
            export_response("partners", ["a"], [], "pdf")


def test_parse_bool_and_date():
    assert [parse_bool(v) for v in ("yes", "DA", "1", "true", "", "no", "Nu", "0")] == \
        [True, True, True, True, False, False, False, False]
    with pytest.raises(ValueError):
        parse_bool("maybe")
    assert parse_date("31.01.2026") == date(2026, 1, 31)
    assert parse_date("2026-01-31") == date(2026, 1, 31)
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("31/01/2026")
