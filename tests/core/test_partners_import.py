"""Importing partners from CSV or XLSX: a preview listing every error, then all rows or none."""
from __future__ import annotations

import base64
import io
import re

import openpyxl
from sqlalchemy import delete, func, select

from core.audit.models import AuditEntry
from core.auth.gate import SYSTEM, acting_as
from core.db import db
from core.demo import demo_iban, demo_idno
from core.partners import services
from core.partners.models import Partner
from core.tabular import csv_bytes
from tests.conftest import PASSWORD, create_user

IDNO_A = demo_idno("100360001234")
IDNO_B = demo_idno("100360005678")
IDNO_C = demo_idno("100360009012")
IDNO_D = demo_idno("100360003456")
IBAN = demo_iban("AG000225100013104168")
COLUMNS = ["type", "name", "legal_name", "idno", "iban", "email", "archived"]


def bad_check_digit(idno: str) -> str:
    return idno[:-1] + str((int(idno[-1]) + 1) % 10)


def upload(client, data: bytes, filename: str = "partners.csv"):
    return client.post("/partners/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def confirm(client, page: str, **extra):
    data = {"payload": hidden(page, "payload"), "filename": hidden(page, "filename"), **extra}
    return client.post("/partners/import/confirm", data=data, content_type="multipart/form-data")


def partner_count(app) -> int:
    with app.app_context():
        db.reset_session()
        return db.session.scalar(select(func.count()).select_from(Partner))


def error_rows(page: str) -> list[tuple[str, str, str]]:
    """(row, column, message) of the error table on the preview page."""
    section = page.split('class="card import-errors"', 1)[1].split("</section>", 1)[0]
    return [tuple(cells) for cells in re.findall(
        r'<tr><td class="num">([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', section)]


def add_partner(app, **fields) -> int:
    with app.app_context(), acting_as(SYSTEM):
        partner = services.create_partner(db.session, **{"type": "ngo", **fields})
        db.session.commit()
        return partner.id


def test_a_file_with_errors_lists_every_error_and_imports_nothing(app, auth, client):
    add_partner(app, name="Banca de Alimente", idno=IDNO_D)
    auth.login("acc", roles=("accountant",))
    bad_iban = IBAN[:2] + ("00" if IBAN[2:4] != "00" else "01") + IBAN[4:]
    data = csv_bytes(COLUMNS, [
        ["ngo", "Good one", "", IDNO_A, IBAN, "a@b.md", ""],                   # row 2: fine
        ["ngo", "Bad IDNO", "", bad_check_digit(IDNO_B), "", "", ""],         # row 3
        ["ngo", "Bad IBAN", "", "", bad_iban, "", ""],                        # row 4
        ["spaceship", "Unknown type", "", "", "", "", ""],                    # row 5
        ["ngo", "", "", IDNO_C, "", "", ""],                                  # row 6
        ["ngo", "Twin", "", IDNO_A, "", "", ""],                              # row 7
        ["ngo", "Known", "", IDNO_D, "", "", ""],                             # row 8
        ["ngo", "Short", "", "123", "", "bad@", "maybe"],                     # row 9
    ])
    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert "9 errors: nothing was imported" in page
    assert error_rows(page) == [
        ("3", "idno", "The IDNO check digit is wrong: check the 13 digits."),
        ("4", "iban", "The IBAN check digits are wrong."),
        ("5", "type", "Unknown partner type: spaceship."),
        ("6", "name", "A name is required."),
        ("7", "idno", f"IDNO {IDNO_A} appears twice in the file (also row 2)."),
        ("8", "idno", f"IDNO {IDNO_D} is already used by Banca de Alimente."),
        ("9", "idno", "An IDNO has exactly 13 digits."),
        ("9", "email", "This is not a valid e-mail address."),
        ("9", "archived", "Write yes or no, not maybe."),
    ]
    assert "Confirm import" not in page
    assert partner_count(app) == 1


def test_a_clean_file_is_previewed_then_imported_in_one_go(app, auth, client):
    auth.login("acc", roles=("accountant",))
    spaced = f"{IDNO_B[:4]} {IDNO_B[4:]}"
    data = csv_bytes(COLUMNS + ["comment"], [
        ["ngo", "Concordia", "A.O. Concordia", IDNO_A, IBAN.lower(), "office@concordia.md", "no"],
        ["Retailer", "Supermarket", "", spaced, "", "", ""],  # a type label works too
        ["farmer", "GȚ Ionescu", "", "", "", "", "da"],
    ])
    page = upload(client, data).get_data(as_text=True)
    assert "3 partners will be imported." in page
    assert "Ignored columns: comment." in page
    assert "Concordia" in page and "GȚ Ionescu" in page and "Confirm import" in page
    assert partner_count(app) == 0  # the preview writes nothing

    response = confirm(client, page)
    assert response.status_code == 302
    assert "3 partners imported from partners.csv." in \
        client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        partners = db.session.scalars(select(Partner).order_by(Partner.id)).all()
        assert [(p.type, p.name, p.idno, p.iban, p.archived) for p in partners] == [
            ("ngo", "Concordia", IDNO_A, IBAN, False),
            ("retailer", "Supermarket", IDNO_B, None, False),
            ("farmer", "GȚ Ionescu", None, None, True),
        ]
        assert all(p.created_at is not None for p in partners)
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "core_partner")).all()
    assert sorted(e.record_id for e in entries) == sorted(str(p.id) for p in partners)
    assert all(e.action == "insert" and e.username == "acc" for e in entries)
    assert entries[0].changes["name"] == [None, "Concordia"]


