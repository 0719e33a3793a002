"""Upgrading a populated database never loses data.

The database is built at the first released revision of core (``RELEASED``), filled with demo
data, then upgraded to the current heads of core and every plugin; every row must still be there.
When a release adds migrations, move ``RELEASED`` forward to the revision of the previous
release.
"""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.orm import Session

from core.app import create_app
from core.auth.gate import SYSTEM, acting_as
from core.demo import load_core_demo
from core.migrate import alembic_config, branch_status, upgrade
from core.plugin_lifecycle import seed
from core.plugin_manager import build_plugin_manager

RELEASED = {"core": "c0001"}
IN_TREE = ["inventory", "donors", "canteen", "compliance"]


def test_upgrade_from_the_previous_release_keeps_every_row(fresh_database_url, tmp_path):
    engine = create_engine(fresh_database_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, RELEASED["core"])
    app = create_app({"DATABASE_URL": fresh_database_url, "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context(), acting_as(SYSTEM), Session(engine) as session, session.begin():
        seed(session, build_plugin_manager([]))
        load_core_demo(session)
    tables = [t for t in inspect(engine).get_table_names() if t.startswith("core_")
              and t != "core_alembic_version"]
    with engine.connect() as conn:
        before = {t: conn.execute(select(func.count()).select_from(table(t))).scalar()
                  for t in tables}
    assert before["core_partner"] == 7 and before["core_user"] == 6

    upgrade(engine, ["core", *IN_TREE])

    assert all(s.up_to_date for s in branch_status(engine, ["core", *IN_TREE]))
    with engine.connect() as conn:
        after = {t: conn.execute(select(func.count()).select_from(table(t))).scalar()
                 for t in tables}
    assert after == before
    engine.dispose()
    app.extensions["foodbank.db"].dispose()
