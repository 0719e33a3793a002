"""Gap-free document numbers per type and year, e.g. ``DON-2026-000123``.

The counter row is incremented inside the caller's transaction: the row stays locked until
commit (PostgreSQL row lock; SQLite's single writer), so concurrent issuers get distinct,
consecutive numbers, and a rolled-back transaction gives its number back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import ForeignKey, Integer, String, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db.base import Base


@dataclass(frozen=True)
class SequenceSpec:
    code: str
    prefix: str
    padding: int = 6
    label: object = ""


class SequenceDefinition(Base):
    __tablename__ = "core_sequence"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(20), nullable=False)
    padding: Mapped[int] = mapped_column(Integer, default=6, nullable=False)
    label: Mapped[str] = mapped_column(String(200), default="", nullable=False)


class SequenceCounter(Base):
    __tablename__ = "core_sequence_counter"

    code: Mapped[str] = mapped_column(
        ForeignKey("core_sequence.code", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class UnknownSequence(LookupError):
    pass


#: Where the Food Bank works; the app's BABEL_DEFAULT_TIMEZONE overrides it.
DEFAULT_TIMEZONE = "Europe/Chisinau"


def local_today() -> date:
    """Today in the Food Bank's time zone, not the server's (servers often run in UTC, and
    from 22:00 UTC on 31 December it is already the new year in Chișinău)."""
    zone = DEFAULT_TIMEZONE
    if has_app_context():
        zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or zone
    return datetime.now(ZoneInfo(zone)).date()


def format_number(definition: SequenceDefinition, year: int, value: int) -> str:
    return f"{definition.prefix}-{year}-{value:0{definition.padding}d}"


def _increment(session: Session, code: str, year: int) -> int | None:
    stmt = (
        update(SequenceCounter)
        .where(SequenceCounter.code == code, SequenceCounter.year == year)
        .values(last_value=SequenceCounter.last_value + 1)
        .returning(SequenceCounter.last_value)
    )
    return session.execute(stmt, execution_options={"synchronize_session": False}).scalar()


def _create_counter(session: Session, code: str, year: int) -> None:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(SequenceCounter).values(code=code, year=year, last_value=0)
    session.execute(stmt.on_conflict_do_nothing())


def next_value(session: Session, code: str, year: int) -> int:
    value = _increment(session, code, year)
    if value is None:
        _create_counter(session, code, year)
        value = _increment(session, code, year)
    assert value is not None
    return value


def allocate(session: Session, code: str, on: date | None = None) -> tuple[str, int, int]:
    """Take the next number of sequence ``code`` for the year of ``on`` (default: today, in
    the Food Bank's time zone).

    Returns ``(formatted number, year, value)``. Call it inside the transaction that stores the
    numbered record, so a rollback leaves no gap.
    """
    definition = session.get(SequenceDefinition, code)
    if definition is None:
        raise UnknownSequence(f"sequence '{code}' is not declared by any enabled plugin")
    year = (on or local_today()).year
    value = next_value(session, code, year)
    return format_number(definition, year, value), year, value


def sync_definitions(session: Session, specs: list[SequenceSpec]) -> None:
    """Create or update sequence definitions from the ``sequences`` hook (idempotent)."""
    existing = {d.code: d for d in session.scalars(select(SequenceDefinition))}
    for spec in specs:
        definition = existing.get(spec.code)
        if definition is None:
            session.add(SequenceDefinition(
                code=spec.code, prefix=spec.prefix, padding=spec.padding, label=str(spec.label)
            ))
        else:
            definition.prefix, definition.padding = spec.prefix, spec.padding
            definition.label = str(spec.label)
