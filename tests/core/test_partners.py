"""Partner pages: list, search, filters, export, detail, create, edit, archive, addresses,
contacts, and who may see and change what."""
from __future__ import annotations

import csv
import io
import re

import openpyxl
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select

from core import hookimpl
from core.audit.models import AuditEntry
from core.auth.gate import SYSTEM, acting_as
from core.db import db
from core.demo import demo_iban, demo_idno
from core.partners import services
from core.partners.models import Partner, PartnerAddress, PartnerContact
from core.web.ui import Widget
from tests.conftest import PASSWORD, create_user

IDNO_A = demo_idno("100360001234")
IDNO_B = demo_idno("100360005678")
IDNO_C = demo_idno("100360009012")
IBAN = demo_iban("AG000225100013104168")


def wrong_check_digit(idno: str) -> str:
    return idno[:-1] + str((int(idno[-1]) + 1) % 10)


def add_partner(app, **fields) -> int:
    fields.setdefault("type", "ngo")
    with app.app_context(), acting_as(SYSTEM):
        partner = services.create_partner(db.session, **fields)
        db.session.commit()
        return partner.id


def partners_in_db(app) -> list[Partner]:
    with app.app_context():
        db.reset_session()
        return list(db.session.scalars(select(Partner).order_by(Partner.id)))


def field_error(page: str, field: str) -> str:
    """The error message shown under a form field ("" if none)."""
    match = re.search(rf'<p class="field-error" id="{field}-error" role="alert">([^<]*)</p>', page)
    return match.group(1) if match else ""


def form_data(**overrides) -> dict:
    data = {"type": "ngo", "name": "Concordia", "legal_name": "A.O. Concordia", "idno": "",
            "vat_code": "", "ansa_number": "", "iban": "", "email": "", "phone": "",
            "notes": ""}
    data.update(overrides)
    return data


def names_on(page: str) -> list[str]:
    return re.findall(r'<a href="/partners/\d+">([^<]+)</a>', page)


# --------------------------------------------------------------------------- create and edit


def test_create_stores_compact_idno_and_iban_and_is_audited(app, auth, client):
    auth.login("acc", roles=("accountant",))
    spaced_iban = " ".join(IBAN[i:i + 4] for i in range(0, len(IBAN), 4)).lower()
    response = client.post("/partners/new", data=form_data(
        idno=f" {IDNO_A[:4]} {IDNO_A[4:]} ", iban=spaced_iban, email="office@concordia.md",
        phone="+373 22 123 456", ansa_number="ANSA-77", vat_code="0212345",
        notes="Five canteens"))
    assert response.status_code == 302
    [partner] = partners_in_db(app)
    assert (partner.idno, partner.iban) == (IDNO_A, IBAN)
    assert (partner.name, partner.email, partner.ansa_number) == \
        ("Concordia", "office@concordia.md", "ANSA-77")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Partner Concordia created." in page
    assert IDNO_A in page and IBAN[:4] + " " + IBAN[4:8] in page  # IBAN shown in groups
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.table_name == "core_partner", AuditEntry.record_id == str(partner.id)))
    assert entry.action == "insert" and entry.username == "acc"
    assert entry.changes["idno"] == [None, IDNO_A]


def test_wrong_idno_checksum_is_shown_next_to_the_field_and_nothing_saved(app, auth, client):
    auth.login("acc", roles=("accountant",))
    page = client.post("/partners/new",
                       data=form_data(idno=wrong_check_digit(IDNO_A))).get_data(as_text=True)
    assert field_error(page, "idno") == "The IDNO check digit is wrong: check the 13 digits."
    assert 'value="Concordia"' in page  # what the user typed is kept
    assert partners_in_db(app) == []


def test_wrong_idno_length_and_letters(app, auth, client):
    auth.login("acc", roles=("accountant",))
    page = client.post("/partners/new", data=form_data(idno="10036000")).get_data(as_text=True)
    assert field_error(page, "idno") == "An IDNO has exactly 13 digits."
    page = client.post("/partners/new",
                       data=form_data(idno="10036000123AB")).get_data(as_text=True)
    assert field_error(page, "idno") == "An IDNO has only digits."
    assert partners_in_db(app) == []


