"""``foodbank inventory ...`` commands."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from core.auth.gate import SYSTEM, acting_as
from core.db import transaction
from core.tabular import TableError, read_table_bytes


@click.group("inventory")
def inventory():
    """Warehouse: catalogue, locations and stock."""


@inventory.command("import-products")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_products_command(file: Path):
    """Import products from a CSV or XLSX FILE: all rows or none (exit 1 listing row errors)."""
    from plugins.inventory.services import ImportInvalid, import_products

    try:
        table = read_table_bytes(file.read_bytes(), file.name)
        with acting_as(SYSTEM), transaction() as session:
            count = import_products(session, table)
    except TableError as exc:
        click.echo(f"{file.name}: {exc}", err=True)
        raise SystemExit(1) from None
    except ImportInvalid as exc:
        click.echo(f"{file.name}: {len(exc.check.errors)} errors, nothing imported", err=True)
        for error in exc.check.errors:
            row = error.row or "-"
            click.echo(f"  row {row}, {error.column or '-'}: {error.message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"{count} products imported from {file.name}")
