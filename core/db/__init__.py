"""Data layer: one declarative ``Base``, the engine per application, the request session.

``db.session`` is the session of the current application context; it is created on first use
and closed when the context ends. Services do their work in it and the caller commits once
per business operation (see :func:`transaction`).
"""
from __future__ import annotations

from core.db.base import Base, TimestampMixin
from core.db.session import db, transaction
from core.db.types import Money, UTCDateTime, Weight, utcnow

__all__ = [
    "Base",
    "TimestampMixin",
    "db",
    "transaction",
    "Money",
    "Weight",
    "UTCDateTime",
    "utcnow",
]
