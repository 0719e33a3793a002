"""Business operations on the catalogue and the locations.

Services check permissions with the gate, validate, and flush; the caller (a view, the CLI)
commits once per operation. Validation problems raise :class:`CatalogueInvalid` with one
translated message per form field, so a view can show each next to its field.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum import ean
from stdnum.exceptions import ValidationError

from core.audit.listener import record_many
from core.auth.gate import ensure
from core.db import utcnow
from core.partners.models import Partner
from core.tabular import Table, parse_bool
from plugins.inventory.models import (
    ALLERGENS,
    DATE_MARKS,
    LOCATION_KINDS,
    PARENT_KIND,
    PHYSICAL_KINDS,
    STORAGE_CONDITIONS,
    UNITS,
    Location,
    Product,
    ProductCategory,
)


class CatalogueInvalid(ValueError):
    """The values cannot be saved; ``errors`` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# --------------------------------------------------------------------------- field checks


def clean_gtin(value: str | None) -> tuple[str | None, str | None]:
    """(GTIN without spaces or None, error message or None). EAN-8, UPC-A, EAN-13, GTIN-14."""
    text = "".join((value or "").split()).replace("-", "")
    if not text:
        return None, None
    try:
        return ean.validate(text), None
    except ValidationError:
        if not text.isdigit() or len(text) not in (8, 12, 13, 14):
            return None, _("A GTIN/EAN has 8, 12, 13 or 14 digits.")
        return None, _("The GTIN/EAN %(gtin)s has a wrong check digit.", gtin=text)


