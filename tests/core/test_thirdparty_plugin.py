"""A plugin from its own distribution: built, pip-installed, discovered, enabled with its own
migration, its page served, then disabled with its data kept."""
from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from core.app import create_app
from tests.conftest import PASSWORD, create_user

HELLO_SRC = Path(__file__).resolve().parent.parent / "fixtures" / "foodbank-hello"


@pytest.fixture(scope="module")
def hello_installed(tmp_path_factory):
    """Build a wheel of tests/fixtures/foodbank-hello and pip-install it; uninstall afterwards."""
    work = tmp_path_factory.mktemp("hello")
    src = work / "src"
    shutil.copytree(HELLO_SRC, src)
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(work / "dist"), str(src)],
                   check=True, capture_output=True)
    wheel = next((work / "dist").glob("foodbank_hello-0.2.0-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True)
    importlib.invalidate_caches()
    yield wheel
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", "foodbank-hello"],
                   check=False, capture_output=True)
    for name in [m for m in sys.modules if m.startswith("foodbank_hello")]:
        del sys.modules[name]
    importlib.invalidate_caches()


def _app(url, tmp_path):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "t", "TESTING": True,
                       "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": str(tmp_path / "inst")})


def test_installed_plugin_is_discovered_enabled_migrated_and_served(
        hello_installed, fresh_database_url, tmp_path):
    app = _app(fresh_database_url, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0

    listed = json.loads(runner.invoke(args=["plugins", "list", "--json"]).output)
    hello = next(row for row in listed if row["name"] == "hello")
    assert hello["version"] == "0.2.0"
    assert hello["enabled"] is False
    assert hello["distribution"] == "foodbank-hello"
    assert "register_blueprints" in hello["hooks"]

    result = runner.invoke(args=["plugins", "enable", "hello"])
    assert result.exit_code == 0, result.output
    assert "hello: enabled" in result.output

    engine = create_engine(fresh_database_url)
    assert "hello_greeting" in inspect(engine).get_table_names()
    with engine.connect() as conn:  # seed_data ran on enable
        assert conn.execute(text("SELECT text FROM hello_greeting")).scalars().all() == [
            "Bună ziua!"]

    app = _app(fresh_database_url, tmp_path)  # the change takes effect on restart
    assert "hello" in app.extensions["foodbank.enabled"]
    create_user(app, "boss", ("administrator",))
    client = app.test_client()
    client.post("/login", data={"username": "boss", "password": PASSWORD})
    page = client.get("/hello/")
    assert page.status_code == 200
    assert "Bună ziua!" in page.get_data(as_text=True)
    dashboard = client.get("/").get_data(as_text=True)
    assert 'href="/hello/"' in dashboard          # menu_items
    assert "Salut" in dashboard                    # dashboard_widgets
    greet = app.test_cli_runner().invoke(args=["hello", "greet"])  # cli_commands
    assert "Bună ziua!" in greet.output
    demo = app.test_cli_runner().invoke(args=["demo", "--force"])  # demo_data, after core's
    assert demo.exit_code == 0, demo.output
    assert demo.output.index("core: 7 partners") < demo.output.index("hello: 1 greeting")
    with app.app_context():  # sequences: the plugin's numbering was seeded on enable
        from core.auth.gate import SYSTEM, acting_as
        from core.db import db
        from core.partners.models import Partner
        from core.sequences import allocate

        with acting_as(SYSTEM):
            assert allocate(db.session, "hello.card")[0].startswith("HEL-")
        db.session.rollback()
        partner_id = db.session.scalar(select(Partner.id).where(Partner.type == "ngo"))
    detail = client.get(f"/partners/{partner_id}").get_data(as_text=True)  # partner_sections
    assert "Hello section" in detail and "Salut, Concordia" in detail

    # A user with the plugin's own default role sees the page; one without it does not.
    create_user(app, "greeter", ("greeter",))
    create_user(app, "stock-clerk", ("warehouse_clerk",))
    other = app.test_client()
    other.post("/login", data={"username": "stock-clerk", "password": PASSWORD})
    assert other.get("/hello/").status_code == 403
    greeter = app.test_client()
    greeter.post("/login", data={"username": "greeter", "password": PASSWORD})
    assert greeter.get("/hello/").status_code == 200

    result = app.test_cli_runner().invoke(args=["plugins", "disable", "hello"])
    assert result.exit_code == 0 and "hello: disabled" in result.output
    app = _app(fresh_database_url, tmp_path)
    assert "hello" not in app.extensions["foodbank.enabled"]
    assert app.extensions["foodbank.pm"].is_blocked("hello")
    client = app.test_client()
    client.post("/login", data={"username": "boss", "password": PASSWORD})
    assert client.get("/hello/").status_code == 404
    with engine.connect() as conn:  # data kept
        assert conn.execute(text("SELECT count(*) FROM hello_greeting")).scalar() == 2
    engine.dispose()


def test_a_disabled_plugin_can_be_purged_after_confirmation(hello_installed, fresh_database_url,
                                                           tmp_path):
    app = _app(fresh_database_url, tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    runner.invoke(args=["plugins", "enable", "hello"])
    refused = runner.invoke(args=["plugins", "purge", "hello", "--yes"])
    assert refused.exit_code == 1 and "disable it before purging" in refused.output
    runner.invoke(args=["plugins", "disable", "hello"])
    kept = runner.invoke(args=["plugins", "purge", "hello"], input="n\n")
    assert kept.exit_code == 1  # answered no: aborted
    engine = create_engine(fresh_database_url)
    assert "hello_greeting" in inspect(engine).get_table_names()
    done = runner.invoke(args=["plugins", "purge", "hello"], input="y\n")
    assert done.exit_code == 0 and "hello: data purged" in done.output
    assert "hello_greeting" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text(
            "SELECT count(*) FROM core_permission WHERE plugin = 'hello'")).scalar() == 0
    again = runner.invoke(args=["plugins", "enable", "hello"])  # comes back empty
    assert again.exit_code == 0
    assert "hello_greeting" in inspect(engine).get_table_names()
    engine.dispose()