def test_xlsx_import_and_an_export_imports_again(app, auth, client):
    add_partner(app, name="Concordia", idno=IDNO_A, iban=IBAN, email="office@concordia.md",
                legal_name="A.O. „Concordia”", notes="line 1\nline 2")
    add_partner(app, type="donor_company", name="Lactate de Nord SA", idno=IDNO_B,
                phone="+373 230 22 222")
    auth.login("acc", roles=("accountant",))
    exported = client.get("/partners/export?fmt=xlsx").get_data()
    with app.app_context():
        before = [services.export_row(p) for p in
                  db.session.scalars(select(Partner).order_by(Partner.name))]
        db.session.execute(delete(Partner))
        db.session.commit()

    page = upload(client, exported, "partners.xlsx").get_data(as_text=True)
    assert "2 partners will be imported." in page
    assert confirm(client, page).status_code == 302
    with app.app_context():
        after = [services.export_row(p) for p in
                 db.session.scalars(select(Partner).order_by(Partner.name))]
    assert after == before


def test_an_export_into_the_same_database_reports_the_existing_idnos(app, auth, client):
    add_partner(app, name="Concordia", idno=IDNO_A)
    auth.login("acc", roles=("accountant",))
    exported = client.get("/partners/export?fmt=csv").get_data()
    page = upload(client, exported).get_data(as_text=True)
    assert error_rows(page) == [("2", "idno", f"IDNO {IDNO_A} is already used by Concordia.")]


def test_confirm_checks_again_and_imports_all_or_nothing(app, auth, client):
    auth.login("acc", roles=("accountant",))
    data = csv_bytes(["type", "name", "idno"], [
        ["ngo", "First", IDNO_A], ["ngo", "Second", IDNO_B], ["ngo", "Third", IDNO_C]])
    page = upload(client, data).get_data(as_text=True)
    assert "Confirm import" in page
    # someone else adds the third IDNO between the preview and the confirmation
    add_partner(app, name="Meanwhile", idno=IDNO_C)
    result = confirm(client, page).get_data(as_text=True)
    assert error_rows(result) == [("4", "idno", f"IDNO {IDNO_C} is already used by Meanwhile.")]
    with app.app_context():
        assert db.session.scalars(select(Partner.name)).all() == ["Meanwhile"]

    # a payload changed in the browser is checked like an upload
    tampered = base64.b64encode(b"type,name\nngo,\n").decode()
    page = page.replace(hidden(page, "payload"), tampered)
    assert error_rows(confirm(client, page).get_data(as_text=True)) == \
        [("2", "name", "A name is required.")]
    assert partner_count(app) == 1


def test_unreadable_files_get_a_clear_message(app, auth, client):
    auth.login("acc", roles=("accountant",))
    cases = [
        (b"PK\x03\x04garbage", "partners.xlsx", "The file is not a readable XLSX workbook."),
        ("type,name\nngo,Bălţi\n".encode("cp1250"), "partners.csv", "not in UTF-8"),
        (b"name\nA\n", "partners.csv", "The column type is missing from the header."),
        (b"type,name\n", "partners.csv", "The file has a header but no rows."),
        (b"\xd0\xcf\x11\xe0xls", "partners.xls", "Old Excel files (.xls) are not supported"),
    ]
    for data, filename, message in cases:
        page = upload(client, data, filename).get_data(as_text=True)
        assert message in page, filename
        assert "Confirm import" not in page
    page = client.post("/partners/import", data={}, content_type="multipart/form-data") \
        .get_data(as_text=True)
    assert 'id="file-error"' in page  # no file chosen
    assert partner_count(app) == 0