def test_wrong_iban_and_email_are_refused(app, auth, client):
    auth.login("acc", roles=("accountant",))
    bad_iban = IBAN[:2] + ("00" if IBAN[2:4] != "00" else "01") + IBAN[4:]
    page = client.post("/partners/new", data=form_data(iban=bad_iban, email="office@")) \
        .get_data(as_text=True)
    assert field_error(page, "iban") == "The IBAN check digits are wrong."
    assert field_error(page, "email") == "This is not a valid e-mail address."
    assert field_error(page, "idno") == ""
    assert partners_in_db(app) == []


def test_missing_name_is_refused(app, auth, client):
    auth.login("acc", roles=("accountant",))
    page = client.post("/partners/new", data=form_data(name="")).get_data(as_text=True)
    assert field_error(page, "name")
    assert partners_in_db(app) == []


def test_duplicate_idno_is_refused_on_create_and_edit(app, auth, client):
    add_partner(app, name="Banca de Alimente", idno=IDNO_A)
    other = add_partner(app, name="Concordia", idno=IDNO_B)
    auth.login("acc", roles=("accountant",))
    page = client.post("/partners/new", data=form_data(name="Copy", idno=IDNO_A)) \
        .get_data(as_text=True)
    assert field_error(page, "idno") == f"IDNO {IDNO_A} is already used by Banca de Alimente."
    page = client.post(f"/partners/{other}/edit", data=form_data(idno=IDNO_A)) \
        .get_data(as_text=True)
    assert field_error(page, "idno") == f"IDNO {IDNO_A} is already used by Banca de Alimente."
    assert [(p.name, p.idno) for p in partners_in_db(app)] == \
        [("Banca de Alimente", IDNO_A), ("Concordia", IDNO_B)]


def test_edit_changes_fields_and_keeps_its_own_idno(app, auth, client):
    partner_id = add_partner(app, name="Concordia", idno=IDNO_A)
    auth.login("acc", roles=("accountant",))
    form = client.get(f"/partners/{partner_id}/edit").get_data(as_text=True)
    assert f'value="{IDNO_A}"' in form
    response = client.post(f"/partners/{partner_id}/edit", data=form_data(
        type="canteen_operator", name="Concordia Proiecte Sociale", idno=IDNO_A,
        email="new@concordia.md"))
    assert response.status_code == 302
    [partner] = partners_in_db(app)
    assert (partner.type, partner.name, partner.email) == \
        ("canteen_operator", "Concordia Proiecte Sociale", "new@concordia.md")
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.table_name == "core_partner",
            AuditEntry.record_id == str(partner_id)).order_by(AuditEntry.id)).all()
    assert actions == ["insert", "update"]


def test_archive_hides_from_default_list_and_unarchive_brings_back(app, auth, client):
    partner_id = add_partner(app, name="Old Canteen")
    add_partner(app, name="Active NGO")
    auth.login("acc", roles=("accountant",))
    detail = client.get(f"/partners/{partner_id}").get_data(as_text=True)
    assert 'data-confirm="Archive Old Canteen?' in detail  # asks before archiving
    client.post(f"/partners/{partner_id}/archive")
    assert partners_in_db(app)[0].archived is True
    assert names_on(client.get("/partners/").get_data(as_text=True)) == ["Active NGO"]
    assert names_on(client.get("/partners/?state=archived").get_data(as_text=True)) == \
        ["Old Canteen"]
    assert names_on(client.get("/partners/?state=all").get_data(as_text=True)) == \
        ["Active NGO", "Old Canteen"]
    client.post(f"/partners/{partner_id}/unarchive")
    assert partners_in_db(app)[0].archived is False
    assert len(partners_in_db(app)) == 2  # archiving never deletes


def test_csrf_token_is_required_when_enabled(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    create_user(app, "acc", roles=("accountant",))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "acc", "password": PASSWORD, "csrf_token": token})
    response = client.post("/partners/new", data=form_data())
    assert response.status_code == 400
    assert partners_in_db(app) == []
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/partners/new").get_data(as_text=True)).group(1)
    response = client.post("/partners/new", data=form_data(csrf_token=token))
    assert response.status_code == 302  # the same form with its token is accepted
    assert [p.name for p in partners_in_db(app)] == ["Concordia"]


