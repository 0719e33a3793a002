"""The UI shell: languages, formats, error pages, health, pending migrations, configuration."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from core.app import create_app
from core.db.types import utcnow
from core.i18n import format_date_ddmmyyyy, format_datetime_local, format_kg, format_money
from core.migrate import upgrade
from core.plugin_manager import PluginState
from tests.conftest import page_text


@pytest.fixture
def ro_app(make_app):
    """The product's default language (tests elsewhere read English)."""
    return make_app(BABEL_DEFAULT_LOCALE="ro")


def test_romanian_is_the_default_and_the_switch_is_remembered(ro_app):
    from tests.conftest import AuthActions

    client = ro_app.test_client()
    auth = AuthActions(ro_app, client)
    auth.login("admin")
    assert '<html lang="ro">' in client.get("/").get_data(as_text=True)
    response = client.post("/lang/ru", data={"next": "/admin/users"})
    assert response.headers["Location"] == "/admin/users"
    assert '<html lang="ru">' in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("admin")  # stored on the user
    assert '<html lang="ru">' in client.get("/").get_data(as_text=True)


def test_language_switch_rejects_unknown_languages_and_offsite_redirects(ro_app):
    client = ro_app.test_client()
    client.post("/lang/de")
    assert '<html lang="ro">' in client.get("/login").get_data(as_text=True)
    response = client.post("/lang/en", data={"next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_formats_dates_amounts_and_weights(ro_app):
    app = ro_app
    with app.test_request_context():
        assert format_date_ddmmyyyy(date(2026, 3, 7)) == "07.03.2026"
        # 22:30 UTC on 31 Dec is already 1 January in Chișinău (UTC+2).
        moment = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
        assert format_datetime_local(moment) == "01.01.2027 00:30"
        assert format_money(Decimal("1234.5")) == "1.234,50 lei"
        assert format_kg(Decimal("12.250")) == "12,25 kg"
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert format_money(Decimal("1234.5")) == "1,234.50 lei"


def test_error_pages_use_the_layout(auth, client):
    auth.login("clerk", roles=("warehouse_clerk",))
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "sidenav" in missing.get_data(as_text=True)
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403 and "permission" in page_text(forbidden)


def test_server_error_page_says_nothing_was_saved(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "nothing was saved" in page_text(response)


def test_healthz(make_app):
    app = make_app(["inventory"])
    body = app.test_client().get("/healthz").get_json()
    assert body == {"database": True, "plugins": ["inventory"], "pending_migrations": [],
                    "status": "ok"}


def test_pending_migrations_show_a_page_naming_the_command(fresh_database_url, tmp_path):
    engine = create_engine(fresh_database_url)
    upgrade(engine, ["core"])
    with Session(engine) as session, session.begin():  # enabled, but never migrated
        session.add(PluginState(name="inventory", enabled=True, version="0.1.0",
                                changed_at=utcnow()))
    app = create_app({"DATABASE_URL": fresh_database_url, "SECRET_KEY": "x", "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path)})
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 503
    assert "foodbank db upgrade" in page_text(page) and "inventory" in page_text(page)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["pending_migrations"] == ["inventory"]
    upgrade(engine, ["inventory"])
    assert client.get("/login").status_code == 200  # no restart needed once migrated
    engine.dispose()


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch, database_url):
    monkeypatch.delenv("FOODBANK_SECRET_KEY", raising=False)
    monkeypatch.setenv("FOODBANK_DATABASE_URL", database_url)
    monkeypatch.setenv("FOODBANK_INSTANCE_PATH", str(tmp_path / "inst"))
    first = create_app()
    second = create_app()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    key_file = tmp_path / "inst" / "secret_key"
    assert key_file.read_text() == first.config["SECRET_KEY"]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    for app in (first, second):
        app.extensions["foodbank.db"].dispose()


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FOODBANK_DATABASE_URL", raising=False)
    monkeypatch.setenv("FOODBANK_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'foodbank.sqlite3'}"
    app.extensions["foodbank.db"].dispose()


def test_static_assets_are_served_locally(client):
    css = client.get("/static/core/app.css")
    assert css.status_code == 200 and b"--accent" in css.data
    page = client.get("/login").get_data(as_text=True)
    assert "https://" not in page  # no CDN


def test_pages_are_served_while_another_clerk_is_writing(auth, client, database_url):
    """Reads do not wait for SQLite's single writer (GET transactions begin DEFERRED)."""
    from core.db.session import make_engine

    auth.login("admin")
    engine = make_engine(database_url)
    with engine.begin() as writer:  # holds the write lock (BEGIN IMMEDIATE on SQLite)
        writer.exec_driver_sql("UPDATE core_user SET full_name = 'Writing' WHERE id = -1")
        response = client.get("/admin/users")
        assert response.status_code == 200
        assert "Admin" in response.get_data(as_text=True)
    engine.dispose()


def test_settings_from_the_environment_keep_their_types(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("FOODBANK_DATABASE_URL", database_url)
    monkeypatch.setenv("FOODBANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FOODBANK_PER_PAGE", "50")
    monkeypatch.setenv("FOODBANK_ORGANISATION_NAME", "Banca de Alimente Bălți")
    app = create_app()
    assert app.config["PER_PAGE"] == 50
    assert app.config["ORGANISATION_NAME"] == "Banca de Alimente Bălți"
    app.extensions["foodbank.db"].dispose()


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in response.get_data(as_text=True)  # no inline script to allow


def test_dashboard_widgets_follow_permissions_and_scope(app, auth, client):
    from core.db import db
    from core.partners.models import Partner

    with app.app_context():
        db.session.add_all([Partner(type="ngo", name="ONG Unu"), Partner(type="ngo", name="Doi"),
                            Partner(type="farmer", name="Fermier")])
        db.session.commit()
        own_id = db.session.query(Partner.id).filter_by(name="Fermier").scalar()
    auth.login("admin")
    page = page_text(client.get("/"))
    assert "Partners by type" in page and "Recent documents" in page
    assert "Recent changes" in page and "core_partner #" in page
    assert '<td>NGO</td><td class="num">2</td>' in page
    auth.logout()
    auth.login("farmer", roles=("donor",), partner_id=own_id)
    portal = page_text(client.get("/"))
    assert '<td>Farmer</td><td class="num">1</td>' in portal
    assert "NGO" not in portal  # only its own organisation
    assert "Recent changes" not in portal  # no audit permission
