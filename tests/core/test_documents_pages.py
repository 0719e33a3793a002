"""The documents pages: list, detail, download, cancel; what each kind of user may see and do."""
from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.auth.gate import SYSTEM, acting_as
from core.documents import service
from core.documents.models import CANCELLED, ISSUED, IssuedDocument
from tests.conftest import PASSWORD, create_user
from tests.core.test_documents import SAMPLE, install_sample, issue_sample, sample_context


def login_in_english(auth, client, username, **kwargs):
    auth.login(username, **kwargs)
    client.post("/lang/en")


def make_partner(app, name: str) -> int:
    from core.db import db
    from core.partners.models import Partner

    with app.app_context():
        partner = Partner(type="ngo", name=name)
        db.session.add(partner)
        db.session.commit()
        return partner.id


def issue(app, **changes) -> tuple[int, str]:
    from core.db import db

    with app.app_context(), acting_as(SYSTEM):
        document = issue_sample(db.session, **changes)
        db.session.commit()
        return document.id, document.number


def stored(app, document_id: int) -> IssuedDocument:
    from core.db import db

    with app.app_context():
        db.reset_session()
        document = db.session.get(IssuedDocument, document_id)
        _ = document.pdf  # load the deferred bytes while the session is open
        return document


def grant_documents_view_to_donors(app) -> None:
    """Donor portal users see their own documents (the donors plugin grants this)."""
    from core.auth.models import Permission, Role
    from core.db import db

    with app.app_context():
        role = db.session.scalar(select(Role).where(Role.code == "donor"))
        role.permissions.append(db.session.get(Permission, "core.documents.view"))
        db.session.commit()


@pytest.fixture
def docs_app(app):
    install_sample(app)
    return app


# --------------------------------------------------------------------------- list


def test_list_shows_documents_newest_first(docs_app, auth, client):
    first_id, first = issue(docs_app, title="Act unu")
    _second_id, second = issue(docs_app, title="Act doi")
    login_in_english(auth, client, "accountant", roles=("accountant",))

    page = client.get("/documents/").get_data(as_text=True)
    assert page.index(second) < page.index(first)
    assert "Act unu" in page and "09.03.2026" in page
    assert f'href="/documents/{first_id}"' in page
    assert f'href="/documents/{first_id}/pdf"' in page


def test_list_filters_by_number_type_status_and_date(docs_app, auth, client):
    from core.db import db

    _a, number_a = issue(docs_app)
    b_id, number_b = issue(docs_app, doc_type="test.statement", doc_date=date(2026, 4, 1))
    c_id, number_c = issue(docs_app)
    with docs_app.app_context(), acting_as(SYSTEM):
        service.cancel(db.session, db.session.get(IssuedDocument, c_id), "typo")
        db.session.commit()
    login_in_english(auth, client, "accountant", roles=("accountant",))

    def numbers(query: str) -> set[str]:
        page = client.get(f"/documents/?{query}").get_data(as_text=True)
        return set(re.findall(r"TST-2026-\d{6}", page))

    assert numbers("") == {number_a, number_b, number_c}
    assert numbers("q=000002") == {number_b}
    assert numbers("q=tst-2026") == {number_a, number_b, number_c}  # case does not matter
    assert numbers("q=%25") == set()  # a % typed in the search box is a character, not a wildcard
    assert numbers("type=test.statement") == {number_b}
    assert numbers("status=cancelled") == {number_c}
    assert numbers("status=issued") == {number_a, number_b}
    assert numbers("since=2026-03-31") == {number_b}
    assert numbers("until=10.03.2026") == {number_a, number_c}


def test_list_is_paginated_and_sortable(docs_app, auth, client):
    docs_app.config["PER_PAGE"] = 2
    numbers = [issue(docs_app)[1] for _ in range(5)]
    login_in_english(auth, client, "accountant", roles=("accountant",))

    page1 = client.get("/documents/?sort=number").get_data(as_text=True)
    page3 = client.get("/documents/?sort=number&page=3").get_data(as_text=True)
    assert numbers[0] in page1 and numbers[1] in page1 and numbers[2] not in page1
    assert numbers[4] in page3 and numbers[3] not in page3
    assert "Page 1 of 3" in page1 and "5 records" in page1
    newest = client.get("/documents/?sort=-number").get_data(as_text=True)
    assert numbers[4] in newest and numbers[0] not in newest


