"""Canteens and the beneficiary registry: what a canteen manager and a social worker notice."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.auth.gate import SYSTEM, acting_as
from core.db import db
from core.partners.models import Partner
from plugins.canteen import services
from plugins.canteen.demo import demo_idnp
from plugins.canteen.models import Beneficiary, Canteen, SensitiveAccess
from tests.conftest import AuthActions, page_text

VALID_IDNP = demo_idnp(901)
BAD_CHECK_IDNP = VALID_IDNP[:12] + str((int(VALID_IDNP[12]) + 1) % 10)


@pytest.fixture
def app(make_app):
    return make_app(["canteen"])


@pytest.fixture
def canteens(app):
    """Two canteens of one NGO; returns their ids."""
    with app.app_context(), acting_as(SYSTEM):
        ngo = Partner(type="ngo", name="Concordia", legal_name="", notes="", archived=False)
        db.session.add(ngo)
        db.session.flush()
        a = services.create_canteen(db.session, name="Cantina Botanica", operator_id=ngo.id,
                                    address="bd. Dacia 20", capacity=80)
        b = services.create_canteen(db.session, name="Cantina Orhei", operator_id=ngo.id)
        db.session.commit()
        return a.id, b.id


def person(canteen_id, **extra):
    data = {"canteen_id": canteen_id, "last_name": "Popescu", "first_name": "Ion",
            "idnp": VALID_IDNP, "birth_date": "1941-03-12", "category": "pensioner",
            "household_size": "1", "lawful_basis": "legal_obligation", "status": "active"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def register_as_system(app, canteen_id, **fields):
    with app.app_context(), acting_as(SYSTEM):
        b = services.register_beneficiary(db.session, confirmed=True, **{
            "canteen_id": canteen_id, "last_name": "Popescu", "first_name": "Ion",
            "idnp": VALID_IDNP, "birth_date": date(1941, 3, 12), "category": "pensioner",
            "household_size": 1, "lawful_basis": "legal_obligation", "status": "active",
            "monthly_income": "1850.00", "allergies_diet": "Fără gluten", **fields})
        db.session.commit()
        return b.id


def count(app, model, *where):
    with app.app_context():
        db.reset_session()
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def login(app, client, name, role):
    AuthActions(app, client).login(name, roles=(role,))


# --------------------------------------------------------------------------- access


def test_a_warehouse_clerk_is_refused(app, client, canteens):
    login(app, client, "clerk", "warehouse_clerk")
    assert client.get("/canteen/").status_code == 403
    assert client.get(f"/canteen/{canteens[0]}/beneficiaries").status_code == 403
    assert client.get(f"/canteen/{canteens[0]}/beneficiaries/new").status_code == 403


def test_the_manager_finds_canteens_in_the_menu(app, client, canteens):
    login(app, client, "mgr", "canteen_manager")
    home = page_text(client.get("/"))
    assert "Canteens" in home
    listing = page_text(client.get("/canteen/"))
    assert "Cantina Botanica" in listing and "Concordia" in listing
    exported = client.get("/canteen/export?fmt=csv&q=orhei").get_data(as_text=True)
    assert "Cantina Orhei" in exported and "Cantina Botanica" not in exported


# --------------------------------------------------------------------------- canteens


def test_the_manager_creates_and_edits_a_canteen(app, client, canteens):
    login(app, client, "mgr", "canteen_manager")
    with app.app_context():
        ngo_id = db.session.scalar(select(Partner.id))
    response = client.post("/canteen/new", data={
        "name": "Cantina Ungheni", "operator_id": ngo_id, "address": "str. Națională 9",
        "capacity": "50", "opening_days": ["1", "2", "3", "6"]}, follow_redirects=True)
    text = page_text(response)
    assert "Canteen Cantina Ungheni created." in text
    assert "Monday, Tuesday, Wednesday, Saturday" in text
    refused = page_text(client.post("/canteen/new", data={
        "name": "Cantina X", "operator_id": ngo_id, "capacity": "5"}))
    assert "Choose at least one opening day." in refused
    assert count(app, Canteen) == 3


def test_closures_are_validated_and_listed(app, client, canteens):
    login(app, client, "mgr", "canteen_manager")
    url = f"/canteen/{canteens[0]}/closures"
    backwards = client.post(url, data={"closure-start_date": "2026-12-31",
                                       "closure-end_date": "2026-12-20",
                                       "closure-reason": "Sărbători"})
    assert backwards.status_code == 422
    assert "The last day cannot be before the first day." in page_text(backwards)
    no_reason = client.post(url, data={"closure-start_date": "2026-12-20",
                                       "closure-end_date": "2026-12-31",
                                       "closure-reason": " "})
    assert no_reason.status_code == 422
    ok = client.post(url, data={"closure-start_date": "2026-12-24",
                                "closure-end_date": "2027-01-02",
                                "closure-reason": "Sărbătorile de iarnă"}, follow_redirects=True)
    text = page_text(ok)
    assert "Closure recorded." in text and "24.12.2026" in text and "02.01.2027" in text
    overlap = client.post(url, data={"closure-start_date": "2027-01-01",
                                     "closure-end_date": "2027-01-05",
                                     "closure-reason": "Reparație"})
    assert "This overlaps the closure from 24.12.2026 to 02.01.2027." in page_text(overlap)
    with app.app_context():
        canteen = db.session.get(Canteen, canteens[0])
        assert not services.is_open_on(canteen, date(2026, 12, 28))  # a Monday, closed
        assert services.is_open_on(canteen, date(2027, 1, 4))  # a Monday, open again
        assert not services.is_open_on(canteen, date(2027, 1, 9))  # a Saturday


def test_yearly_settings_are_validated_and_replaced(app, client, canteens):
    login(app, client, "mgr", "canteen_manager")
    url = f"/canteen/{canteens[0]}/settings"
    bad = client.post(url, data={"settings-year": "2026", "settings-daily_allowance": "-3",
                                 "settings-min_kcal": "0"})
    assert bad.status_code == 422
    text = page_text(bad)
    assert "The daily allowance must be more than 0 lei." in text
    assert "The minimum energy is a whole number of kcal, 1 to 10000." in text
    client.post(url, data={"settings-year": "2026", "settings-daily_allowance": "28.00",
                           "settings-min_kcal": "1000"})
    page = page_text(client.post(url, data={"settings-year": "2026",
                                            "settings-daily_allowance": "30.50",
                                            "settings-min_kcal": "1100"},
                                 follow_redirects=True))
    assert "Settings for 2026 saved." in page
    assert "30.50 lei" in page and "1100 kcal" in page and "28.00 lei" not in page


# --------------------------------------------------------------------------- registering


def test_a_wrong_idnp_check_digit_is_a_warning_and_the_person_is_saved(app, client, canteens):
    login(app, client, "mgr", "canteen_manager")
    response = client.post(f"/canteen/{canteens[0]}/beneficiaries/new",
                           data=person(canteens[0], idnp=BAD_CHECK_IDNP), follow_redirects=True)
    text = page_text(response)
    assert "Popescu Ion registered." in text
    assert "does not pass the usual check-digit test" in text
    assert count(app, Beneficiary, Beneficiary.idnp == BAD_CHECK_IDNP) == 1


def test_an_idnp_of_the_wrong_length_is_refused(app, client, canteens):
    login(app, client, "mgr", "canteen_manager")
    text = page_text(client.post(f"/canteen/{canteens[0]}/beneficiaries/new",
                                 data=person(canteens[0], idnp="12345")))
    assert "An IDNP has exactly 13 digits." in text
    assert count(app, Beneficiary) == 0


def test_field_errors_are_shown_next_to_the_fields(app, client, canteens):
    login(app, client, "sw", "social_worker")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    text = page_text(client.post(f"/canteen/{canteens[0]}/beneficiaries/new", data=person(
        canteens[0], birth_date=tomorrow, household_size="0", monthly_income="-10",
        lawful_basis="consent", home_delivery="y")))
    assert "The birth date cannot be in the future." in text
    assert "The household has at least 1 person." in text
    assert "The income cannot be negative." in text
    assert count(app, Beneficiary) == 0
    text = page_text(client.post(f"/canteen/{canteens[0]}/beneficiaries/new", data=person(
        canteens[0], lawful_basis="consent", home_delivery="y")))
    assert "Give the date of the signed consent form." in text
    assert "Say why the meal is delivered at home." in text
    assert count(app, Beneficiary) == 0


def test_same_idnp_in_another_canteen_is_flagged_until_confirmed(app, client, canteens):
    register_as_system(app, canteens[0])
    login(app, client, "mgr", "canteen_manager")
    url = f"/canteen/{canteens[1]}/beneficiaries/new"
    data = person(canteens[1], last_name="Popesco", first_name="Ioan")
    flagged = client.post(url, data=data)
    assert flagged.status_code == 409
    text = page_text(flagged)
    assert "Possible duplicates" in text and "Cantina Botanica" in text
    assert "Save anyway" in text
    assert count(app, Beneficiary) == 1
    saved = client.post(url, data={**data, "save_anyway": "yes"}, follow_redirects=True)
    assert "Popesco Ioan registered." in page_text(saved)
    assert count(app, Beneficiary) == 2


def test_same_name_and_birth_date_is_flagged(app, client, canteens):
    register_as_system(app, canteens[0])
    login(app, client, "mgr", "canteen_manager")
    url = f"/canteen/{canteens[0]}/beneficiaries/new"
    flagged = client.post(url, data=person(canteens[0], idnp="", last_name="POPESCU"))
    assert flagged.status_code == 409
    assert "Possible duplicates" in page_text(flagged)
    assert count(app, Beneficiary) == 1
    other_day = client.post(url, data=person(canteens[0], idnp="", birth_date="1941-03-13"),
                            follow_redirects=True)
    assert "Popescu Ion registered." in page_text(other_day)
    assert count(app, Beneficiary) == 2


def test_editing_into_a_duplicate_is_flagged(app, client, canteens):
    register_as_system(app, canteens[0])
    other = register_as_system(app, canteens[1], idnp=demo_idnp(902), first_name="Vasile",
                               birth_date=date(1950, 1, 1))
    login(app, client, "mgr", "canteen_manager")
    flagged = client.post(f"/canteen/beneficiaries/{other}/edit",
                          data=person(canteens[1], first_name="Vasile"))
    assert flagged.status_code == 409
    with app.app_context():
        assert db.session.get(Beneficiary, other).idnp == demo_idnp(902)


def test_status_changes(app, client, canteens):
    b = register_as_system(app, canteens[0])
    login(app, client, "mgr", "canteen_manager")
    text = page_text(client.post(f"/canteen/beneficiaries/{b}/status",
                                 data={"status": "suspended"}, follow_redirects=True))
    assert "Status changed to Suspended." in text
    assert "eligible: no (Suspended), Pensioner" in text


# --------------------------------------------------------------------------- sensitive data


def test_the_manager_sees_eligibility_not_income_and_nothing_is_logged(app, client, canteens):
    b = register_as_system(app, canteens[0])
    login(app, client, "mgr", "canteen_manager")
    text = page_text(client.get(f"/canteen/beneficiaries/{b}"))
    assert "eligible: yes, Pensioner" in text
    assert "1850" not in text and "1,850.00" not in text
    assert "Fără gluten" not in text
    edit = page_text(client.get(f"/canteen/beneficiaries/{b}/edit"))
    assert "Monthly income" not in edit and "1850" not in edit
    assert count(app, SensitiveAccess) == 0


def test_the_manager_cannot_overwrite_sensitive_fields(app, client, canteens):
    b = register_as_system(app, canteens[0])
    login(app, client, "mgr", "canteen_manager")
    client.post(f"/canteen/beneficiaries/{b}/edit",
                data=person(canteens[0], phone="069000000", monthly_income="99"))
    with app.app_context():
        saved = db.session.get(Beneficiary, b)
        assert saved.phone == "069000000"
        assert str(saved.monthly_income) == "1850.00"


def test_the_social_worker_sees_income_and_the_view_is_logged(app, client, canteens):
    b = register_as_system(app, canteens[0])
    login(app, client, "sw", "social_worker")
    text = page_text(client.get(f"/canteen/beneficiaries/{b}"))
    assert "1,850.00 lei" in text and "Fără gluten" in text
    with app.app_context():
        rows = db.session.scalars(select(SensitiveAccess)).all()
        assert [(r.username, r.beneficiary_id, r.action) for r in rows] == [("sw", b, "view")]
    client.get(f"/canteen/beneficiaries/{b}")
    assert count(app, SensitiveAccess) == 2


def test_the_export_hides_sensitive_columns_from_the_manager(app, client, canteens):
    register_as_system(app, canteens[0])
    login(app, client, "mgr", "canteen_manager")
    csv_text = client.get(f"/canteen/{canteens[0]}/beneficiaries/export?fmt=csv") \
        .get_data(as_text=True)
    assert "Popescu" in csv_text and "eligible: yes, Pensioner" in csv_text
    assert "monthly_income" not in csv_text and "1850" not in csv_text
    xlsx = client.get(f"/canteen/{canteens[0]}/beneficiaries/export?fmt=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert "monthly_income" not in [c.value for c in sheet[1]]
    assert count(app, SensitiveAccess) == 0


def test_the_export_has_sensitive_columns_for_the_social_worker(app, client, canteens):
    register_as_system(app, canteens[0])
    login(app, client, "sw", "social_worker")
    csv_text = client.get(f"/canteen/{canteens[0]}/beneficiaries/export?fmt=csv") \
        .get_data(as_text=True)
    assert "monthly_income" in csv_text and "1850.00" in csv_text
    assert count(app, SensitiveAccess, SensitiveAccess.action == "export") == 1


# --------------------------------------------------------------------------- list


def test_the_list_searches_filters_and_pages(make_app):
    app = make_app(["canteen"], PER_PAGE=5)
    client = app.test_client()
    with app.app_context(), acting_as(SYSTEM):
        ngo = Partner(type="ngo", name="Concordia", legal_name="", notes="", archived=False)
        db.session.add(ngo)
        db.session.flush()
        canteen = services.create_canteen(db.session, name="Cantina", operator_id=ngo.id)
        db.session.commit()
        cid = canteen.id
    for i in range(7):
        register_as_system(app, cid, idnp=demo_idnp(100 + i), first_name=f"Nume{i}",
                           category="homeless" if i == 3 else "pensioner",
                           status="ended" if i == 4 else "active")
    login(app, client, "mgr", "canteen_manager")
    first = page_text(client.get(f"/canteen/{cid}/beneficiaries"))
    assert "Page 1 of 2" in first and "7 records" in first
    by_idnp = page_text(client.get(f"/canteen/{cid}/beneficiaries?q={demo_idnp(102)}"))
    assert "Nume2" in by_idnp and "Nume1" not in by_idnp
    by_name = page_text(client.get(f"/canteen/{cid}/beneficiaries?q=nume5 popescu"))
    assert "Nume5" in by_name and "Nume6" not in by_name
    homeless = page_text(client.get(f"/canteen/{cid}/beneficiaries?category=homeless"))
    assert "Nume3" in homeless and "Nume2" not in homeless
    ended = page_text(client.get(f"/canteen/{cid}/beneficiaries?status=ended&sort=-name"))
    assert "Nume4" in ended and "1 records" in ended


# --------------------------------------------------------------------------- demo


def test_demo_data_loads_five_canteens_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "canteen: 5 canteens" in first.output
    assert "canteen: 30 beneficiaries" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert count(app, Canteen) == 5
    assert count(app, Beneficiary) == 30
    with app.app_context():
        idnps = db.session.scalars(select(Beneficiary.idnp)).all()
        assert all(services.idnp_checksum_ok(i) for i in idnps)


def test_the_audit_log_records_sensitive_changes_masked(app, client, canteens):
    from core.audit.models import AuditEntry

    b = register_as_system(app, canteens[0])
    login(app, client, "sw", "social_worker")
    client.post(f"/canteen/beneficiaries/{b}/edit",
                data=person(canteens[0], monthly_income="2222.00"))
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "canteen_beneficiary")).all()
        update = [e for e in entries if e.action == "update"]
        assert update and update[-1].changes["monthly_income"] == ["***", "***"]
        assert "1850" not in str([e.changes for e in entries])
        assert str(db.session.get(Beneficiary, b).monthly_income) == "2222.00"


def test_pages_in_romanian(make_app):
    app = make_app(["canteen"], BABEL_DEFAULT_LOCALE="ro")
    client = app.test_client()
    with app.app_context(), acting_as(SYSTEM):
        ngo = Partner(type="ngo", name="Concordia", legal_name="", notes="", archived=False)
        db.session.add(ngo)
        db.session.flush()
        cid = services.create_canteen(db.session, name="Cantina", operator_id=ngo.id).id
        db.session.commit()
    b = register_as_system(app, cid)
    login(app, client, "mgr", "canteen_manager")
    assert "Cantine" in page_text(client.get("/canteen/"))
    assert "eligibil: da, Pensionar" in page_text(client.get(f"/canteen/beneficiaries/{b}"))


def test_services_refuse_sensitive_fields_without_the_permission(app, canteens):
    from core.auth.gate import PermissionDenied
    from core.auth.models import User
    from tests.conftest import create_user

    create_user(app, "mgr2", ("canteen_manager",))
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.username == "mgr2"))
        with acting_as(manager), pytest.raises(PermissionDenied):
            services.register_beneficiary(
                db.session, canteen_id=canteens[0], first_name="Ion", last_name="Rusu",
                category="pensioner", lawful_basis="legal_obligation",
                monthly_income="100.00")
        db.session.rollback()
    assert count(app, Beneficiary) == 0


def test_a_disability_needs_its_degree_for_the_social_worker(app, client, canteens):
    login(app, client, "sw", "social_worker")
    url = f"/canteen/{canteens[0]}/beneficiaries/new"
    text = page_text(client.post(url, data=person(canteens[0], category="disability")))
    assert "Give the degree of disability." in text
    saved = client.post(url, data=person(canteens[0], category="disability",
                                         disability_degree="severe"), follow_redirects=True)
    text = page_text(saved)
    assert "Popescu Ion registered." in text and "Severe" in text


def test_the_partner_page_lists_its_canteens(app, client, canteens):
    login(app, client, "mgr", "canteen_manager")
    with app.app_context():
        ngo_id = db.session.scalar(select(Partner.id))
    text = page_text(client.get(f"/partners/{ngo_id}"))
    assert "Canteens run by this organisation" in text
    assert "Cantina Botanica" in text and "Cantina Orhei" in text


def test_the_api_lists_sensitive_accesses_newest_first(app, client, canteens):
    from plugins.canteen import api

    b = register_as_system(app, canteens[0])
    login(app, client, "sw", "social_worker")
    client.get(f"/canteen/beneficiaries/{b}")
    client.get(f"/canteen/beneficiaries/{b}/edit")
    with app.app_context():
        rows = api.sensitive_accesses(db.session, beneficiary_id=b)
        assert [(r.username, r.beneficiary_name, r.action) for r in rows] == [
            ("sw", "Popescu Ion", "edit"), ("sw", "Popescu Ion", "view")]
