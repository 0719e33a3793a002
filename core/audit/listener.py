"""Writes an audit entry for every insert, update and delete of an audited model.

Mapper events (after insert, update, delete) queue one entry per row the flush writes, cascades
included, while the attribute history still shows the old values; ``after_flush`` writes the
queue in one statement, in the same transaction as the change (a rollback removes both).
Bulk statements that bypass the ORM must call :func:`record` themselves.
"""
from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal

from flask import has_app_context
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, object_session

from core.audit.models import AuditEntry
from core.db.base import Base
from core.db.types import utcnow

MASK = "***"


def _json_value(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>" if len(value) > 64 else base64.b64encode(value).decode()
    if hasattr(value, "code"):
        return value.code
    return str(value)


def _actor():
    if not has_app_context():
        return None, "system"
    from core.auth.gate import current_actor

    actor = current_actor()
    if actor is None:
        return None, "anonymous"
    return getattr(actor, "id", None), getattr(actor, "username", str(actor))


def _record_id(obj) -> str:
    # The identity key is not assigned to new objects until after the flush; read the columns.
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(x) for x in identity)


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    mapper = state.mapper
    excluded = set(getattr(obj, "__audit_exclude__", ()))
    changes: dict[str, list] = {}
    for attr in mapper.column_attrs:
        key = attr.key
        hist = state.attrs[key].history
        if action == "insert":
            new = state.attrs[key].value
            if new is None:
                continue
            old_v, new_v = None, new
        elif action == "delete":
            old_v, new_v = state.attrs[key].value, None
            if old_v is None:
                continue
        else:
            if not hist.has_changes():
                continue
            old_v = hist.deleted[0] if hist.deleted else None
            new_v = hist.added[0] if hist.added else None
            if old_v == new_v:
                continue
        if key in excluded:
            changes[key] = [None if old_v is None else MASK, None if new_v is None else MASK]
        else:
            changes[key] = [_json_value(old_v), _json_value(new_v)]
    for rel in mapper.relationships:
        if rel.secondary is None or action == "delete":
            continue
        hist = state.attrs[rel.key].history
        if not (hist.added or hist.deleted):
            continue
        unchanged = list(hist.unchanged or ())
        old = sorted(_json_value(x) for x in unchanged + list(hist.deleted or ()))
        new = sorted(_json_value(x) for x in unchanged + list(hist.added or ()))
        if old != new:
            changes[rel.key] = [old, new]
    return changes


def _entry(obj, action: str, user_id, username, now) -> dict | None:
    changes = _changes(obj, action)
    if action == "update" and not changes:
        return None
    return {
        "at": now,
        "user_id": user_id,
        "username": username,
        "action": action,
        "table_name": obj.__table__.name,
        "record_id": _record_id(obj),
        "changes": changes,
    }


_PENDING = "foodbank.audit.pending"


def _collect(action: str):
    """Mapper event handler: queue an entry on the object's session (cascades included)."""

    def handler(_mapper, _connection, target) -> None:
        if not getattr(target, "__audited__", False):
            return
        session = object_session(target)
        if session is None:  # pragma: no cover - a flush always has a session
            return
        user_id, username = _actor()
        row = _entry(target, action, user_id, username, utcnow())
        if row is not None:
            session.info.setdefault(_PENDING, []).append(row)

    return handler


def _after_flush(session: Session, _flush_context) -> None:
    """Write the queued entries in one statement, in the flush's transaction."""
    rows = session.info.pop(_PENDING, None)
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def record(session: Session, *, action: str, table_name: str, record_id, changes: dict) -> None:
    """Log a change made with a bulk statement (Core insert/update) that the ORM did not see."""
    record_many(session, action=action, table_name=table_name,
                changes_by_id={record_id: changes})


def record_many(session: Session, *, action: str, table_name: str,
                changes_by_id: dict) -> None:
    """Log many bulk changes of one table in one statement: {record id: {field: (old, new)}}."""
    if not changes_by_id:
        return
    user_id, username = _actor()
    now = utcnow()
    session.connection().execute(
        insert(AuditEntry.__table__),
        [{
            "at": now, "user_id": user_id, "username": username, "action": action,
            "table_name": table_name, "record_id": str(record_id),
            "changes": {k: [_json_value(o), _json_value(n)] for k, (o, n) in changes.items()},
        } for record_id, changes in changes_by_id.items()],
    )


_installed = False


def install() -> None:
    """Listen on every Session (idempotent)."""
    global _installed
    if not _installed:
        # Mapper events see every row the flush writes, including deletes by cascade.
        for action, name in (("insert", "after_insert"), ("update", "after_update"),
                             ("delete", "after_delete")):
            event.listen(Base, name, _collect(action), propagate=True)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
        _installed = True
