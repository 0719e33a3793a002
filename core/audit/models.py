"""Audit entries: written by the flush listener, never edited through the application."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "core_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True, nullable=False)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str] = mapped_column(String(80), nullable=False)
    action: Mapped[str] = mapped_column(String(10), nullable=False)  # insert, update, delete
    table_name: Mapped[str] = mapped_column(String(100), nullable=False)
    record_id: Mapped[str] = mapped_column(String(100), nullable=False)
    #: {field: [old, new]}; for insert old is null, for delete new is null.
    changes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)

    __table_args__ = (
        Index("ix_core_audit_log_record", "table_name", "record_id"),
        Index("ix_core_audit_log_username_at", "username", "at"),  # "what did X change"
    )


class AuditLogIsReadOnly(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(_mapper, _connection, target):
    raise AuditLogIsReadOnly("audit entries cannot be changed or deleted")
