"""Exact column types: money in bani, weight in grams, timestamps in UTC.

Python code sees ``Decimal`` lei and ``Decimal`` kilograms; the database stores integers, so sums
are exact on SQLite and PostgreSQL alike. Rounding policy: half-up to the unit stored
(1 ban, 1 gram) when a value with more decimals is assigned.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class _ScaledInteger(TypeDecorator):
    """A Decimal stored as an integer number of 1/scale units."""

    impl = BigInteger
    cache_ok = True
    scale = 1
    places = Decimal(1)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("floats are not accepted for exact quantities; use Decimal")
        amount = Decimal(value).quantize(self.places, rounding=ROUND_HALF_UP)
        return int(amount * self.scale)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / self.scale).quantize(self.places)


class Money(_ScaledInteger):
    """Lei with two decimals, stored as bani."""

    cache_ok = True
    scale = 100
    places = Decimal("0.01")


class Weight(_ScaledInteger):
    """Kilograms with three decimals, stored as grams."""

    cache_ok = True
    scale = 1000
    places = Decimal("0.001")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every database (SQLite stores them naive)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use core.db.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
