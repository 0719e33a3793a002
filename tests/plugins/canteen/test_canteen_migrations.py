"""The canteen branch upgrades on a fresh database and downgrades (purge) without leftovers."""
from __future__ import annotations

from sqlalchemy import create_engine, inspect

from core.migrate import downgrade_to_base, upgrade

TABLES = {"canteen_canteen", "canteen_closure", "canteen_year_settings", "canteen_beneficiary",
          "canteen_sensitive_access"}


def test_the_canteen_branch_upgrades_and_downgrades(fresh_database_url):
    engine = create_engine(fresh_database_url)
    try:
        upgrade(engine, ["core", "canteen"])
        assert TABLES <= set(inspect(engine).get_table_names())
        assert downgrade_to_base(engine, "canteen")
        assert not {t for t in inspect(engine).get_table_names() if t.startswith("canteen_")}
        upgrade(engine, ["core", "canteen"])
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
