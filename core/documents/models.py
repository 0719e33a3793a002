"""Issued documents: immutable once issued; a correction cancels and reissues."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from core.db.base import Base
from core.db.types import UTCDateTime, utcnow


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

    __table_args__ = (Index("ix_core_document_subject", "subject_table", "subject_id"),)

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"
