"""Donor profiles: what an accountant and a donor's own user notice."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.auth.gate import SYSTEM, acting_as
from core.db import db
from core.partners.models import Partner
from core.tabular import read_table_bytes
from tests.conftest import AuthActions, create_user, page_text

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def app(make_app):
    return make_app(["donors"])


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


def make_partner(app, name="Supermarket Nr. 1 SRL", ptype="retailer") -> int:
    with app.app_context():
        partner = Partner(type=ptype, name=name, legal_name=name, notes="", archived=False)
        db.session.add(partner)
        db.session.commit()
        return partner.id


def profile_count(app) -> int:
    from plugins.donors.models import DonorProfile

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DonorProfile))


def form_data(**overrides) -> dict:
    data = {"donor_type": "retailer", "contract_number": "BA-2026/07",
            "contract_date": "2026-01-15", "contract_valid_until": "2099-01-14",
            "document_language": "ro", "contact_name": "Andrei Lungu",
            "contact_email": "andrei@example.md", "contact_phone": "+373 22 111 222",
            "annual_limit": "600000", "monthly_limit": "60000.50", "notes": "", "active": "y"}
    data.update(overrides)
    return data


def save(client, partner_id, **overrides):
    return client.post(f"/donors/{partner_id}/edit", data=form_data(**overrides),
                       content_type="multipart/form-data", follow_redirects=True)


def test_profile_saved_and_shown_on_the_partner_page(app, client, auth):
    partner_id = make_partner(app)
    auth.login("acc", roles=("accountant",))
    before = page_text(client.get(f"/partners/{partner_id}"))
    assert "Make donor" in before
    response = save(client, partner_id)
    assert "Donor profile of Supermarket Nr. 1 SRL saved." in page_text(response)
    panel = page_text(client.get(f"/partners/{partner_id}"))
    assert "Donor profile" in panel and "Make donor" not in panel
    assert "BA-2026/07" in panel and "15.01.2026" in panel
    assert "600,000.00 lei" in panel and "60,000.50 lei" in panel
    assert "Contract valid" in panel
    from plugins.donors import api

    not_a_donor = make_partner(app, "Not a donor", "ngo")
    with app.test_request_context(), acting_as(SYSTEM):
        data = api.donor_profile(partner_id)
        assert data.contract_number == "BA-2026/07" and data.contract_state == "valid"
        assert api.limits(partner_id).monthly == Decimal("60000.50")
        assert api.limits(not_a_donor) is None


def test_monthly_limit_above_annual_is_refused_next_to_the_field(app, client, auth):
    partner_id = make_partner(app)
    auth.login("acc", roles=("accountant",))
    response = save(client, partner_id, annual_limit="1000", monthly_limit="1500")
    text = page_text(response)
    assert 'id="monthly_limit-error"' in text
    assert "The monthly limit cannot be above the annual limit (1,000.00 lei)." in text
    assert profile_count(app) == 0


def test_contract_ending_before_it_starts_and_bad_email_are_refused(app, client, auth):
    partner_id = make_partner(app)
    auth.login("acc", roles=("accountant",))
    text = page_text(save(client, partner_id, contract_valid_until="2025-12-31",
                          contact_email="not-an-address"))
    assert "The contract cannot end before it starts (15.01.2026)." in text
    assert "This is not a valid e-mail address." in text
    assert profile_count(app) == 0


def test_contract_scan_upload_and_download_are_identical(app, client, auth):
    partner_id = make_partner(app)
    auth.login("acc", roles=("accountant",))
    data = form_data()
    data["contract_scan"] = (io.BytesIO(PDF), "contract semnat.pdf")
    response = client.post(f"/donors/{partner_id}/edit", data=data,
                           content_type="multipart/form-data", follow_redirects=True)
    assert "contract semnat.pdf" in page_text(response)
    download = client.get(f"/donors/{partner_id}/contract-scan")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    # A new file replaces the previous one.
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    data = form_data(contract_scan=(io.BytesIO(png), "scan.png"))
    save_response = client.post(f"/donors/{partner_id}/edit", data=data,
                                content_type="multipart/form-data", follow_redirects=True)
    assert "scan.png" in page_text(save_response)
    again = client.get(f"/donors/{partner_id}/contract-scan")
    assert again.data == png and again.mimetype == "image/png"
    # The history records the change of file (its name and hash), never the bytes.
    from core.audit.models import AuditEntry

    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "donors_profile")).all()
        assert len(entries) == 2
        assert entries[-1].changes["scan_filename"] == ["contract semnat.pdf", "scan.png"]
        assert [e.changes["scan_data"][1] for e in entries] == ["***", "***"]


def test_a_fake_pdf_is_refused_and_nothing_is_saved(app, client, auth):
    partner_id = make_partner(app)
    auth.login("acc", roles=("accountant",))
    data = form_data(contract_scan=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "contract.pdf"))
    response = client.post(f"/donors/{partner_id}/edit", data=data,
                           content_type="multipart/form-data")
    text = page_text(response)
    assert 'id="contract_scan-error"' in text
    assert "This file is not a PDF, JPEG or PNG" in text
    assert profile_count(app) == 0
    assert client.get(f"/donors/{partner_id}/contract-scan").status_code == 404


def test_a_scan_over_the_size_limit_is_refused(make_app):
    app = make_app(["donors"], DONORS_MAX_SCAN_SIZE=1024 * 1024)
    client = app.test_client()
    partner_id = make_partner(app)
    AuthActions(app, client).login("acc", roles=("accountant",))
    big = PDF + b"0" * (1024 * 1024)
    data = form_data(contract_scan=(io.BytesIO(big), "big.pdf"))
    text = page_text(client.post(f"/donors/{partner_id}/edit", data=data,
                                 content_type="multipart/form-data"))
    assert "The file is too large: at most 1 MB." in text
    assert profile_count(app) == 0


def test_expired_and_expiring_contracts_are_flagged_in_the_list(app, client, auth):
    from plugins.donors import services

    today = services.today()
    auth.login("acc", roles=("accountant",))
    cases = {"Old Farm": today - timedelta(days=1),
             "Soon Dairy": today + timedelta(days=30),
             "Fine Retail": today + timedelta(days=31)}
    for name, until in cases.items():
        partner_id = make_partner(app, name)
        response = save(client, partner_id, contract_date="2020-01-01",
                        contract_valid_until=until.isoformat())
        assert response.status_code == 200
    listing = page_text(client.get("/donors/"))
    rows = {name: listing.split(name, 1)[1].split("</tr>", 1)[0] for name in cases}
    assert "Contract expired" in rows["Old Farm"]
    assert "Contract expires soon" in rows["Soon Dairy"]
    assert "Contract valid" in rows["Fine Retail"]
    expired = page_text(client.get("/donors/?contract=expired"))
    assert "Old Farm" in expired and "Soon Dairy" not in expired and "Fine Retail" not in expired
    expiring = page_text(client.get("/donors/?contract=expiring"))
    assert "Soon Dairy" in expiring and "Old Farm" not in expiring
    detail = page_text(client.get(f"/donors/{partner_id - 2}"))
    assert "The framework contract expired on" in detail
    dashboard = page_text(client.get("/"))
    widget = dashboard.split("Donor contracts to renew", 1)[1].split("</section>", 1)[0]
    assert "Old Farm" in widget and "Soon Dairy" in widget and "Fine Retail" not in widget
    assert widget.index("Old Farm") < widget.index("Soon Dairy")


def test_list_filters_by_type_and_export_reads_back(app, client, auth):
    auth.login("acc", roles=("accountant",))
    save(client, make_partner(app, "Alfa Retail"), donor_type="retailer")
    save(client, make_partner(app, "Beta Farm", "farmer"), donor_type="farmer",
         contract_number="F-1", annual_limit="", monthly_limit="")
    farms = page_text(client.get("/donors/?type=farmer"))
    assert "Beta Farm" in farms and "Alfa Retail" not in farms
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/donors/export?fmt={fmt}&sort=name")
        assert response.status_code == 200
        table = read_table_bytes(response.data, f"donors.{fmt}")
        assert [row["partner"] for row in table] == ["Alfa Retail", "Beta Farm"]
        assert Decimal(table[0]["annual_limit"]) == Decimal("600000")
        assert table[0]["contract_state"] == "valid"
        assert table[1]["donor_type"] == "farmer" and table[1]["annual_limit"] == ""


def test_donor_portal_user_sees_only_its_own_profile(app, client, auth):
    own, other = make_partner(app, "Own Shop"), make_partner(app, "Other Shop")
    auth.login("acc", roles=("accountant",))
    save(client, own, contract_number="OWN-1")
    save(client, other, contract_number="OTHER-1",
         contract_scan=(io.BytesIO(PDF), "other.pdf"))
    auth.logout()
    create_user(app, "shop", roles=("donor",), partner_id=own)
    auth.login("shop")
    mine = page_text(client.get(f"/donors/{own}"))
    assert "OWN-1" in mine
    listing = page_text(client.get("/donors/"))
    assert "Own Shop" in listing and "Other Shop" not in listing
    assert "OWN-1" in page_text(client.get(f"/partners/{own}"))
    assert client.get(f"/donors/{other}").status_code == 404
    assert client.get(f"/donors/{other}/contract-scan").status_code == 404
    export = client.get("/donors/export?fmt=csv").get_data(as_text=True)
    assert "Own Shop" in export and "Other Shop" not in export
    assert client.get(f"/donors/{own}/edit").status_code == 403


def test_warehouse_clerk_cannot_edit(app, client, auth):
    partner_id = make_partner(app)
    auth.login("clerk", roles=("warehouse_clerk",))
    assert client.get(f"/donors/{partner_id}/edit").status_code == 403
    assert client.post(f"/donors/{partner_id}/edit", data=form_data()).status_code == 403
    assert client.get("/donors/").status_code == 403
    assert "Make donor" not in page_text(client.get(f"/partners/{partner_id}"))
    assert profile_count(app) == 0


def test_menu_shows_donors_to_the_accountant(app, client, auth):
    auth.login("acc", roles=("accountant",))
    assert "Donor profiles" in page_text(client.get("/"))


def test_demo_data_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--force"])
    assert first.exit_code == 0, first.output
    assert "donors: 3 donor profiles" in first.output
    second = runner.invoke(args=["demo", "--force"])
    assert second.exit_code == 0, second.output
    assert "donors: 0 donor profiles" in second.output
    assert profile_count(app) == 3
    from plugins.donors import api
    from plugins.donors.models import DonorProfile

    with app.test_request_context(), acting_as(SYSTEM):
        retailer = db.session.scalar(select(DonorProfile).where(
            DonorProfile.donor_type == "retailer"))
        assert api.limits(retailer.partner_id).annual == Decimal("600000.00")


def test_pages_are_in_romanian_by_default(make_app):
    app = make_app(["donors"], BABEL_DEFAULT_LOCALE="ro")
    client = app.test_client()
    partner_id = make_partner(app)
    AuthActions(app, client).login("acc", roles=("accountant",))
    assert "Profilurile donatorilor" in page_text(client.get("/donors/"))
    text = page_text(save(client, partner_id, annual_limit="1000", monthly_limit="1500"))
    assert "Plafonul lunar nu poate depăși plafonul anual" in text


def test_list_sorts_by_annual_limit(app, client, auth):
    auth.login("acc", roles=("accountant",))
    save(client, make_partner(app, "Small Shop"), annual_limit="1000", monthly_limit="100")
    save(client, make_partner(app, "Big Shop"), annual_limit="900000", monthly_limit="100")
    descending = page_text(client.get("/donors/?sort=-annual"))
    assert descending.index("Big Shop") < descending.index("Small Shop")
    ascending = page_text(client.get("/donors/?sort=annual"))
    assert ascending.index("Small Shop") < ascending.index("Big Shop")


def test_services_check_permissions(app):
    from core.auth.gate import PermissionDenied
    from plugins.donors import services

    partner_id = make_partner(app)
    clerk_id = create_user(app, "clerk", roles=("warehouse_clerk",))
    from core.auth.models import User

    with app.test_request_context():
        clerk = db.session.get(User, clerk_id)
        partner = db.session.get(Partner, partner_id)
        with acting_as(clerk), pytest.raises(PermissionDenied):
            services.save_profile(db.session, partner, donor_type="retailer")


def test_upload_scan_replaces_the_file_and_keeps_its_hash(app):
    import hashlib

    from plugins.donors import services

    partner_id = make_partner(app)
    jpeg = b"\xff\xd8\xff\xe0" + b"\x01" * 100
    with app.test_request_context(), acting_as(SYSTEM):
        partner = db.session.get(Partner, partner_id)
        profile = services.save_profile(db.session, partner, donor_type="farmer",
                                        scan=("a.pdf", PDF))
        services.upload_scan(db.session, profile, "C:\\scans\\b.jpg", jpeg)
        db.session.commit()
    db_state = None
    with app.test_request_context(), acting_as(SYSTEM):
        profile, data = services.scan_bytes(db.session, partner_id)
        db_state = (profile.scan_filename, profile.scan_content_type, profile.scan_size,
                    profile.scan_sha256, data)
        with pytest.raises(services.DonorInvalid) as refused:
            services.upload_scan(db.session, profile, "c.png", b"GIF89a not allowed")
        assert "contract_scan" in refused.value.errors
    assert db_state == ("b.jpg", "image/jpeg", len(jpeg), hashlib.sha256(jpeg).hexdigest(), jpeg)


def test_the_migration_branch_downgrades_and_upgrades(fresh_database_url):
    from sqlalchemy import create_engine, inspect

    from core.migrate import downgrade_to_base, upgrade

    engine = create_engine(fresh_database_url)
    try:
        upgrade(engine, ["core", "donors"])
        assert "donors_profile" in inspect(engine).get_table_names()
        assert downgrade_to_base(engine, "donors")
        assert "donors_profile" not in inspect(engine).get_table_names()
        upgrade(engine, ["donors"])
        assert "donors_profile" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