def parse_decimal(value: Any) -> Decimal | None:
    """``1,5`` or ``1.5`` (or a Decimal); empty is None. Raises ValueError."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def _number(data: dict, errors: dict, key: str, default: Decimal, positive: bool = False):
    try:
        number = parse_decimal(data.get(key))
    except ValueError:
        errors[key] = _("Write a number, not %(value)s.", value=data.get(key))
        return default
    if number is None:
        return default
    if number < 0 or (positive and number == 0):
        errors[key] = (_("Must be more than zero.") if positive
                       else _("Must not be negative."))
    return number


def _choice(data: dict, errors: dict, key: str, choices: dict, default: str) -> str:
    value = (data.get(key) or default).strip()
    if value not in choices:
        errors[key] = _("Choose one of: %(choices)s.", choices=", ".join(choices))
    return value


def _names(data: dict, errors: dict) -> dict[str, str]:
    names = {k: (data.get(k) or "").strip() for k in ("name_ro", "name_ru", "name_en")}
    if not names["name_ro"]:
        errors["name_ro"] = _("The Romanian name is required.")
    for key, value in names.items():
        if len(value) > 200:
            errors[key] = _("At most %(n)d characters.", n=200)
    return names


def alcohol_warning(product: Product) -> str | None:
    """A warning (not a refusal) for alcoholic products: the rule is unverified."""
    if product.alcoholic:
        return _("%(name)s is marked alcoholic: alcoholic drinks are usually not accepted as "
                 "food donations. Check before distributing it.", name=product.name)
    return None


# --------------------------------------------------------------------------- categories

CATEGORY_FIELDS = ("code", "name_ro", "name_ru", "name_en", "storage_condition",
                   "max_days_past_best_before", "kg_per_meal", "co2e_per_kg", "active")


def check_category_fields(session: Session, data: dict,
                          category: ProductCategory | None = None) -> dict:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = _names(data, errors)
    code = (data.get("code") or "").strip()
    if not code:
        errors["code"] = _("The code is required.")
    elif len(code) > 32:
        errors["code"] = _("At most %(n)d characters.", n=32)
    else:
        other = session.scalar(select(ProductCategory).where(ProductCategory.code == code))
        if other is not None and other is not category:
            errors["code"] = _("The code %(code)s is already used by %(name)s.",
                               code=code, name=other.name)
    clean["code"] = code
    clean["storage_condition"] = _choice(data, errors, "storage_condition",
                                         STORAGE_CONDITIONS, "ambient")
    days = _number(data, errors, "max_days_past_best_before", Decimal(0))
    if days != int(days):
        errors["max_days_past_best_before"] = _("Write a whole number of days.")
    clean["max_days_past_best_before"] = int(days)
    clean["kg_per_meal"] = _number(data, errors, "kg_per_meal", Decimal("0.5"), positive=True)
    clean["co2e_per_kg"] = _number(data, errors, "co2e_per_kg", Decimal("2.5"))
    clean["active"] = bool(data.get("active", True))
    if errors:
        raise CatalogueInvalid(errors)
    return clean


def create_category(session: Session, **data) -> ProductCategory:
    ensure("inventory.catalogue.edit")
    category = ProductCategory(**check_category_fields(session, data))
    session.add(category)
    session.flush()
    return category


def update_category(session: Session, category: ProductCategory, **data) -> ProductCategory:
    ensure("inventory.catalogue.edit")
    for key, value in check_category_fields(session, data, category).items():
        setattr(category, key, value)
    session.flush()
    return category


def deactivate_category(session: Session, category: ProductCategory) -> None:
    ensure("inventory.catalogue.edit")
    category.active = False
    session.flush()


def category_export_row(category: ProductCategory) -> list:
    return [category.code, category.name_ro, category.name_ru, category.name_en,
            category.storage_condition, category.max_days_past_best_before,
            category.kg_per_meal, category.co2e_per_kg, category.active]


# --------------------------------------------------------------------------- products

PRODUCT_FIELDS = ("name_ro", "name_ru", "name_en", "gtin", "category", "unit",
                  "net_kg_per_unit", "storage_condition", "date_mark", "allergens", "alcoholic",
                  "value_per_kg", "min_stock_kg", "active")


def parse_allergens(value: Any) -> tuple[list[str], list[str]]:
    """(known codes in the standard order, unknown words) from a list or ``milk, eggs``."""
    if isinstance(value, list | tuple):
        words = [str(v).strip().lower() for v in value]
    else:
        words = [w.strip().lower() for w in str(value or "").replace(";", ",").split(",")]
    words = [w for w in words if w]
    return [a for a in ALLERGENS if a in words], [w for w in words if w not in ALLERGENS]


def check_product_fields(session: Session, data: dict, product: Product | None = None,
                         categories: dict[str, ProductCategory] | None = None) -> dict:
    """Clean product values; ``data["category"]`` is a category, its id or its code."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = _names(data, errors)
    gtin, gtin_error = clean_gtin(data.get("gtin"))
    if gtin_error:
        errors["gtin"] = gtin_error
    elif gtin:
        other = session.scalar(select(Product).where(Product.gtin == gtin))
        if other is not None and other is not product:
            errors["gtin"] = _("The GTIN %(gtin)s is already used by %(name)s.",
                               gtin=gtin, name=other.name)
    clean["gtin"] = gtin
    category = data.get("category")
    if not isinstance(category, ProductCategory) and category not in (None, ""):
        if categories is not None:
            category = categories.get(str(category).strip())
        elif isinstance(category, int) or str(category).isdigit():
            category = session.get(ProductCategory, int(category))
        else:
            category = session.scalar(select(ProductCategory).where(
                ProductCategory.code == str(category).strip()))
        if category is None:
            errors["category"] = _("Unknown category %(code)s.", code=data.get("category"))
    elif not category:
        errors["category"] = _("The category is required.")
        category = None
    clean["category"] = category
    clean["unit"] = _choice(data, errors, "unit", UNITS, "kg")
    net = _number(data, errors, "net_kg_per_unit", Decimal(1), positive=True)
    if clean["unit"] == "kg" and net != 1 and "net_kg_per_unit" not in errors:
        errors["net_kg_per_unit"] = _("A product counted in kg weighs 1 kg per unit.")
    clean["net_kg_per_unit"] = net
    default_storage = category.storage_condition if isinstance(category, ProductCategory) \
        else "ambient"
    clean["storage_condition"] = _choice(data, errors, "storage_condition", STORAGE_CONDITIONS,
                                         default_storage)
    clean["date_mark"] = _choice(data, errors, "date_mark", DATE_MARKS, "best_before")
    allergens, unknown = parse_allergens(data.get("allergens"))
    if unknown:
        errors["allergens"] = _("Unknown allergens: %(names)s. Use: %(codes)s.",
                                names=", ".join(unknown), codes=", ".join(ALLERGENS))
    clean["allergens"] = allergens
    clean["alcoholic"] = bool(data.get("alcoholic", False))
    clean["value_per_kg"] = _number(data, errors, "value_per_kg", Decimal(0))
    clean["min_stock_kg"] = _number(data, errors, "min_stock_kg", Decimal(0))
    clean["active"] = bool(data.get("active", True))
    if errors:
        raise CatalogueInvalid(errors)
    return clean


def create_product(session: Session, **data) -> Product:
    ensure("inventory.catalogue.edit")
    product = Product(**check_product_fields(session, data))
    session.add(product)
    session.flush()
    return product


def update_product(session: Session, product: Product, **data) -> Product:
    ensure("inventory.catalogue.edit")
    for key, value in check_product_fields(session, data, product).items():
        setattr(product, key, value)
    session.flush()
    return product


