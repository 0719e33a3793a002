"""Fixtures: ``app``, ``client``, ``runner``, ``auth`` and ``make_app`` (a chosen set of plugins).

The database comes from FOODBANK_TEST_DATABASE_URL (default: a SQLite file in a temporary
folder). The schema is migrated once per session with core and every in-tree plugin; each test
starts from empty tables, seeded for the plugins it enables.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from core.app import create_app
from core.auth.gate import SYSTEM, acting_as
from core.auth.models import Role, User
from core.db.types import utcnow
from core.migrate import VERSION_TABLE, upgrade
from core.plugin_lifecycle import seed
from core.plugin_manager import (
    PluginState,
    build_plugin_manager,
    dependency_order,
    discover,
    with_dependencies,
)

IN_TREE = ["inventory", "donors", "canteen", "compliance"]
PASSWORD = "correct-horse-9"


def _base_url(tmp_root: Path) -> str:
    return os.environ.get("FOODBANK_TEST_DATABASE_URL") or f"sqlite:///{tmp_root / 'test.sqlite3'}"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def _wipe(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        if is_postgres(url):
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The session's database, migrated with core and every in-tree plugin."""
    url = _base_url(tmp_path_factory.mktemp("db"))
    _wipe(url)
    engine = create_engine(url)
    upgrade(engine, ["core", *IN_TREE])
    engine.dispose()
    return url


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database of the same kind (for migration and lifecycle tests)."""
    if not is_postgres(database_url):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in database_url else "?"
    yield f"{database_url}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def reset_tables(engine) -> None:
    """Empty every table but the migration version table."""
    with engine.begin() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != VERSION_TABLE]
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def prepare_database(url: str, plugins: list[str]) -> list[str]:
    """Empty tables, mark ``plugins`` (and dependencies) enabled, seed them."""
    infos = discover()
    enabled = dependency_order(with_dependencies(list(plugins), infos), infos)
    engine = create_engine(url)
    reset_tables(engine)
    pm = build_plugin_manager(enabled, infos)
    with Session(engine) as session, session.begin():
        for name in enabled:
            session.add(PluginState(name=name, enabled=True, version=infos[name].version,
                                    changed_at=utcnow()))
        seed(session, pm)
    engine.dispose()
    return enabled


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app with exactly ``plugins`` (and their hard dependencies) enabled."""
    apps = []

    def _make(plugins=(), **config):
        prepare_database(database_url, list(plugins))
        settings = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
            # Tests read English messages (the msgids); Romanian, the product default, and
            # Russian are checked by tests that ask for them (tests/core/test_i18n.py).
            "BABEL_DEFAULT_LOCALE": "en",
            # Fast hashing in tests only; production uses scrypt (the default).
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        settings.update(config)
        app = create_app(settings)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["foodbank.db"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def create_user(app, username: str, roles=("administrator",), partner_id=None,
                password: str = PASSWORD) -> int:
    """Create a user directly (as the system) and return its id."""
    from core.auth import services
    from core.db import db

    with app.app_context(), acting_as(SYSTEM):
        user = services.create_user(db.session, username=username, password=password,
                                    full_name=username.title(), roles=list(roles),
                                    partner_id=partner_id)
        db.session.commit()
        return user.id


class AuthActions:
    def __init__(self, app, client):
        self.app, self.client = app, client

    def login(self, username: str = "admin", roles=("administrator",), partner_id=None):
        from sqlalchemy import select

        from core.db import db

        with self.app.app_context():
            exists = db.session.scalar(select(User.id).where(User.username == username))
        if not exists:
            create_user(self.app, username, roles, partner_id)
        return self.client.post("/login", data={"username": username, "password": PASSWORD})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(app, client) -> AuthActions:
    return AuthActions(app, client)


@pytest.fixture
def role_codes(app):
    from sqlalchemy import select

    from core.db import db

    with app.app_context():
        return set(db.session.scalars(select(Role.code)))


def page_text(response) -> str:
    """The response body with HTML entities decoded (so "user's" matches "user&#39;s")."""
    import html

    return html.unescape(response.get_data(as_text=True))
