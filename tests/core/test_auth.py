"""Logging in and out, passwords, throttling, session protection, the permission gate."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.auth.gate import UndeclaredPermission, has_permission
from core.auth.models import LoginAttempt, User
from core.db import db, utcnow
from tests.conftest import PASSWORD, create_user, page_text


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login?next=%2F" in response.headers["Location"]


def test_login_shows_dashboard_and_logout_ends_the_session(auth, client):
    assert auth.login("admin").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Admin" in page
    assert 'href="/admin/plugins"' in page
    assert client.get("/logout").status_code == 405  # logout is a POST (CSRF-protected)
    auth.logout()
    assert client.get("/").status_code == 302


def test_passwords_are_hashed(app, auth):
    auth.login("admin")
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.username == "admin"))
    assert PASSWORD not in stored
    assert stored.split(":")[0] in ("scrypt", "pbkdf2")


def test_wrong_password_and_inactive_user_are_refused(app, auth, client):
    auth.login("admin")
    auth.logout()
    response = client.post("/login", data={"username": "admin", "password": "nope"})
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(User).values(active=False))
        db.session.commit()
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code \
        == 401


def test_login_is_throttled_after_repeated_failures(app, client):
    create_user(app, "maria", ("accountant",))
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/login", data={"username": "maria", "password": "x"}).status_code \
            == 401
    # Even the right password is refused while locked.
    locked = client.post("/login", data={"username": "maria", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # After the lock period the right password works again.
    with app.app_context():
        db.session.execute(update(LoginAttempt).values(
            at=utcnow() - timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)))
        db.session.commit()
    assert client.post("/login", data={"username": "maria", "password": PASSWORD}).status_code \
        == 302


def test_next_parameter_cannot_redirect_off_site(app, client):
    create_user(app, "ion", ("accountant",))
    response = client.post("/login?next=//evil.example/x",
                           data={"username": "ion", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_session_is_bound_to_the_browser(auth, client):
    """Session protection: a stolen cookie replayed from another browser is not logged in."""
    auth.login("admin")
    assert client.get("/").status_code == 200
    other = client.get("/", headers={"User-Agent": "curl/8.0 stolen-cookie"})
    assert other.status_code == 302


def test_password_change(app, auth, client):
    auth.login("admin")
    wrong = client.post("/account/password", data={
        "current": "bad", "new": "a-new-password", "confirm": "a-new-password"})
    assert "The current password is wrong." in wrong.get_data(as_text=True)
    mismatch = client.post("/account/password", data={
        "current": PASSWORD, "new": "a-new-password", "confirm": "other-password"})
    assert "The passwords do not match." in mismatch.get_data(as_text=True)
    short = client.post("/account/password", data={
        "current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 200 and 'id="new-error"' in short.get_data(as_text=True)
    done = client.post("/account/password", data={
        "current": PASSWORD, "new": "a-new-password", "confirm": "a-new-password"})
    assert done.status_code == 302
    auth.logout()
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code \
        == 401
    assert client.post("/login", data={"username": "admin", "password": "a-new-password"}) \
        .status_code == 302


def test_form_without_csrf_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    create_user(app, "admin", ("administrator",))
    client = app.test_client()
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_menu_and_pages_follow_permissions(app, auth, client):
    auth.login("clerk", roles=("warehouse_clerk",))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/users"' not in page
    assert 'href="/partners/"' in page
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/plugins").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_gate_refuses_undeclared_permissions(app):
    with app.test_request_context():
        with pytest.raises(UndeclaredPermission):
            has_permission("core.nothing.like.this")


# --------------------------------------------------------------------------- admin pages


def test_administrator_creates_a_user_with_roles(app, auth, client):
    auth.login("admin")
    response = client.post("/admin/users/new", data={
        "username": "elena", "full_name": "Elena Rusu", "email": "elena@example.md",
        "password": "secret-pass-1", "roles": ["accountant"], "partner_id": "0", "locale": "ro",
        "active": "y"})
    assert response.status_code == 302
    listing = client.get("/admin/users?q=elena").get_data(as_text=True)
    assert "Elena Rusu" in listing
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "elena"))
        assert [r.code for r in user.roles] == ["accountant"]
    auth.logout()
    assert client.post("/login", data={"username": "elena", "password": "secret-pass-1"}) \
        .status_code == 302


def test_portal_role_requires_a_partner(app, auth, client):
    auth.login("admin")
    response = client.post("/admin/users/new", data={
        "username": "coord", "password": "secret-pass-1", "roles": ["partner_coordinator"],
        "partner_id": "0", "locale": "", "active": "y"})
    assert "A portal role needs the user's partner organisation." in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "coord")) is None


def test_duplicate_username_is_refused(app, auth, client):
    auth.login("admin")
    response = client.post("/admin/users/new", data={
        "username": "ADMIN", "password": "secret-pass-1", "partner_id": "0", "locale": ""})
    assert "already taken" in response.get_data(as_text=True)


def test_administrator_edits_role_permissions(app, auth, client):
    auth.login("admin")
    with app.app_context():
        from core.auth.models import Role

        role_id = db.session.scalar(select(Role.id).where(Role.code == "warehouse_clerk"))
    response = client.post(f"/admin/roles/{role_id}", data={
        "code": "warehouse_clerk", "name": "Warehouse clerk", "description": "",
        "permissions": ["core.partners.view", "core.audit.view"]})
    assert response.status_code == 302
    auth.logout()
    auth.login("clerk", roles=("warehouse_clerk",))
    assert client.get("/audit/").status_code == 200


def test_administrator_cannot_deactivate_himself(app, auth, client):
    auth.login("admin")
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.username == "admin"))
    response = client.post(f"/admin/users/{admin_id}", data={
        "full_name": "Admin", "roles": ["administrator"], "partner_id": "0", "locale": ""})
    assert "You cannot deactivate yourself." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin_id).active


def test_many_usernames_from_one_address_are_throttled(make_app):
    app = make_app(LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    create_user(app, "victim", ("accountant",))
    client = app.test_client()
    for name in ("a", "b", "c"):
        client.post("/login", data={"username": name, "password": "guess"})
    response = client.post("/login", data={"username": "victim", "password": PASSWORD})
    assert response.status_code == 429


def test_soft_dependency_check(make_app):
    from core.plugin_manager import is_enabled

    app = make_app(["donors"])
    with app.app_context():
        assert is_enabled("donors") and not is_enabled("inventory")


def test_user_list_exports(app, auth, client):
    import csv
    import io

    auth.login("admin")
    create_user(app, "ion", ("warehouse_clerk",))
    response = client.get("/admin/users/export?fmt=csv&q=ion")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [(r["username"], r["roles"]) for r in rows] == [("ion", "warehouse_clerk")]
    assert "password" not in response.data.decode()
