"""The inventory branch creates its catalogue tables, and removes them again on downgrade."""
from __future__ import annotations

from sqlalchemy import create_engine, inspect

from core.migrate import downgrade_to_base, upgrade

TABLES = {"inventory_category", "inventory_product", "inventory_location"}


def test_upgrade_creates_and_downgrade_drops_the_catalogue_tables(fresh_database_url):
    engine = create_engine(fresh_database_url)
    try:
        upgrade(engine, ["core", "inventory"])
        assert TABLES <= set(inspect(engine).get_table_names())
        assert downgrade_to_base(engine, "inventory")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine, ["inventory"])
        tables = set(inspect(engine).get_table_names())
        assert TABLES <= tables
        constraints = {c["name"] for c in inspect(engine).get_foreign_keys("inventory_location")}
        assert "fk_inventory_location_partner_id_core_partner" in constraints
    finally:
        engine.dispose()