def test_list_exports_csv_and_xlsx_with_the_filters(docs_app, auth, client):
    _a, number_a = issue(docs_app)
    _b, number_b = issue(docs_app, title="Declarație lunară — Банк продуктов")
    login_in_english(auth, client, "accountant", roles=("accountant",))

    page = client.get("/documents/?q=000002").get_data(as_text=True)
    assert 'href="/documents/export?q=000002&amp;fmt=csv"' in page

    response = client.get("/documents/export?fmt=csv&q=000002")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:2] == ["number", "type"]
    assert [r[0] for r in rows[1:]] == [number_b]
    assert rows[1][2] == "Declarație lunară — Банк продуктов"
    assert rows[1][3] == "09.03.2026"

    response = client.get("/documents/export?fmt=xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(values) == [number_a, number_b]


def test_portal_users_see_only_their_own_organisation(docs_app, auth, client):
    mine = make_partner(docs_app, "SRL Donator Unu")
    theirs = make_partner(docs_app, "SRL Alt Donator")
    my_id, my_number = issue(docs_app, partner_id=mine)
    their_id, their_number = issue(docs_app, partner_id=theirs)
    _staff_id, staff_number = issue(docs_app)
    grant_documents_view_to_donors(docs_app)
    login_in_english(auth, client, "donor1", roles=("donor",), partner_id=mine)

    page = client.get("/documents/").get_data(as_text=True)
    assert my_number in page
    assert their_number not in page and staff_number not in page
    exported = client.get("/documents/export?fmt=csv").get_data(as_text=True)
    assert my_number in exported and their_number not in exported
    assert client.get(f"/documents/{my_id}").status_code == 200
    assert client.get(f"/documents/{my_id}/pdf").status_code == 200
    assert client.get(f"/documents/{their_id}").status_code == 404
    assert client.get(f"/documents/{their_id}/pdf").status_code == 404
    # Seeing is not cancelling.
    assert client.get(f"/documents/{my_id}/cancel").status_code == 403
    assert client.post(f"/documents/{my_id}/cancel", data={"reason": "x"}).status_code == 403
    assert stored(docs_app, my_id).status == ISSUED


def test_users_without_the_permission_are_refused(docs_app, auth, client):
    document_id, _number = issue(docs_app)
    assert client.get("/documents/").status_code == 302  # anonymous: to the login page
    login_in_english(auth, client, "clerk", roles=("warehouse_clerk",))
    assert client.get("/documents/").status_code == 403
    assert client.get(f"/documents/{document_id}").status_code == 403
    assert client.get(f"/documents/{document_id}/pdf").status_code == 403


# --------------------------------------------------------------------------- detail, download


def test_detail_shows_metadata_issuer_and_history_link(docs_app, auth, client):
    partner = make_partner(docs_app, "Concordia")
    document_id, number = issue(docs_app, partner_id=partner, subject=("donors_donation", 5))
    login_in_english(auth, client, "accountant", roles=("accountant",))

    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    assert number in page and "Act de predare-primire" in page
    assert "09.03.2026" in page and "Concordia" in page and "donors_donation #5" in page
    assert "system" in page  # issued by
    assert "PDF/A-3b" in page
    assert stored(docs_app, document_id).sha256 in page
    assert f'href="/audit/core_document/{document_id}"' in page
    assert f'href="/documents/{document_id}/cancel"' in page
    assert client.get("/documents/999999").status_code == 404


def test_download_is_the_stored_file_named_after_the_number(docs_app, auth, client):
    document_id, number = issue(docs_app)
    login_in_english(auth, client, "accountant", roles=("accountant",))

    first = client.get(f"/documents/{document_id}/pdf")
    second = client.get(f"/documents/{document_id}/pdf")
    document = stored(docs_app, document_id)
    assert first.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.headers["Content-Disposition"] == f"attachment; filename={number}.pdf"
    assert first.get_data() == second.get_data() == document.pdf
    assert hashlib.sha256(first.get_data()).hexdigest() == document.sha256
    inline = client.get(f"/documents/{document_id}/pdf?inline=1")
    assert inline.headers["Content-Disposition"].startswith("inline")
    assert inline.get_data() == document.pdf


# --------------------------------------------------------------------------- cancel


def test_cancel_asks_for_confirmation_and_a_reason(docs_app, auth, client):
    document_id, number = issue(docs_app)
    login_in_english(auth, client, "accountant", roles=("accountant",))

    page = client.get(f"/documents/{document_id}/cancel").get_data(as_text=True)
    assert f"Cancel document {number}?" in page
    assert 'name="reason"' in page
    assert stored(docs_app, document_id).status == ISSUED  # asking changes nothing

    response = client.post(f"/documents/{document_id}/cancel", data={"reason": "   "})
    assert response.status_code == 400
    assert "a reason is required" in response.get_data(as_text=True)
    assert stored(docs_app, document_id).status == ISSUED


def test_cancel_records_the_user_and_reason_and_keeps_the_file(docs_app, auth, client):
    document_id, number = issue(docs_app)
    before = stored(docs_app, document_id)
    login_in_english(auth, client, "accountant", roles=("accountant",))

    response = client.post(f"/documents/{document_id}/cancel",
                           data={"reason": "Donatorul a greșit cantitatea"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/documents/{document_id}")

    after = stored(docs_app, document_id)
    assert after.status == CANCELLED
    assert after.cancel_reason == "Donatorul a greșit cantitatea"
    assert after.cancelled_by_name == "Accountant (accountant)"
    assert after.pdf == before.pdf and after.sha256 == before.sha256

    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    assert "is cancelled; it stays on record" in page
    assert "Donatorul a greșit cantitatea" in page and "Accountant (accountant)" in page
    assert f'href="/documents/{document_id}/cancel"' not in page
    history = client.get(f"/audit/core_document/{document_id}").get_data(as_text=True)
    assert "Donatorul a greșit cantitatea" in history and "accountant" in history
    # A second attempt changes nothing and says why.
    again = client.post(f"/documents/{document_id}/cancel", data={"reason": "other"},
                        follow_redirects=True)
    assert "already cancelled" in again.get_data(as_text=True)
    assert stored(docs_app, document_id).cancel_reason == "Donatorul a greșit cantitatea"


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_cancel_needs_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    install_sample(app)
    client = app.test_client()
    document_id, _number = issue(app)
    create_user(app, "accountant", roles=("accountant",))
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "accountant", "password": PASSWORD,
                                "csrf_token": token})

    refused = client.post(f"/documents/{document_id}/cancel", data={"reason": "forged"})
    assert refused.status_code == 400
    assert stored(app, document_id).status == ISSUED

    token = csrf_token(client.get(f"/documents/{document_id}/cancel").get_data(as_text=True))
    accepted = client.post(f"/documents/{document_id}/cancel",
                           data={"reason": "real", "csrf_token": token})
    assert accepted.status_code == 302
    assert stored(app, document_id).status == CANCELLED


def test_detail_links_a_reissued_document_both_ways(docs_app, auth, client):
    from core.db import db

    original_id, original_number = issue(docs_app)
    with docs_app.app_context(), acting_as(SYSTEM):
        correction = service.reissue(db.session, db.session.get(IssuedDocument, original_id),
                                     "wrong lot", template=SAMPLE, context=sample_context())
        db.session.commit()
        correction_id, correction_number = correction.id, correction.number
    login_in_english(auth, client, "accountant", roles=("accountant",))

    old_page = client.get(f"/documents/{original_id}").get_data(as_text=True)
    new_page = client.get(f"/documents/{correction_id}").get_data(as_text=True)
    assert "Replaced by" in old_page and f'href="/documents/{correction_id}"' in old_page
    assert correction_number in old_page and "wrong lot" in old_page
    assert "Replaces" in new_page and f'href="/documents/{original_id}"' in new_page
    assert original_number in new_page
    listing = client.get("/documents/").get_data(as_text=True)
    assert original_number in listing and correction_number in listing
