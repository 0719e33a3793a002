"""The catalogue (product categories, products) and the locations of the warehouse."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Money, TimestampMixin, Weight

STORAGE_CONDITIONS = {
    "ambient": _l("Ambient"),
    "chilled": _l("Chilled"),
    "frozen": _l("Frozen"),
}

UNITS = {"kg": _l("kg"), "l": _l("litre"), "piece": _l("piece")}

DATE_MARKS = {
    "best_before": _l("Best before"),
    "use_by": _l("Use by"),
    "none": _l("No date mark"),
}

#: The 14 allergens of EU Reg. 1169/2011 Annex II, by code.
ALLERGENS = {
    "gluten": _l("Cereals containing gluten"),
    "crustaceans": _l("Crustaceans"),
    "eggs": _l("Eggs"),
    "fish": _l("Fish"),
    "peanuts": _l("Peanuts"),
    "soybeans": _l("Soybeans"),
    "milk": _l("Milk"),
    "nuts": _l("Nuts"),
    "celery": _l("Celery"),
    "mustard": _l("Mustard"),
    "sesame": _l("Sesame"),
    "sulphites": _l("Sulphur dioxide and sulphites"),
    "lupin": _l("Lupin"),
    "molluscs": _l("Molluscs"),
}

PHYSICAL_KINDS = ("warehouse", "zone", "shelf")
LOCATION_KINDS = {
    "warehouse": _l("Warehouse"),
    "zone": _l("Zone"),
    "shelf": _l("Shelf"),
    "supplier": _l("Suppliers/donors (virtual)"),
    "partner": _l("Partner (virtual)"),
    "canteen": _l("Canteen (virtual)"),
    "disposal": _l("Disposal (virtual)"),
    "loss": _l("Inventory loss (virtual)"),
}
#: The kind a zone's or shelf's parent must have.
PARENT_KIND = {"zone": "warehouse", "shelf": "zone"}


class _Named:
    """Names in Romanian, Russian and English; shown in the user's language, else Romanian."""

    name_ro: Mapped[str]
    name_ru: Mapped[str]
    name_en: Mapped[str]

    @property
    def name(self) -> str:
        try:
            language = str(get_locale() or "ro")[:2]
        except RuntimeError:  # outside a request
            language = "ro"
        return getattr(self, f"name_{language}", "") or self.name_ro

    def __str__(self) -> str:
        return self.name


class ProductCategory(_Named, Base, TimestampMixin):
    __tablename__ = "inventory_category"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name_ro: Mapped[str] = mapped_column(String(200), nullable=False)
    name_ru: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    name_en: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    storage_condition: Mapped[str] = mapped_column(String(16), default="ambient", nullable=False)
    #: Days past best-before that a lot may still be distributed (with a recorded check).
    max_days_past_best_before: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    kg_per_meal: Mapped[Decimal] = mapped_column(Weight, default=Decimal("0.5"), nullable=False)
    #: kg CO2e avoided per kg rescued, stored with three decimals (as grams per kg).
    co2e_per_kg: Mapped[Decimal] = mapped_column(Weight, default=Decimal("2.5"), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False, index=True)

    @property
    def storage_label(self) -> str:
        return str(STORAGE_CONDITIONS.get(self.storage_condition, self.storage_condition))


class Product(_Named, Base, TimestampMixin):
    __tablename__ = "inventory_product"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_ro: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    name_ru: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    name_en: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_category.id"), index=True, nullable=False)
    unit: Mapped[str] = mapped_column(String(8), default="kg", nullable=False)
    net_kg_per_unit: Mapped[Decimal] = mapped_column(Weight, default=Decimal("1"), nullable=False)
    storage_condition: Mapped[str] = mapped_column(String(16), default="ambient", nullable=False)
    date_mark: Mapped[str] = mapped_column(String(16), default="best_before", nullable=False)
    allergens: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    alcoholic: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    value_per_kg: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), nullable=False)
    min_stock_kg: Mapped[Decimal] = mapped_column(Weight, default=Decimal("0"), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False, index=True)

    category: Mapped[ProductCategory] = relationship(lazy="joined")

    @property
    def allergen_labels(self) -> list[str]:
        return [str(ALLERGENS[a]) for a in ALLERGENS if a in (self.allergens or [])]


class Location(Base, TimestampMixin):
    __tablename__ = "inventory_location"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_location.id"), index=True)
    storage_condition: Mapped[str] = mapped_column(String(16), default="ambient", nullable=False)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("core_partner.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False, index=True)

    parent: Mapped[Location | None] = relationship(remote_side="Location.id",
                                                   back_populates="children")
    children: Mapped[list[Location]] = relationship(back_populates="parent",
                                                    order_by="Location.code")

    @property
    def is_virtual(self) -> bool:
        return self.kind not in PHYSICAL_KINDS

    @property
    def kind_label(self) -> str:
        return str(LOCATION_KINDS.get(self.kind, self.kind))

    @property
    def storage_label(self) -> str:
        return str(STORAGE_CONDITIONS.get(self.storage_condition, self.storage_condition))

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
