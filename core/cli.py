"""The ``foodbank`` command: Flask's CLI (run, shell, routes) plus core and plugin commands.

Core's groups (db, plugins, demo, users, roles) come through the ``cli_commands`` hook like any
plugin's. Errors an administrator can fix (unreachable database, unknown plugin, missing
dependency) are printed as one line with exit status 1, never as a traceback.
"""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from core.auth.gate import SYSTEM, acting_as
from core.config import ConfigError
from core.db import db, transaction
from core.db.session import DatabaseUnavailable
from core.plugin_manager import PluginError


def _create_app():
    from core.app import create_app

    return create_app()


class FoodbankGroup(FlaskGroup):
    """Flask's CLI group; commands that need the schema refuse while migrations are pending."""

    #: Commands that work on a database whose migrations are not applied (yet).
    UNGUARDED = frozenset({"db", "plugins", "run", "shell", "routes"})

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None or name in self.UNGUARDED:
            return command
        pending = ctx.ensure_object(ScriptInfo).load_app().extensions["foodbank.pending"]
        return _refusing(command, pending) if pending else command


def _refusing(command: click.Command, pending: list[str]) -> click.Command:
    def refuse(**_kwargs):
        raise click.ClickException(
            f"migrations are not applied for: {', '.join(pending)}; run: foodbank db upgrade")

    return click.Command(
        command.name, callback=refuse, help=command.help, short_help=command.short_help,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )


cli = FoodbankGroup(
    name="foodbank",
    create_app=_create_app,
    load_dotenv=False,
    set_debug_flag=False,
    help="Foodbank ERP administration.",
)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="foodbank")
    except (DatabaseUnavailable, PluginError, ConfigError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


# --------------------------------------------------------------------------- db


@click.group("db", help="Database schema (migrations of core and enabled plugins).")
def db_cli():
    pass


@db_cli.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply pending migrations of core and every enabled plugin (idempotent)."""
    from core.plugin_lifecycle import upgrade_and_seed

    with acting_as(SYSTEM):
        changed = upgrade_and_seed(db.engine)
    if changed:
        click.echo(f"upgraded: {', '.join(changed)}")
    else:
        click.echo("database is up to date")


@db_cli.command("status")
@with_appcontext
def db_status():
    """Pending migrations per plugin."""
    from core.migrate import branch_status
    from core.plugin_manager import enabled_names

    branches = ["core", *enabled_names(db.engine)]
    pending_any = False
    for status in branch_status(db.engine, branches):
        if status.pending:
            pending_any = True
            click.echo(f"{status.branch}: {len(status.pending)} pending "
                       f"({', '.join(status.pending)})")
        else:
            click.echo(f"{status.branch}: up to date ({status.current or 'no migrations'})")
    if pending_any:
        click.echo("run: foodbank db upgrade")


# --------------------------------------------------------------------------- plugins


@click.group("plugins", help="List, enable and disable plugins.")
def plugins_cli():
    pass


@plugins_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@with_appcontext
def plugins_list(as_json: bool):
    """Installed plugins with version, state, dependencies and hooks."""
    from core.web.plugin_list import plugin_rows

    rows = plugin_rows(db.engine)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = "enabled " if row["enabled"] else "disabled"
        click.echo(f"{row['name']:<12} {row['version']:<8} {state}  {row['summary']}")
        click.echo(f"{'':<12} depends: {', '.join(row['depends']) or '-'}; "
                   f"optional: {', '.join(row['optional']) or '-'}; "
                   f"hooks: {', '.join(row['hooks']) or '-'}")


def _change_plugins(operation, names) -> None:
    """Run enable/disable as the system and report each plugin's outcome in one line."""
    try:
        with acting_as(SYSTEM):
            result = operation(db.engine, list(names))
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    done = "enabled" if operation.__name__ == "enable" else "disabled (data kept)"
    for name in result.pulled_in:
        click.echo(f"enabling {name} too (a dependency)")
    for name in result.changed:
        click.echo(f"{name}: {done}")
    for name in result.unchanged:
        click.echo(f"{name}: already {done.split()[0]}")
    if result.changed:
        click.echo("restart the application servers for the change to take effect")


@plugins_cli.command("enable")
@click.argument("names", nargs=-1, required=True)
@with_appcontext
def plugins_enable(names):
    """Enable plugins (and their dependencies); runs their migrations and seeds their data."""
    from core.plugin_lifecycle import enable

    _change_plugins(enable, names)


@plugins_cli.command("disable")
@click.argument("names", nargs=-1, required=True)
@with_appcontext
def plugins_disable(names):
    """Disable plugins; their data is kept."""
    from core.plugin_lifecycle import disable

    _change_plugins(disable, names)


@plugins_cli.command("purge")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def plugins_purge(name: str, yes: bool):
    """Delete a disabled plugin's tables and all its data (irreversible)."""
    from core.plugin_lifecycle import purge

    if not yes:
        click.confirm(f"This deletes every table and record of '{name}' for good. Continue?",
                      abort=True)
    try:
        with acting_as(SYSTEM):
            dropped = purge(db.engine, name)
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{name}: data purged" if dropped else f"{name}: had no tables; state cleared")


# --------------------------------------------------------------------------- demo


@click.command("demo")
@click.option("--force", is_flag=True, help="Load demo data even if real data exists.")
@click.option("--first-run", is_flag=True,
              help="Only on a new database: skip quietly when it already holds data.")
@with_appcontext
def demo_command(force: bool, first_run: bool):
    """Load realistic demo data from core and every enabled plugin (idempotent)."""
    from core.demo import DEMO_LOGINS, demo_loaded, has_real_data, mark_demo_loaded
    from core.plugin_manager import call_in_order

    if first_run and (demo_loaded(db.session) or has_real_data(db.session)):
        if demo_loaded(db.session):
            _print_logins(DEMO_LOGINS)
        else:
            click.echo("the database already holds data; demo data not loaded")
        return
    if not force and has_real_data(db.session):
        raise click.ClickException(
            "this database already holds real data; demo data was not loaded "
            "(use --force to load it anyway)"
        )
    pm = current_app.extensions["foodbank.pm"]
    with acting_as(SYSTEM), transaction() as session:
        for plugin, lines in call_in_order(pm, "demo_data", session=session):
            for line in lines or []:
                click.echo(f"{plugin}: {line}")
        mark_demo_loaded(session)
    _print_logins(DEMO_LOGINS)


def _print_logins(logins) -> None:
    click.echo("demo logins (username / password):")
    for username, password, role in logins:
        click.echo(f"  {username:<12} {password:<12} {role}")
