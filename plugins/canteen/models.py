"""Canteens (with closures and yearly settings), beneficiaries and the sensitive-data access log."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Money, TimestampMixin, UTCDateTime, utcnow
from core.db.base import Base
from core.partners.models import Partner

#: ISO weekdays (1 = Monday) in the order shown.
WEEKDAYS = {
    1: _l("Monday"),
    2: _l("Tuesday"),
    3: _l("Wednesday"),
    4: _l("Thursday"),
    5: _l("Friday"),
    6: _l("Saturday"),
    7: _l("Sunday"),
}

CATEGORIES = {
    "pensioner": _l("Pensioner"),
    "disability": _l("Person with disability"),
    "child": _l("Child from a vulnerable family"),
    "homeless": _l("Homeless"),
    "other": _l("Other"),
}

DISABILITY_DEGREES = {
    "severe": _l("Severe"),
    "accentuated": _l("Accentuated"),
    "medium": _l("Medium"),
}

LAWFUL_BASES = {
    "consent": _l("Consent (signed form)"),
    "legal_obligation": _l("Legal obligation"),
}

STATUSES = {
    "applicant": _l("Applicant"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "ended": _l("Ended"),
}


class Canteen(Base, TimestampMixin):
    __tablename__ = "canteen_canteen"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    operator_id: Mapped[int] = mapped_column(
        ForeignKey("core_partner.id", ondelete="RESTRICT"), index=True, nullable=False)
    address: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: ISO weekdays the canteen serves, as digits: "12345" = Monday to Friday.
    opening_days: Mapped[str] = mapped_column(String(7), default="12345", nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)

    operator: Mapped[Partner] = relationship()
    closures: Mapped[list[CanteenClosure]] = relationship(
        back_populates="canteen", cascade="all, delete-orphan",
        order_by="CanteenClosure.start_date.desc()")
    settings: Mapped[list[CanteenYearSettings]] = relationship(
        back_populates="canteen", cascade="all, delete-orphan",
        order_by="CanteenYearSettings.year.desc()")

    @property
    def weekdays(self) -> list[int]:
        return [int(c) for c in self.opening_days if c.isdigit()]

    @property
    def weekday_labels(self) -> list[str]:
        return [str(WEEKDAYS[d]) for d in self.weekdays if d in WEEKDAYS]

    def __str__(self) -> str:
        return self.name


class CanteenClosure(Base):
    __tablename__ = "canteen_closure"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canteen_id: Mapped[int] = mapped_column(
        ForeignKey("canteen_canteen.id", ondelete="CASCADE"), index=True, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(String(300), nullable=False)

    canteen: Mapped[Canteen] = relationship(back_populates="closures")


class CanteenYearSettings(Base):
    __tablename__ = "canteen_year_settings"
    __audited__ = True
    __table_args__ = (UniqueConstraint("canteen_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canteen_id: Mapped[int] = mapped_column(
        ForeignKey("canteen_canteen.id", ondelete="CASCADE"), index=True, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    daily_allowance: Mapped[Decimal] = mapped_column(Money, nullable=False)
    min_kcal: Mapped[int] = mapped_column(Integer, nullable=False)

    canteen: Mapped[Canteen] = relationship(back_populates="settings")


class Beneficiary(Base, TimestampMixin):
    __tablename__ = "canteen_beneficiary"
    __audited__ = True
    #: Special-category and financial data: the audit log records that they changed, masked.
    __audit_exclude__ = ("disability_degree", "monthly_income", "enquiry_number",
                         "enquiry_date", "enquiry_issuer", "allergies_diet")
    __table_args__ = (
        Index("ix_canteen_beneficiary_person", "last_name", "first_name", "birth_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canteen_id: Mapped[int] = mapped_column(
        ForeignKey("canteen_canteen.id", ondelete="RESTRICT"), index=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    idnp: Mapped[str | None] = mapped_column(String(13), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    phone: Mapped[str | None] = mapped_column(String(50))
    category: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    # Sensitive (permission canteen.beneficiaries.sensitive): degree, income, enquiry, diet.
    disability_degree: Mapped[str | None] = mapped_column(String(16))
    household_size: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    monthly_income: Mapped[Decimal | None] = mapped_column(Money)
    enquiry_number: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    enquiry_date: Mapped[date | None] = mapped_column(Date)
    enquiry_issuer: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    home_delivery: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    home_delivery_reason: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    allergies_diet: Mapped[str] = mapped_column(Text, default="", nullable=False)
    lawful_basis: Mapped[str] = mapped_column(String(20), nullable=False)
    consent_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="applicant", nullable=False,
                                        index=True)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)

    canteen: Mapped[Canteen] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def category_label(self) -> str:
        return str(CATEGORIES.get(self.category, self.category))

    @property
    def status_label(self) -> str:
        return str(STATUSES.get(self.status, self.status))

    @property
    def degree_label(self) -> str:
        return str(DISABILITY_DEGREES.get(self.disability_degree or "", ""))

    @property
    def lawful_basis_label(self) -> str:
        return str(LAWFUL_BASES.get(self.lawful_basis, self.lawful_basis))

    def __str__(self) -> str:
        return self.full_name


class SensitiveAccess(Base):
    """Append-only: who saw a beneficiary's sensitive fields, and when (Law 133/2011)."""

    __tablename__ = "canteen_sensitive_access"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str] = mapped_column(String(80), nullable=False)
    beneficiary_id: Mapped[int] = mapped_column(Integer, index=True, nullable=False)
    action: Mapped[str] = mapped_column(String(16), default="view", nullable=False)
