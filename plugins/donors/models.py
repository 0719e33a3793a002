"""Donor profiles: a side table on core partners (never a change to core's Partner model).

One profile per partner: the donor type, the framework donation contract (with its scan, kept in
the database so several application servers share it), the preferred document language, the
contact for documents, and the annual and monthly limits the donor approved for food donations
(Law 299/2022 art. 12; Tax Code art. 24(13¹) and 102(8²)).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from core.db import Money, UTCDateTime
from core.db.base import Base, TimestampMixin
from core.partners.models import Partner

DONOR_TYPES = {
    "retailer": _l("Retailer"),
    "producer": _l("Producer"),
    "horeca": _l("HoReCa"),
    "farmer": _l("Farmer"),
    "individual": _l("Individual"),
    "other": _l("Other"),
}

DOCUMENT_LANGUAGES = {
    "ro": _l("Romanian"),
    "ru": _l("Russian"),
    "en": _l("English"),
}

#: A contract that ends within this many days is flagged as expiring.
EXPIRY_WARNING_DAYS = 30

NO_CONTRACT, VALID, EXPIRING, EXPIRED = "none", "valid", "expiring", "expired"
CONTRACT_STATES = {
    VALID: _l("Valid"),
    EXPIRING: _l("Expires soon"),
    EXPIRED: _l("Expired"),
    NO_CONTRACT: _l("No contract"),
}


def contract_state_of(number: str | None, valid_until: date | None, today: date) -> str:
    """``none`` without a contract number, ``expired`` after its last valid day, ``expiring``
    within EXPIRY_WARNING_DAYS of it, ``valid`` otherwise (also when it has no end date)."""
    if not number:
        return NO_CONTRACT
    if valid_until is None:
        return VALID
    if valid_until < today:
        return EXPIRED
    if valid_until <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        return EXPIRING
    return VALID


class DonorProfile(Base, TimestampMixin):
    __tablename__ = "donors_profile"
    __audited__ = True
    __audit_exclude__ = ("scan_data",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("core_partner.id", ondelete="RESTRICT"), unique=True, nullable=False
    )
    donor_type: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    contract_number: Mapped[str | None] = mapped_column(String(50))
    contract_date: Mapped[date | None] = mapped_column(Date)
    contract_valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    scan_filename: Mapped[str | None] = mapped_column(String(255))
    scan_content_type: Mapped[str | None] = mapped_column(String(100))
    scan_size: Mapped[int | None] = mapped_column(Integer)
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    scan_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    document_language: Mapped[str] = mapped_column(String(2), default="ro", nullable=False)
    contact_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    annual_limit: Mapped[Decimal | None] = mapped_column(Money)
    monthly_limit: Mapped[Decimal | None] = mapped_column(Money)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    partner: Mapped[Partner] = relationship(Partner)

    @property
    def donor_type_label(self) -> str:
        return str(DONOR_TYPES.get(self.donor_type, self.donor_type))

    @property
    def document_language_label(self) -> str:
        return str(DOCUMENT_LANGUAGES.get(self.document_language, self.document_language))

    @property
    def has_scan(self) -> bool:
        return bool(self.scan_sha256)

    def contract_state(self, today: date) -> str:
        return contract_state_of(self.contract_number, self.contract_valid_until, today)

    def __str__(self) -> str:
        return self.partner.name if self.partner else f"donor {self.partner_id}"
