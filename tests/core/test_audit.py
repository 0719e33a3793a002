"""The audit log: every change of a business record, in the same transaction, read-only."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry, AuditLogIsReadOnly
from core.auth.gate import acting_as
from core.auth.models import User
from core.db import db
from core.partners.models import Partner
from tests.conftest import create_user, page_text


def _entries(table: str) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.table_name == table).order_by(AuditEntry.id)))


def test_insert_update_delete_are_logged_with_who_and_what(app):
    user_id = create_user(app, "elena", ("accountant",))
    with app.app_context():
        elena = db.session.get(User, user_id)
        with acting_as(elena):
            partner = Partner(type="ngo", name="Speranța", legal_name="A.O. Speranța")
            db.session.add(partner)
            db.session.commit()
            partner.name = "Speranța Nord"
            db.session.commit()
            db.session.delete(partner)
            db.session.commit()
        entries = _entries("core_partner")
    assert [e.action for e in entries] == ["insert", "update", "delete"]
    assert all(e.username == "elena" and e.user_id == user_id for e in entries)
    assert entries[0].changes["name"] == [None, "Speranța"]
    assert entries[1].changes["name"] == ["Speranța", "Speranța Nord"]
    assert "legal_name" not in entries[1].changes  # only what changed
    assert entries[2].changes["name"] == ["Speranța Nord", None]
    assert entries[0].record_id == entries[2].record_id


def test_a_rolled_back_change_leaves_no_audit_entry(app):
    with app.app_context():
        db.session.add(Partner(type="ngo", name="Temporary"))
        db.session.flush()
        db.session.rollback()
        assert _entries("core_partner") == []


def test_role_changes_and_passwords(app):
    user_id = create_user(app, "ion", ("warehouse_clerk",))
    with app.app_context():
        insert = _entries("core_user")[-1]
        assert insert.changes["password_hash"] == [None, "***"]  # never the hash itself
        user = db.session.get(User, user_id)
        from core.auth.services import find_roles

        user.roles = find_roles(db.session, ["warehouse_clerk", "accountant"])
        db.session.commit()
        change = _entries("core_user")[-1]
    assert change.changes["roles"] == [["warehouse_clerk"], ["accountant", "warehouse_clerk"]]


def test_entries_cannot_be_changed(app):
    with app.app_context():
        db.session.add(Partner(type="ngo", name="X"))
        db.session.commit()
        entry = _entries("core_partner")[0]
        entry.username = "someone else"
        with pytest.raises(AuditLogIsReadOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry.id))
        with pytest.raises(AuditLogIsReadOnly):
            db.session.commit()


def test_global_view_filters_and_record_history(app, auth, client):
    auth.login("admin")
    with app.app_context():
        for name in ("Alfa", "Beta"):
            db.session.add(Partner(type="ngo", name=name))
        db.session.commit()
        beta_id = db.session.scalar(select(Partner.id).where(Partner.name == "Beta"))
    page = page_text(client.get("/audit/?table=core_partner&action=insert"))
    assert "Alfa" in page and "Beta" in page
    assert "core_user" not in page.split("<tbody>")[1]  # filtered to partners
    history = page_text(client.get(f"/audit/core_partner/{beta_id}"))
    assert "Beta" in history and "Alfa" not in history
    assert client.post("/audit/").status_code == 405  # nothing to edit through the app


def test_audit_view_needs_permission(app, auth, client):
    auth.login("clerk", roles=("warehouse_clerk",))
    assert client.get("/audit/").status_code == 403


def test_deletes_by_cascade_are_logged(app):
    from core.partners.models import PartnerAddress

    with app.app_context():
        partner = Partner(type="ngo", name="Cu adresă")
        partner.addresses.append(PartnerAddress(street="str. Mare 1", city="Orhei"))
        db.session.add(partner)
        db.session.commit()
        partner.addresses.clear()  # delete-orphan
        db.session.commit()
        actions = [e.action for e in _entries("core_partner_address")]
    assert actions == ["insert", "delete"]


def test_audit_log_exports_the_filtered_entries(app, auth, client):
    import csv
    import io
    import json

    auth.login("admin")
    with app.app_context():
        db.session.add(Partner(type="ngo", name="Exportată"))
        db.session.commit()
    response = client.get("/audit/export?fmt=csv&table=core_partner")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["table"] for r in rows] == ["core_partner"]
    assert json.loads(rows[0]["changes"])["name"] == [None, "Exportată"]
    assert client.get("/audit/export?fmt=xlsx").headers["Content-Type"].startswith(
        "application/vnd.openxmlformats")