def deactivate_product(session: Session, product: Product) -> None:
    ensure("inventory.catalogue.edit")
    product.active = False
    session.flush()


def product_export_row(product: Product) -> list:
    return [product.name_ro, product.name_ru, product.name_en, product.gtin,
            product.category.code, product.unit, product.net_kg_per_unit,
            product.storage_condition, product.date_mark, ", ".join(product.allergens or []),
            product.alcoholic, product.value_per_kg, product.min_stock_kg, product.active]


# --------------------------------------------------------------------------- product import


@dataclass
class RowError:
    """One problem: ``row`` is the file's row number (1 = header, 0 = the file as a whole)."""

    row: int
    column: str
    message: str


@dataclass
class CheckedRow:
    row: int
    values: dict[str, Any]


@dataclass
class ImportCheck:
    rows: list[CheckedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportInvalid(ValueError):
    """The file has problems; ``check.errors`` lists all of them. Nothing was imported."""

    def __init__(self, check: ImportCheck):
        super().__init__(f"{len(check.errors)} errors in the import file")
        self.check = check


REQUIRED_COLUMNS = ("name_ro", "category")
_BOOLEANS = ("alcoholic", "active")


def check_product_table(session: Session, table: Table) -> ImportCheck:
    """Check every row of ``table`` (from ``core.tabular.read_table``); writes nothing."""
    check = ImportCheck()
    columns = list(getattr(table, "columns", None) or [])
    check.ignored_columns = [c for c in columns if c not in PRODUCT_FIELDS]
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            check.errors.append(RowError(1, column, _(
                "The column %(name)s is missing from the header.", name=column)))
    if check.errors:
        return check
    if not table:
        check.errors.append(RowError(0, "", _("The file has a header but no rows.")))
        return check
    categories = {c.code: c for c in session.scalars(select(ProductCategory))}
    existing = set(session.scalars(select(Product.gtin).where(Product.gtin.is_not(None))))
    first_row_of: dict[str, int] = {}
    for row in table:
        data: dict[str, Any] = {k: row.get(k, "") for k in PRODUCT_FIELDS if k in columns}
        errors: dict[str, str] = {}
        for key in _BOOLEANS:
            if key in data:
                try:
                    data[key] = parse_bool(data[key]) if data[key] or key != "active" else True
                except ValueError:
                    errors[key] = _("Write yes or no, not %(value)s.", value=row.get(key))
                    data[key] = key == "active"
        gtin, _error = clean_gtin(data.get("gtin"))
        try:
            clean = check_product_fields(session, {**data, "gtin": ""}, categories=categories)
        except CatalogueInvalid as exc:
            errors.update(exc.errors)
            clean = {}
        if _error:
            errors["gtin"] = _error
        elif gtin in existing:
            errors["gtin"] = _("The GTIN %(gtin)s is already in the catalogue.", gtin=gtin)
        elif gtin in first_row_of:
            errors["gtin"] = _("GTIN %(gtin)s appears twice in the file (also row %(row)d).",
                               gtin=gtin, row=first_row_of[gtin])
        elif gtin:
            first_row_of[gtin] = row.number
        for key in PRODUCT_FIELDS:
            if key in errors:
                check.errors.append(RowError(row.number, key, errors[key]))
        if clean:
            clean["gtin"] = gtin
            check.rows.append(CheckedRow(row.number, clean))
    return check


def import_products(session: Session, table: Table) -> int:
    """Create one product per row: all or nothing. Returns the number imported."""
    ensure("inventory.catalogue.import")
    check = check_product_table(session, table)
    if not check.ok:
        raise ImportInvalid(check)
    now = utcnow()
    values = []
    for row in check.rows:
        data = dict(row.values)
        data["category_id"] = data.pop("category").id
        values.append({**data, "created_at": now, "updated_at": now})
    try:
        with session.begin_nested():
            ids = session.scalars(
                insert(Product).returning(Product.id, sort_by_parameter_order=True), values
            ).all()
    except IntegrityError:
        check.errors.append(RowError(0, "gtin", _(
            "Another user has just added a product with one of these GTINs. Upload the file "
            "again to see which.")))
        raise ImportInvalid(check) from None
    record_many(session, action="insert", table_name=Product.__tablename__, changes_by_id={
        pid: {k: (None, v) for k, v in {"id": pid, **row}.items() if v is not None}
        for pid, row in zip(ids, values, strict=True)
    })
    return len(ids)


# --------------------------------------------------------------------------- locations

LOCATION_FIELDS = ("code", "name", "kind", "parent", "storage_condition", "partner", "active")


def check_location_fields(session: Session, data: dict, location: Location | None = None) -> dict:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    code = (data.get("code") or "").strip()
    if not code:
        errors["code"] = _("The code is required.")
    elif len(code) > 32:
        errors["code"] = _("At most %(n)d characters.", n=32)
    else:
        other = session.scalar(select(Location).where(Location.code == code))
        if other is not None and other is not location:
            errors["code"] = _("The code %(code)s is already used by %(name)s.",
                               code=code, name=other.name)
    clean["code"] = code
    clean["name"] = (data.get("name") or "").strip()
    if not clean["name"]:
        errors["name"] = _("The name is required.")
    kind = _choice(data, errors, "kind", LOCATION_KINDS, "warehouse")
    clean["kind"] = kind
    parent = data.get("parent")
    if parent not in (None, "", 0) and not isinstance(parent, Location):
        parent = session.get(Location, int(parent))
    parent = parent or None
    needed = PARENT_KIND.get(kind)
    if needed and (parent is None or parent.kind != needed):
        errors["parent"] = (_("A zone belongs to a warehouse.") if kind == "zone"
                            else _("A shelf belongs to a zone."))
    elif not needed and parent is not None:
        errors["parent"] = _("Only zones and shelves have a parent location.")
    if location is not None and parent is not None:
        ancestor = parent
        while ancestor is not None:
            if ancestor is location:
                errors["parent"] = _("A location cannot be inside itself.")
                break
            ancestor = ancestor.parent
    clean["parent"] = parent
    default_storage = parent.storage_condition if parent is not None else "ambient"
    clean["storage_condition"] = _choice(data, errors, "storage_condition", STORAGE_CONDITIONS,
                                         default_storage)
    partner_id = data.get("partner") or None
    if partner_id is not None:
        if kind not in ("partner", "canteen"):
            errors["partner"] = _("Only partner and canteen locations link to a partner.")
        elif session.get(Partner, int(partner_id)) is None:
            errors["partner"] = _("Unknown partner.")
    clean["partner_id"] = int(partner_id) if partner_id else None
    clean["active"] = bool(data.get("active", True))
    if errors:
        raise CatalogueInvalid(errors)
    return clean


def create_location(session: Session, **data) -> Location:
    ensure("inventory.locations.edit")
    location = Location(**check_location_fields(session, data))
    session.add(location)
    session.flush()
    return location


def update_location(session: Session, location: Location, **data) -> Location:
    ensure("inventory.locations.edit")
    for key, value in check_location_fields(session, data, location).items():
        setattr(location, key, value)
    session.flush()
    return location


def deactivate_location(session: Session, location: Location) -> None:
    ensure("inventory.locations.edit")
    location.active = False
    session.flush()


def location_tree(session: Session, include_inactive: bool = False) \
        -> list[tuple[int, Location]]:
    """Physical locations as (depth, location), warehouse → zones → shelves, by code."""
    stmt = select(Location).where(Location.kind.in_(PHYSICAL_KINDS)).order_by(Location.code)
    if not include_inactive:
        stmt = stmt.where(Location.active.is_(True))
    locations = list(session.scalars(stmt))
    by_parent: dict[int | None, list[Location]] = {}
    for loc in locations:
        by_parent.setdefault(loc.parent_id, []).append(loc)
    ids = {loc.id for loc in locations}
    out: list[tuple[int, Location]] = []

    def walk(parent_id, depth):
        for loc in by_parent.get(parent_id, []):
            out.append((depth, loc))
            walk(loc.id, depth + 1)

    walk(None, 0)
    for loc in locations:  # orphans (parent inactive) still shown, at the top level
        if loc.parent_id is not None and loc.parent_id not in ids:
            out.append((0, loc))
            walk(loc.id, 1)
    return out


#: The virtual locations every installation has: (code, Romanian name, kind).
VIRTUAL_LOCATIONS = (
    ("V-SUPPLIERS", "Furnizori/donatori", "supplier"),
    ("V-PARTNERS", "Parteneri", "partner"),
    ("V-DISPOSAL", "Eliminare", "disposal"),
    ("V-LOSS", "Pierderi de inventar", "loss"),
)


def seed_virtual_locations(session: Session) -> int:
    """Create the virtual locations that are missing (idempotent); returns how many."""
    existing = set(session.scalars(select(Location.code).where(
        Location.code.in_([code for code, _name, _kind in VIRTUAL_LOCATIONS]))))
    created = 0
    for code, name, kind in VIRTUAL_LOCATIONS:
        if code not in existing:
            session.add(Location(code=code, name=name, kind=kind, storage_condition="ambient",
                                 active=True))
            created += 1
    session.flush()
    return created