# --------------------------------------------------------------------------- list


def test_search_by_name_legal_name_idno_and_email(app, auth, client):
    add_partner(app, name="Concordia", legal_name="A.O. Proiecte Sociale", idno=IDNO_A)
    add_partner(app, name="Lactate de Nord", idno=IDNO_B, email="office@lactate.md")
    add_partner(app, name="100% Bio_Farm")
    auth.login("clerk", roles=("warehouse_clerk",))

    def search(q):
        return names_on(client.get("/partners/", query_string={"q": q}).get_data(as_text=True))

    assert search("concordia") == ["Concordia"]
    assert search("proiecte") == ["Concordia"]
    assert search(IDNO_B[3:9]) == ["Lactate de Nord"]
    assert search(f"{IDNO_A[:4]} {IDNO_A[4:]}") == ["Concordia"]
    assert search("@lactate") == ["Lactate de Nord"]
    assert search("100%") == ["100% Bio_Farm"]  # % and _ are searched literally
    assert search("c_n") == []  # would match "Con" if _ were a wildcard
    assert search("nothing like this") == []


def test_filter_by_type(app, auth, client):
    add_partner(app, type="retailer", name="Supermarket")
    add_partner(app, type="farmer", name="GȚ Ionescu")
    add_partner(app, type="ngo", name="Concordia")
    auth.login("clerk", roles=("warehouse_clerk",))
    page = client.get("/partners/?type=farmer").get_data(as_text=True)
    assert names_on(page) == ["GȚ Ionescu"]
    assert '<option value="farmer" selected>' in page


def test_sorting_and_pagination(make_app):
    app = make_app(PER_PAGE=5)
    client = app.test_client()
    create_user(app, "clerk", roles=("warehouse_clerk",))
    client.post("/login", data={"username": "clerk", "password": PASSWORD})
    for i in range(12):
        add_partner(app, name=f"Partner {i:02d}")
    page1 = client.get("/partners/").get_data(as_text=True)
    assert names_on(page1) == [f"Partner {i:02d}" for i in range(5)]
    assert "Page 1 of 3" in page1 and "12 records" in page1
    page3 = client.get("/partners/?page=3").get_data(as_text=True)
    assert names_on(page3) == ["Partner 10", "Partner 11"]
    descending = client.get("/partners/?sort=-name").get_data(as_text=True)
    assert names_on(descending) == [f"Partner {i:02d}" for i in (11, 10, 9, 8, 7)]
    assert 'aria-sort="descending"' in descending
    # the pager keeps the sort and the filters
    assert 'href="/partners/?sort=-name&amp;page=2"' in descending