def test_import_needs_the_import_permission(app, auth, client):
    auth.login("clerk", roles=("warehouse_clerk",))
    assert client.get("/partners/import").status_code == 403
    assert upload(client, b"type,name\nngo,X\n").status_code == 403
    assert client.post("/partners/import/confirm", data={
        "payload": base64.b64encode(b"type,name\nngo,X\n").decode(),
        "filename": "x.csv"}).status_code == 403
    assert partner_count(app) == 0


def test_file_size_limit_follows_max_content_length(make_app):
    app = make_app(MAX_CONTENT_LENGTH=100_000)
    client = app.test_client()
    create_user(app, "acc", roles=("accountant",))
    client.post("/login", data={"username": "acc", "password": PASSWORD})
    # fits the upload, but its base64 copy would not fit the confirmation: refused up front
    rows = [["ngo", f"Partner {i}", "x" * 300] for i in range(280)]
    data = csv_bytes(["type", "name", "notes"], rows)
    assert 75_000 < len(data) < 95_000
    page = upload(client, data).get_data(as_text=True)
    assert "The file is too large: at most 67 kB." in page
    assert "Confirm import" not in page
    # larger than the whole request limit: the server refuses it
    response = upload(client, b"type,name\n" + b"ngo,X\n" * 20_000)
    assert response.status_code == 413
    assert partner_count(app) == 0


def test_large_clean_file_round_trips_through_the_confirm_form(app, auth, client):
    """A file whose base64 copy exceeds Flask's default 500 kB form-field limit still imports."""
    auth.login("acc", roles=("accountant",))
    rows = [["ngo", f"Partner {i:04d}", demo_idno(f"2{i:011d}"), "n" * 150]
            for i in range(3000)]
    data = csv_bytes(["type", "name", "idno", "notes"], rows)
    assert len(base64.b64encode(data)) > 500_000
    page = upload(client, data).get_data(as_text=True)
    assert "3000 partners will be imported." in page
    assert "and 2500 more rows" in page
    assert confirm(client, page).status_code == 302
    assert partner_count(app) == 3000


def test_confirm_without_csrf_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    create_user(app, "acc", roles=("accountant",))
    token = hidden(client.get("/login").get_data(as_text=True), "csrf_token")
    client.post("/login", data={"username": "acc", "password": PASSWORD, "csrf_token": token})
    payload = base64.b64encode(b"type,name\nngo,Sneaky\n").decode()
    response = client.post("/partners/import/confirm",
                           data={"payload": payload, "filename": "x.csv"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert partner_count(app) == 0
    token = hidden(client.get("/partners/import").get_data(as_text=True), "csrf_token")
    response = client.post("/partners/import/confirm",
                           data={"payload": payload, "filename": "x.csv", "csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert partner_count(app) == 1


def test_import_from_xlsx_with_numeric_idno_cells(app, auth, client):
    """Spreadsheets often turn a 13-digit IDNO into a number: it must still import."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Type", "Name", "IDNO"])
    sheet.append(["ngo", "Concordia", int(IDNO_A)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    auth.login("acc", roles=("accountant",))
    page = upload(client, buffer.getvalue(), "book.xlsx").get_data(as_text=True)
    assert "1 partner will be imported." in page
    assert confirm(client, page).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Partner.idno)) == IDNO_A


def test_a_duplicate_caught_only_by_the_database_rolls_back_every_row(app, auth, client,
                                                                       monkeypatch):
    from core.partners import importing

    add_partner(app, name="Meanwhile", idno=IDNO_B)
    auth.login("acc", roles=("accountant",))
    data = csv_bytes(["type", "name", "idno"], [["ngo", "First", IDNO_A],
                                                ["ngo", "Second", IDNO_B]])
    monkeypatch.setattr(importing, "_existing_idnos", lambda session, idnos: {})
    page = confirm(client, upload(client, data).get_data(as_text=True)).get_data(as_text=True)
    assert "Another user has just added a partner with one of these IDNOs" in page
    with app.app_context():
        assert db.session.scalars(select(Partner.name)).all() == ["Meanwhile"]
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "core_partner")) == 1
