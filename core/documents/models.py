"""Issued documents: immutable once issued; a correction cancels and reissues."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from core.db.base import Base
from core.db.types import UTCDateTime, utcnow

ISSUED = "issued"
CANCELLED = "cancelled"
STATUS_LABELS = {ISSUED: _l("Issued"), CANCELLED: _l("Cancelled")}

#: The only columns that may change after issue, and only once: issued -> cancelled.
CANCELLATION_COLUMNS = frozenset({"status", "cancelled_at", "cancelled_by_name", "cancel_reason"})


class ImmutableDocument(RuntimeError):
    """Code tried to edit an issued document (a programming error: cancel and reissue)."""


class IssuedDocument(Base):
    __tablename__ = "core_document"
    __audited__ = True
    __audit_exclude__ = ("pdf",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(64), nullable=False)
    number: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    doc_date: Mapped[date] = mapped_column(Date, nullable=False)
    language: Mapped[str] = mapped_column(String(8), default="ro", nullable=False)
    pdfa: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: The record the document is about, e.g. ("donors_donation", "42").
    subject_table: Mapped[str | None] = mapped_column(String(100))
    subject_id: Mapped[str | None] = mapped_column(String(100))
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_partner.id", ondelete="RESTRICT"), index=True
    )
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    issued_by_name: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), default="issued", nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_name: Mapped[str | None] = mapped_column(String(200))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("core_document.id"))

    replaces = relationship("IssuedDocument", remote_side=[id])
    partner = relationship("Partner")

    __table_args__ = (
        Index("ix_core_document_subject", "subject_table", "subject_id"),
        # The list filters by type and status and shows the newest first (national archive).
        Index("ix_core_document_type_issued", "doc_type", "issued_at"),
        Index("ix_core_document_status_issued", "status", "issued_at"),
    )

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"

    @property
    def is_cancelled(self) -> bool:
        return self.status == CANCELLED

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


@event.listens_for(IssuedDocument, "before_update")
def _refuse_edits(_mapper, _connection, document: IssuedDocument) -> None:
    """An issued document is evidence: only its cancellation may be recorded, once."""
    state = sa_inspect(document)
    changed = {attr.key for attr in state.mapper.column_attrs
               if state.attrs[attr.key].history.has_changes()}
    edited = changed - CANCELLATION_COLUMNS
    if edited:
        raise ImmutableDocument(
            f"document {document.number} is issued and cannot be edited "
            f"({', '.join(sorted(edited))}); cancel it and issue a correction")
    status = state.attrs["status"].history
    if status.has_changes() and (status.deleted or [ISSUED])[0] != ISSUED:
        raise ImmutableDocument(f"document {document.number} is already cancelled")
    if changed and not status.has_changes():
        raise ImmutableDocument(f"document {document.number}: cancellation details are "
                                f"recorded only when it is cancelled")