def test_export_csv_and_xlsx_contain_the_filtered_list(app, auth, client):
    add_partner(app, type="retailer", name="Supermarket Nr. 1", legal_name="„Supermarket” SRL",
                idno=IDNO_A, iban=IBAN, email="a@b.md", phone="+373 22 000 000")
    add_partner(app, type="ngo", name="Concordia", idno=IDNO_B)
    archived = add_partner(app, type="retailer", name="Closed shop", idno=IDNO_C)
    with app.app_context(), acting_as(SYSTEM):
        services.archive(db.session, db.session.get(Partner, archived))
        db.session.commit()
    auth.login("clerk", roles=("warehouse_clerk",))
    page = client.get("/partners/?type=retailer").get_data(as_text=True)
    assert 'href="/partners/export?type=retailer&amp;fmt=csv"' in page

    response = client.get("/partners/export?type=retailer&fmt=csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="partners.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows == [{
        "type": "retailer", "name": "Supermarket Nr. 1", "legal_name": "„Supermarket” SRL",
        "idno": IDNO_A, "vat_code": "", "ansa_number": "", "iban": IBAN, "email": "a@b.md",
        "phone": "+373 22 000 000", "notes": "", "archived": "no"}]

    response = client.get("/partners/export?type=retailer&state=all&fmt=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == list(services.PARTNER_FIELDS)
    assert [(r[1], r[3], r[10]) for r in values[1:]] == \
        [("Closed shop", IDNO_C, True), ("Supermarket Nr. 1", IDNO_A, False)]
    assert client.get("/partners/export?fmt=pdf").status_code == 404


# --------------------------------------------------------------------------- detail


def test_detail_shows_properties_addresses_contacts_and_history_link(app, auth, client):
    partner_id = add_partner(app, name="Concordia", idno=IDNO_A, notes="Five canteens")
    with app.app_context(), acting_as(SYSTEM):
        partner = db.session.get(Partner, partner_id)
        services.add_address(db.session, partner, street="str. Mateevici 109/1",
                             city="Chișinău")
        services.add_contact(db.session, partner, name="Ion Ceban", position="Coordonator")
        db.session.commit()
    auth.login("acc", roles=("accountant",))
    page = client.get(f"/partners/{partner_id}").get_data(as_text=True)
    for text in ("Concordia", IDNO_A, "Five canteens", "str. Mateevici 109/1, Chișinău",
                 "Ion Ceban", "Coordonator", "NGO"):
        assert text in page
    history = f"/audit/core_partner/{partner_id}"
    assert f'href="{history}"' in page
    assert "Concordia" in client.get(history).get_data(as_text=True)


def test_add_and_remove_address_and_contact(app, auth, client):
    partner_id = add_partner(app, name="Concordia")
    auth.login("acc", roles=("accountant",))
    response = client.post(f"/partners/{partner_id}/addresses", data={
        "address-kind": "delivery", "address-street": "str. Ismail 33",
        "address-city": "Chișinău", "address-district": "", "address-postal_code": "MD-2001",
        "address-country": "md"})
    assert response.status_code == 302
    response = client.post(f"/partners/{partner_id}/contacts", data={
        "contact-name": "Elena Rusu", "contact-position": "Directoare",
        "contact-email": "elena@example.md", "contact-phone": ""})
    assert response.status_code == 302
    with app.app_context():
        address = db.session.scalar(select(PartnerAddress))
        contact = db.session.scalar(select(PartnerContact))
    assert (address.kind, address.city, address.country) == ("delivery", "Chișinău", "MD")
    assert (contact.name, contact.email) == ("Elena Rusu", "elena@example.md")
    page = client.get(f"/partners/{partner_id}").get_data(as_text=True)
    assert "Delivery address" in page and "Elena Rusu" in page
    assert 'data-confirm="Remove the contact Elena Rusu?"' in page

    client.post(f"/partners/{partner_id}/addresses/{address.id}/delete")
    client.post(f"/partners/{partner_id}/contacts/{contact.id}/delete")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PartnerAddress)) == 0
        assert db.session.scalar(select(func.count()).select_from(PartnerContact)) == 0
        deleted = db.session.scalars(select(AuditEntry.table_name).where(
            AuditEntry.action == "delete")).all()
    assert sorted(deleted) == ["core_partner_address", "core_partner_contact"]


def test_invalid_address_and_contact_show_messages_and_save_nothing(app, auth, client):
    partner_id = add_partner(app, name="Concordia")
    other_id = add_partner(app, name="Other")
    auth.login("acc", roles=("accountant",))
    page = client.post(f"/partners/{partner_id}/addresses", data={
        "address-kind": "legal", "address-street": "str. Ismail 33", "address-city": "",
        "address-country": "MD"}).get_data(as_text=True)
    assert field_error(page, "address-city")
    page = client.post(f"/partners/{partner_id}/contacts", data={
        "contact-name": "Elena", "contact-email": "not-an-address"}).get_data(as_text=True)
    assert field_error(page, "contact-email") == "This is not a valid e-mail address."
    with app.app_context(), acting_as(SYSTEM):
        other = db.session.get(Partner, other_id)
        address = services.add_address(db.session, other, street="s", city="c")
        db.session.commit()
        address_id = address.id
    # an address of another partner cannot be removed through this one
    response = client.post(f"/partners/{partner_id}/addresses/{address_id}/delete")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PartnerAddress)) == 1
        assert db.session.scalar(select(func.count()).select_from(PartnerContact)) == 0


class _DonorPanel:
    @hookimpl
    def partner_sections(self, partner, user):
        return [Widget("Donor profile", "test/donor_panel.html",
                       {"partner_name": partner.name})]


