"""Alembic environment: runs on the connection core.migrate passes in."""
from __future__ import annotations

from alembic import context

import core.models  # noqa: F401  (registers core tables on Base.metadata)
from core.db.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - alembic CLI use
    from sqlalchemy import create_engine

    from core.config import database_url, default_instance_path

    connection = create_engine(database_url(default_instance_path())).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=config.get_main_option("version_table") or "core_alembic_version",
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)

with context.begin_transaction():
    context.run_migrations()
