"""Exact money and weight, UTC timestamps, SQLite settings."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import StatementError

from core.db.session import make_engine
from core.db.types import Money, UTCDateTime, Weight  # noqa: F401


@pytest.fixture
def amounts(fresh_database_url):
    engine = make_engine(fresh_database_url)
    metadata = MetaData()
    table = Table("core_test_amounts", metadata, Column("id", Integer, primary_key=True),
                  Column("lei", Money), Column("kg", Weight), Column("at", UTCDateTime))
    metadata.create_all(engine)
    yield engine, table
    engine.dispose()


def test_sums_of_money_and_weight_are_exact(amounts):
    engine, table = amounts
    rows = [{"lei": Decimal("0.10"), "kg": Decimal("0.001")} for _ in range(1000)]
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
        total_lei, total_kg = conn.execute(
            select(func.sum(table.c.lei), func.sum(table.c.kg))).one()
    # Integers in the database, so the sum is exact on SQLite and PostgreSQL alike; SUM keeps
    # the column type, so the result comes back as Decimal lei and kg.
    assert (total_lei, total_kg) == (Decimal("100.00"), Decimal("1.000"))
    with engine.connect() as conn:
        first = conn.execute(select(table.c.lei, table.c.kg)).first()
    assert first == (Decimal("0.10"), Decimal("0.001"))


def test_rounding_policy_is_half_up_and_floats_are_refused(amounts):
    engine, table = amounts
    with engine.begin() as conn:
        conn.execute(insert(table), [{"lei": Decimal("2.345"), "kg": Decimal("1.0005")}])
        assert conn.execute(select(table.c.lei, table.c.kg)).one() == (
            Decimal("2.35"), Decimal("1.001"))
        with pytest.raises(StatementError):
            conn.execute(insert(table), [{"lei": 0.1}])


def test_timestamps_come_back_timezone_aware_utc(amounts):
    engine, table = amounts
    moment = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"at": moment}])
        assert conn.execute(select(table.c.at)).scalar() == moment
        with pytest.raises(StatementError):
            conn.execute(insert(table), [{"at": datetime(2026, 6, 1)}])  # naive


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