def test_detail_shows_sections_contributed_by_plugins(app, auth, client):
    app.extensions["foodbank.pm"].register(_DonorPanel())
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"test/donor_panel.html": "<p>Donations of {{ ctx.partner_name }}</p>"}),
        app.jinja_env.loader])
    partner_id = add_partner(app, name="Concordia")
    auth.login("clerk", roles=("warehouse_clerk",))
    page = client.get(f"/partners/{partner_id}").get_data(as_text=True)
    assert "<h2" in page and "Donor profile</h2>" in page
    assert "<p>Donations of Concordia</p>" in page


# --------------------------------------------------------------------------- who may do what


def test_portal_user_sees_only_its_own_organisation(app, auth, client):
    own = add_partner(app, name="Concordia", idno=IDNO_A)
    other = add_partner(app, name="Supermarket", idno=IDNO_B)
    auth.login("coordinator", roles=("partner_coordinator",), partner_id=own)
    assert names_on(client.get("/partners/?state=all").get_data(as_text=True)) == ["Concordia"]
    assert names_on(client.get("/partners/?q=Supermarket").get_data(as_text=True)) == []
    assert client.get(f"/partners/{own}").status_code == 200
    assert client.get(f"/partners/{other}").status_code == 404
    exported = client.get("/partners/export?fmt=csv&state=all").get_data().decode("utf-8-sig")
    assert "Concordia" in exported and "Supermarket" not in exported
    # portal roles cannot edit, even their own organisation
    assert client.get(f"/partners/{own}/edit").status_code == 403


def test_clerk_can_view_but_not_change(app, auth, client):
    partner_id = add_partner(app, name="Concordia")
    auth.login("clerk", roles=("warehouse_clerk",))
    page = client.get(f"/partners/{partner_id}").get_data(as_text=True)
    assert "Concordia" in page
    assert f"/partners/{partner_id}/edit" not in page and "Add an address" not in page
    assert "New partner" not in client.get("/partners/").get_data(as_text=True)
    assert client.get("/partners/new").status_code == 403
    assert client.post("/partners/new", data=form_data(name="Sneaky")).status_code == 403
    assert client.post(f"/partners/{partner_id}/edit",
                       data=form_data(name="Renamed")).status_code == 403
    assert client.post(f"/partners/{partner_id}/archive").status_code == 403
    assert client.post(f"/partners/{partner_id}/contacts",
                       data={"contact-name": "X"}).status_code == 403
    assert [(p.name, p.archived) for p in partners_in_db(app)] == [("Concordia", False)]


def test_services_check_permissions_too(app, auth):
    partner_id = add_partner(app, name="Concordia")
    clerk_id = create_user(app, "clerk", roles=("warehouse_clerk",))
    from core.auth.gate import PermissionDenied
    from core.auth.models import User

    with app.app_context():
        clerk = db.session.get(User, clerk_id)
        with acting_as(clerk):
            partner = db.session.get(Partner, partner_id)
            try:
                services.update_partner(db.session, partner, name="Renamed")
            except PermissionDenied:
                pass
            else:  # pragma: no cover - the failure message
                raise AssertionError("a clerk changed a partner")
        db.session.rollback()
    assert partners_in_db(app)[0].name == "Concordia"


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/partners/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_duplicate_idno_caught_only_by_the_database_is_still_a_message(app, auth, client,
                                                                          monkeypatch):
    """Two users saving the same IDNO at the same moment: the unique constraint decides."""
    add_partner(app, name="First", idno=IDNO_A)
    other = add_partner(app, name="Other", idno=IDNO_B)
    monkeypatch.setattr(services, "find_by_idno", lambda *args, **kwargs: None)
    auth.login("acc", roles=("accountant",))
    page = client.post("/partners/new", data=form_data(name="Second", idno=IDNO_A)) \
        .get_data(as_text=True)
    assert field_error(page, "idno") == f"IDNO {IDNO_A} is already used by another partner."
    page = client.post(f"/partners/{other}/edit", data=form_data(name="Renamed", idno=IDNO_A)) \
        .get_data(as_text=True)
    assert field_error(page, "idno") == f"IDNO {IDNO_A} is already used by another partner."
    assert [(p.name, p.idno) for p in partners_in_db(app)] == \
        [("First", IDNO_A), ("Other", IDNO_B)]
