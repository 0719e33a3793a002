"""Partner organisations and people, with their addresses and contacts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, TimestampMixin

PARTNER_TYPES = {
    "food_bank": _l("Food bank"),
    "donor_company": _l("Donor company"),
    "retailer": _l("Retailer"),
    "producer": _l("Producer"),
    "farmer": _l("Farmer"),
    "ngo": _l("NGO"),
    "social_service": _l("Social service"),
    "canteen_operator": _l("Canteen operator"),
    "public_authority": _l("Public authority"),
    "individual": _l("Individual"),
}

ADDRESS_KINDS = {
    "legal": _l("Legal address"),
    "delivery": _l("Delivery address"),
    "pickup": _l("Pickup address"),
    "other": _l("Other"),
}


class Partner(Base, TimestampMixin):
    __tablename__ = "core_partner"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    legal_name: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    idno: Mapped[str | None] = mapped_column(String(13), unique=True)
    vat_code: Mapped[str | None] = mapped_column(String(20))
    ansa_number: Mapped[str | None] = mapped_column(String(50))
    iban: Mapped[str | None] = mapped_column(String(34))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False, index=True)

    addresses: Mapped[list[PartnerAddress]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerAddress.id"
    )
    contacts: Mapped[list[PartnerContact]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerContact.id"
    )

    @property
    def type_label(self) -> str:
        return str(PARTNER_TYPES.get(self.type, self.type))

    @property
    def is_person(self) -> bool:
        return self.type == "individual"

    def __str__(self) -> str:
        return self.name


class PartnerAddress(Base):
    __tablename__ = "core_partner_address"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("core_partner.id", ondelete="CASCADE"), index=True, nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), default="legal", nullable=False)
    street: Mapped[str] = mapped_column(String(300), nullable=False)
    city: Mapped[str] = mapped_column(String(100), nullable=False)
    district: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    postal_code: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    country: Mapped[str] = mapped_column(String(2), default="MD", nullable=False)
    partner: Mapped[Partner] = relationship(back_populates="addresses")

    @property
    def kind_label(self) -> str:
        return str(ADDRESS_KINDS.get(self.kind, self.kind))

    def __str__(self) -> str:
        parts = [self.street, self.city, self.district, self.postal_code]
        return ", ".join(p for p in parts if p)


class PartnerContact(Base):
    __tablename__ = "core_partner_contact"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("core_partner.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    position: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    partner: Mapped[Partner] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.name
