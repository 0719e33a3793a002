"""The ``foodbank`` command as an administrator uses it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, select

from core.app import create_app
from core.auth.models import User
from core.db import db
from core.plugin_manager import PluginState, read_states

FOODBANK = str(Path(sys.executable).parent / "foodbank")


def fresh_app(url, tmp_path):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "t", "TESTING": True,
                       "INSTANCE_PATH": str(tmp_path / "inst"),
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def test_db_upgrade_is_idempotent_and_status_lists_pending(fresh_database_url, tmp_path):
    app = fresh_app(fresh_database_url, tmp_path)
    runner = app.test_cli_runner()
    status = runner.invoke(args=["db", "status"])
    assert "core: 2 pending" in status.output and "foodbank db upgrade" in status.output
    first = runner.invoke(args=["db", "upgrade"])
    assert first.exit_code == 0 and "upgraded: core" in first.output
    second = runner.invoke(args=["db", "upgrade"])
    assert second.exit_code == 0 and "up to date" in second.output
    assert "core: up to date" in runner.invoke(args=["db", "status"]).output


def test_plugins_enable_pulls_dependencies_and_disable_refuses_while_needed(
        fresh_database_url, tmp_path):
    app = fresh_app(fresh_database_url, tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["plugins", "enable", "compliance"])
    assert result.exit_code == 0, result.output
    assert "enabling donors too (a dependency)" in result.output
    assert "compliance: enabled" in result.output
    engine = create_engine(fresh_database_url)
    states = read_states(engine)
    assert states["donors"].enabled and states["compliance"].enabled

    refused = runner.invoke(args=["plugins", "disable", "donors"])
    assert refused.exit_code == 1
    assert "compliance" in refused.output and "Traceback" not in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert read_states(engine)["donors"].enabled

    ok = runner.invoke(args=["plugins", "disable", "compliance", "donors"])
    assert ok.exit_code == 0, ok.output
    assert not read_states(engine)["donors"].enabled
    engine.dispose()


def test_plugins_list_json(fresh_database_url, tmp_path):
    app = fresh_app(fresh_database_url, tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    runner.invoke(args=["plugins", "enable", "canteen"])
    rows = {r["name"]: r for r in json.loads(
        runner.invoke(args=["plugins", "list", "--json"]).output)}
    assert {"inventory", "donors", "canteen", "compliance"} <= set(rows)
    for row in rows.values():
        assert {"name", "version", "enabled", "depends", "summary", "optional", "hooks"} <= set(row)
    assert rows["canteen"]["enabled"] is True and rows["inventory"]["enabled"] is False
    assert rows["compliance"]["depends"] == ["donors"]
    text = runner.invoke(args=["plugins", "list"]).output
    assert "canteen" in text and "enabled" in text and "hooks: permissions, roles" in text


def test_unknown_plugin_is_a_one_line_error(fresh_database_url, tmp_path):
    app = fresh_app(fresh_database_url, tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["plugins", "enable", "warehouse"])
    assert result.exit_code == 1
    assert result.output.strip() == \
        "Error: unknown plugin 'warehouse' (see: foodbank plugins list)"


def test_enabling_a_plugin_with_a_missing_dependency_is_refused(tmp_path):
    from core.plugin_lifecycle import enable
    from core.plugin_manager import MissingDependency, PluginInfo, discover

    infos = dict(discover())
    infos["reports"] = PluginInfo("reports", "1.0", "", ("nowhere",), (), "x.plugin", tmp_path)
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        enable(engine, ["reports"], infos)
    except MissingDependency as exc:
        assert str(exc) == "plugin 'reports' depends on 'nowhere', which is not installed"
    else:
        raise AssertionError("enabling should have failed")
    assert read_states(engine) == {}  # nothing changed
    engine.dispose()


def test_users_commands(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "ana", "--password", "secret-pass-1",
                                  "--name", "Ana Popa", "--role", "accountant"])
    assert created.exit_code == 0, created.output
    listed = runner.invoke(args=["users", "list"]).output
    assert "ana" in listed and "accountant" in listed and "active" in listed
    short = runner.invoke(args=["users", "set-password", "ana", "--password", "x"])
    assert short.exit_code == 1 and "at least 8" in short.output
    assert runner.invoke(args=["users", "set-password", "ana", "--password",
                               "another-pass-2"]).exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "ana"]).exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ana"))
        assert not user.active and user.check_password("another-pass-2")
    unknown_role = runner.invoke(args=["users", "create", "bob", "--password", "secret-pass-1",
                                       "--role", "wizard"])
    assert unknown_role.exit_code == 1 and "Unknown role: wizard" in unknown_role.output
    missing = runner.invoke(args=["users", "deactivate", "nobody"])
    assert missing.exit_code == 1 and "no user named 'nobody'" in missing.output


def test_roles_list_shows_seeded_roles_and_permissions(make_app):
    app = make_app(["inventory"])
    output = app.test_cli_runner().invoke(args=["roles", "list"]).output
    assert "warehouse_clerk: Warehouse clerk" in output
    assert "    inventory.view" in output  # seeded by the plugin on enable
    assert "partner_coordinator (portal)" in output


def test_demo_is_idempotent_and_refuses_real_data(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "core: 7 partners" in first.output and "admin" in first.output
    second = runner.invoke(args=["demo"])
    assert "core: 0 partners" in second.output and "core: 0 users" in second.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "admin")) is not None


def test_demo_refuses_a_database_with_real_data_unless_forced(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "real", "--password", "secret-pass-1"])
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code == 1 and "real data" in refused.output and "--force" in \
        refused.output
    first_run = runner.invoke(args=["demo", "--first-run"])
    assert first_run.exit_code == 0 and "demo data not loaded" in first_run.output
    forced = runner.invoke(args=["demo", "--force"])
    assert forced.exit_code == 0 and "core: 7 partners" in forced.output


def test_unreachable_database_is_a_one_line_error():
    env = dict(os.environ, FOODBANK_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none",
               FOODBANK_SECRET_KEY="x")
    result = subprocess.run([FOODBANK, "db", "upgrade"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach the database")


def test_gunicorn_entry_reports_unreachable_database_in_one_line():
    env = dict(os.environ, FOODBANK_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none",
               FOODBANK_SECRET_KEY="x")
    result = subprocess.run([sys.executable, "-c", "import core.wsgi"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: cannot reach the database")
    assert "Traceback" not in result.stderr


def test_wsgi_entry_builds_the_app(database_url, tmp_path):
    env = dict(os.environ, FOODBANK_DATABASE_URL=database_url, FOODBANK_SECRET_KEY="x",
               FOODBANK_INSTANCE_PATH=str(tmp_path))
    code = "import core.wsgi; print(core.wsgi.app.name)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "core"


def test_plugin_state_is_stored_in_the_database(make_app):
    app = make_app(["donors"])
    with app.app_context():
        states = {s.name: s.enabled for s in db.session.scalars(select(PluginState))}
    assert states == {"donors": True}


def test_commands_needing_the_schema_name_the_upgrade_command(fresh_database_url, tmp_path,
                                                              monkeypatch):
    from click.testing import CliRunner

    from core.cli import cli

    monkeypatch.setenv("FOODBANK_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("FOODBANK_SECRET_KEY", "x")
    monkeypatch.setenv("FOODBANK_INSTANCE_PATH", str(tmp_path))
    runner = CliRunner()
    refused = runner.invoke(cli, ["users", "list"])
    assert refused.exit_code == 1
    assert refused.output.strip() == \
        "Error: migrations are not applied for: core; run: foodbank db upgrade"
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(cli, ["users", "list"]).exit_code == 0
