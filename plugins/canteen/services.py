"""Canteen operations: canteens, closures, yearly settings, beneficiaries and their status.

Every function takes the session, checks the acting user's permission with ``ensure``, validates,
changes the records and flushes; the caller commits once per operation (or rolls back). Bad input
raises :class:`CanteenInvalid` with one message per field. Likely duplicate beneficiaries raise
:class:`PossibleDuplicates` unless the caller confirms; an IDNP whose check digit does not match
is only a warning (``idnp_warning``), never a block.
"""
from __future__ import annotations

import re
import zlib
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, or_, select, text
from sqlalchemy.orm import Session
from stdnum.md import idno as idno_number

from core.auth.gate import current_actor, ensure, has_permission
from core.db import utcnow
from core.partners.models import Partner
from plugins.canteen.models import (
    CATEGORIES,
    DISABILITY_DEGREES,
    LAWFUL_BASES,
    STATUSES,
    WEEKDAYS,
    Beneficiary,
    Canteen,
    CanteenClosure,
    CanteenYearSettings,
    SensitiveAccess,
)
from plugins.canteen.permissions import (
    BENEFICIARIES_EDIT,
    BENEFICIARIES_SENSITIVE,
    BENEFICIARIES_VIEW,
    CANTEENS_EDIT,
)

CANTEEN_FIELDS = ("name", "operator_id", "address", "capacity", "opening_days", "notes")

#: Beneficiary fields anyone with canteen.beneficiaries.edit may set.
BASIC_FIELDS = ("canteen_id", "first_name", "last_name", "idnp", "birth_date", "address",
                "phone", "category", "household_size", "home_delivery", "home_delivery_reason",
                "lawful_basis", "consent_date", "status", "notes")
#: Special-category and financial data: shown and set only with canteen.beneficiaries.sensitive.
SENSITIVE_FIELDS = ("disability_degree", "monthly_income", "enquiry_number", "enquiry_date",
                    "enquiry_issuer", "allergies_diet")
BENEFICIARY_FIELDS = BASIC_FIELDS + SENSITIVE_FIELDS


class CanteenInvalid(ValueError):
    """Bad input; ``errors`` maps field name -> message (shown next to the field)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class PossibleDuplicates(Exception):
    """Other beneficiaries look like the same person; save again with ``confirmed=True``."""

    def __init__(self, matches: list[Beneficiary]):
        super().__init__(f"{len(matches)} possible duplicates")
        self.matches = matches


def _text(data: dict, key: str) -> str:
    return str(data.get(key) or "").strip()


def _too_long(errors: dict, clean: dict, limits: dict[str, int]) -> None:
    for key, limit in limits.items():
        if key not in errors and isinstance(clean.get(key), str) and len(clean[key]) > limit:
            errors[key] = _("At most %(n)d characters.", n=limit)


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(value) from None


def _to_int(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(value) from None


# --------------------------------------------------------------------------- canteens


def _clean_canteen(session: Session, data: dict) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "name" in data:
        clean["name"] = _text(data, "name")
        if not clean["name"]:
            errors["name"] = _("A name is required.")
    if "operator_id" in data:
        try:
            operator_id = _to_int(data.get("operator_id"))
        except ValueError:
            operator_id = None
        if operator_id is None or session.get(Partner, operator_id) is None:
            errors["operator_id"] = _("Choose the organisation that runs the canteen.")
        clean["operator_id"] = operator_id
    if "address" in data:
        clean["address"] = _text(data, "address")
    if "capacity" in data:
        try:
            capacity = _to_int(data.get("capacity")) or 0
        except ValueError:
            capacity = -1
        if capacity < 0:
            errors["capacity"] = _("The capacity is a whole number of people, 0 or more.")
        clean["capacity"] = capacity
    if "opening_days" in data:
        days = data.get("opening_days") or []
        if isinstance(days, str):
            days = list(days)
        try:
            weekdays = sorted({int(d) for d in days})
        except (TypeError, ValueError):
            weekdays = [0]
        if not weekdays:
            errors["opening_days"] = _("Choose at least one opening day.")
        elif any(d not in WEEKDAYS for d in weekdays):
            errors["opening_days"] = _("Unknown weekday.")
        clean["opening_days"] = "".join(str(d) for d in weekdays)
    if "notes" in data:
        clean["notes"] = _text(data, "notes")
    _too_long(errors, clean, {"name": 200, "address": 300})
    if errors:
        raise CanteenInvalid(errors)
    return clean


def _refuse_unknown(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def create_canteen(session: Session, **fields) -> Canteen:
    """Create a canteen (name and operator required; opening days default to Monday-Friday)."""
    ensure(CANTEENS_EDIT)
    _refuse_unknown(fields, CANTEEN_FIELDS)
    clean = _clean_canteen(session, {"name": "", "operator_id": None, **fields})
    canteen = Canteen(**{"address": "", "capacity": 0, "opening_days": "12345", "notes": "",
                         **clean})
    session.add(canteen)
    session.flush()
    return canteen


def update_canteen(session: Session, canteen: Canteen, **fields) -> Canteen:
    ensure(CANTEENS_EDIT)
    _refuse_unknown(fields, CANTEEN_FIELDS)
    for key, value in _clean_canteen(session, fields).items():
        setattr(canteen, key, value)
    session.flush()
    return canteen


def add_closure(session: Session, canteen: Canteen, *, start_date: date | None,
                end_date: date | None, reason: str) -> CanteenClosure:
    """Record that the canteen is closed from ``start_date`` to ``end_date`` (inclusive)."""
    ensure(CANTEENS_EDIT)
    reason = (reason or "").strip()
    errors = {}
    if start_date is None:
        errors["start_date"] = _("The first day of the closure is required.")
    if end_date is None:
        errors["end_date"] = _("The last day of the closure is required.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("The last day cannot be before the first day.")
    if not reason:
        errors["reason"] = _("Say why the canteen is closed.")
    elif len(reason) > 300:
        errors["reason"] = _("At most %(n)d characters.", n=300)
    if not errors:
        overlap = session.scalar(select(CanteenClosure).where(
            CanteenClosure.canteen_id == canteen.id, CanteenClosure.start_date <= end_date,
            CanteenClosure.end_date >= start_date))
        if overlap is not None:
            errors["start_date"] = _(
                "This overlaps the closure from %(start)s to %(end)s.",
                start=overlap.start_date.strftime("%d.%m.%Y"),
                end=overlap.end_date.strftime("%d.%m.%Y"))
    if errors:
        raise CanteenInvalid(errors)
    closure = CanteenClosure(start_date=start_date, end_date=end_date, reason=reason)
    canteen.closures.append(closure)
    session.flush()
    return closure


def remove_closure(session: Session, canteen: Canteen, closure_id: int) -> None:
    ensure(CANTEENS_EDIT)
    closure = session.get(CanteenClosure, closure_id)
    if closure is None or closure.canteen_id != canteen.id:
        raise LookupError(closure_id)
    canteen.closures.remove(closure)
    session.flush()


def canteens_run_by(partner_id: int) -> list[Canteen]:
    """The canteens a partner organisation operates (for its partner page)."""
    from core.db import db

    return list(db.session.scalars(
        select(Canteen).where(Canteen.operator_id == partner_id).order_by(Canteen.name)))


def is_open_on(canteen: Canteen, day: date) -> bool:
    """True when ``day`` is an opening weekday and no closure covers it."""
    if day.isoweekday() not in canteen.weekdays:
        return False
    return not any(c.start_date <= day <= c.end_date for c in canteen.closures)


def set_year_settings(session: Session, canteen: Canteen, *, year, daily_allowance,
                      min_kcal) -> CanteenYearSettings:
    """Set (create or replace) the canteen's daily food allowance and minimum kcal for a year."""
    ensure(CANTEENS_EDIT)
    errors = {}
    try:
        year = _to_int(year)
    except ValueError:
        year = None
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = _("A year between 2000 and 2100.")
    try:
        allowance = _to_decimal(daily_allowance)
    except ValueError:
        allowance = None
        errors["daily_allowance"] = _("An amount in lei, e.g. 28.00.")
    if "daily_allowance" not in errors:
        if allowance is None:
            errors["daily_allowance"] = _("The daily allowance is required.")
        elif allowance <= 0:
            errors["daily_allowance"] = _("The daily allowance must be more than 0 lei.")
        elif allowance.as_tuple().exponent < -2:
            errors["daily_allowance"] = _("At most 2 decimals (bani).")
    try:
        kcal = _to_int(min_kcal)
    except ValueError:
        kcal = None
    if kcal is None or kcal <= 0 or kcal > 10000:
        errors["min_kcal"] = _("The minimum energy is a whole number of kcal, 1 to 10000.")
    if errors:
        raise CanteenInvalid(errors)
    settings = session.scalar(select(CanteenYearSettings).where(
        CanteenYearSettings.canteen_id == canteen.id, CanteenYearSettings.year == year))
    if settings is None:
        settings = CanteenYearSettings(year=year)
        canteen.settings.append(settings)
    settings.daily_allowance = allowance
    settings.min_kcal = kcal
    session.flush()
    return settings


def settings_for(session: Session, canteen_id: int, year: int) -> CanteenYearSettings | None:
    return session.scalar(select(CanteenYearSettings).where(
        CanteenYearSettings.canteen_id == canteen_id, CanteenYearSettings.year == year))


# --------------------------------------------------------------------------- IDNP


def idnp_checksum_ok(idnp: str) -> bool:
    """The 7-3-1 check used for IDNO, seen in practice for IDNP (not officially confirmed)."""
    return idno_number.calc_check_digit(idnp[:12]) == idnp[12]


def clean_idnp(value: str | None) -> str | None:
    """13 digits (spaces ignored), or None when empty. Raises ValueError with the message."""
    compact = "".join((value or "").split())
    if not compact:
        return None
    if not compact.isdigit():
        raise ValueError(_("An IDNP has only digits."))
    if len(compact) != 13:
        raise ValueError(_("An IDNP has exactly 13 digits."))
    return compact


def idnp_warning(idnp: str | None) -> str | None:
    """The warning shown when the check digit does not match (the record is still saved)."""
    if idnp and not idnp_checksum_ok(idnp):
        return _("The IDNP %(idnp)s does not pass the usual check-digit test: check it against "
                 "the identity card. It was saved anyway.", idnp=idnp)
    return None


# --------------------------------------------------------------------------- beneficiaries


def _clean_beneficiary(session: Session, data: dict) -> dict[str, Any]:  # noqa: C901
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    today = date.today()
    for key in ("first_name", "last_name"):
        if key in data:
            clean[key] = _text(data, key)
            if not clean[key]:
                errors[key] = (_("The first name is required.") if key == "first_name"
                               else _("The last name is required."))
    if "canteen_id" in data:
        try:
            canteen_id = _to_int(data.get("canteen_id"))
        except ValueError:
            canteen_id = None
        if canteen_id is None or session.get(Canteen, canteen_id) is None:
            errors["canteen_id"] = _("Choose the canteen.")
        clean["canteen_id"] = canteen_id
    if "idnp" in data:
        try:
            clean["idnp"] = clean_idnp(data.get("idnp"))
        except ValueError as exc:
            errors["idnp"] = str(exc)
    for key in ("birth_date", "enquiry_date", "consent_date"):
        if key in data:
            value = data.get(key) or None
            if value is not None and not isinstance(value, date):
                errors[key] = _("A date, dd.mm.yyyy.")
            elif value is not None and value > today:
                errors[key] = {
                    "birth_date": _("The birth date cannot be in the future."),
                    "enquiry_date": _("The social enquiry date cannot be in the future."),
                    "consent_date": _("The consent form date cannot be in the future."),
                }[key]
            elif value is not None and value.year < 1900:
                errors[key] = _("A date after 1900.")
            clean[key] = value
    for key in ("address", "home_delivery_reason", "enquiry_number", "enquiry_issuer",
                "allergies_diet", "notes"):
        if key in data:
            clean[key] = _text(data, key)
    if "phone" in data:
        clean["phone"] = _text(data, "phone") or None
    if "category" in data:
        clean["category"] = _text(data, "category")
        if clean["category"] not in CATEGORIES:
            errors["category"] = _("Choose a category.")
    if "disability_degree" in data:
        clean["disability_degree"] = _text(data, "disability_degree") or None
        if clean["disability_degree"] and clean["disability_degree"] not in DISABILITY_DEGREES:
            errors["disability_degree"] = _("Unknown degree of disability.")
    if "household_size" in data:
        try:
            size = _to_int(data.get("household_size"))
        except ValueError:
            size = None
        if size is None or size < 1:
            errors["household_size"] = _("The household has at least 1 person.")
        elif size > 50:
            errors["household_size"] = _("At most 50 people.")
        clean["household_size"] = size
    if "monthly_income" in data:
        try:
            income = _to_decimal(data.get("monthly_income"))
        except ValueError:
            income = None
            errors["monthly_income"] = _("An amount in lei, e.g. 2500.00.")
        if income is not None and income < 0:
            errors["monthly_income"] = _("The income cannot be negative.")
        elif income is not None and income.as_tuple().exponent < -2:
            errors["monthly_income"] = _("At most 2 decimals (bani).")
        clean["monthly_income"] = income
    if "home_delivery" in data:
        clean["home_delivery"] = bool(data.get("home_delivery"))
    if "lawful_basis" in data:
        clean["lawful_basis"] = _text(data, "lawful_basis")
        if clean["lawful_basis"] not in LAWFUL_BASES:
            errors["lawful_basis"] = _("Choose the lawful basis for keeping this person's data.")
    if "status" in data:
        clean["status"] = _text(data, "status")
        if clean["status"] not in STATUSES:
            errors["status"] = _("Unknown status.")
    _too_long(errors, clean, {"first_name": 100, "last_name": 100, "address": 300, "phone": 50,
                              "home_delivery_reason": 300, "enquiry_number": 50,
                              "enquiry_issuer": 200})
    if errors:
        raise CanteenInvalid(errors)
    return clean


def _check_combined(beneficiary: Beneficiary) -> None:
    """Rules across fields, checked on the record as it would be saved."""
    errors = {}
    if beneficiary.category == "disability" and not beneficiary.disability_degree \
            and has_permission(BENEFICIARIES_SENSITIVE):
        errors["disability_degree"] = _("Give the degree of disability.")
    if beneficiary.category != "disability" and beneficiary.disability_degree:
        beneficiary.disability_degree = None
    if beneficiary.home_delivery and not beneficiary.home_delivery_reason:
        errors["home_delivery_reason"] = _("Say why the meal is delivered at home.")
    if beneficiary.lawful_basis == "consent" and beneficiary.consent_date is None:
        errors["consent_date"] = _("Give the date of the signed consent form.")
    if beneficiary.birth_date and beneficiary.enquiry_date \
            and beneficiary.enquiry_date < beneficiary.birth_date:
        errors["enquiry_date"] = _("The social enquiry cannot be dated before the birth date.")
    if errors:
        raise CanteenInvalid(errors)


def find_possible_duplicates(session: Session, *, idnp: str | None, first_name: str,
                             last_name: str, birth_date: date | None,
                             exclude_id: int | None = None) -> list[Beneficiary]:
    """Beneficiaries in any canteen with the same IDNP, or the same name and birth date."""
    conditions = []
    if idnp:
        conditions.append(Beneficiary.idnp == idnp)
    if first_name and last_name and birth_date:
        conditions.append(
            (func.lower(Beneficiary.first_name) == first_name.lower())
            & (func.lower(Beneficiary.last_name) == last_name.lower())
            & (Beneficiary.birth_date == birth_date))
    if not conditions:
        return []
    stmt = select(Beneficiary).where(or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(Beneficiary.id != exclude_id)
    return list(session.scalars(stmt.order_by(Beneficiary.id).limit(20)))


def _lock_identity(session: Session, b: Beneficiary) -> None:
    """Serialise duplicate checks of the same person: two social workers registering the same
    IDNP (or name and birth date) at the same moment must not both pass the check. SQLite
    already runs one writer at a time; PostgreSQL takes transaction-level advisory locks."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = []
    if b.idnp:
        keys.append(f"canteen.idnp:{b.idnp}")
    if b.first_name and b.last_name and b.birth_date:
        keys.append(f"canteen.person:{b.last_name.lower()}|{b.first_name.lower()}|"
                    f"{b.birth_date.isoformat()}")
    for key in sorted(keys):  # one order everywhere, so two sessions cannot deadlock
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                        {"key": zlib.crc32(key.encode()) - 2**31})


def _allowed_fields(fields: dict) -> None:
    _refuse_unknown(fields, BENEFICIARY_FIELDS)
    if set(fields) & set(SENSITIVE_FIELDS):
        ensure(BENEFICIARIES_SENSITIVE)


def register_beneficiary(session: Session, *, confirmed: bool = False,
                         **fields) -> Beneficiary:
    """Register a person at a canteen.

    Raises :class:`PossibleDuplicates` when someone with the same IDNP, or the same name and
    birth date, is already registered in any canteen, unless ``confirmed``. Sensitive fields
    need ``canteen.beneficiaries.sensitive``.
    """
    ensure(BENEFICIARIES_EDIT)
    _allowed_fields(fields)
    defaults = {"canteen_id": None, "first_name": "", "last_name": "", "category": "",
                "lawful_basis": "", "household_size": 1}
    clean = _clean_beneficiary(session, {**defaults, **fields})
    beneficiary = Beneficiary(**{
        "address": "", "enquiry_number": "", "enquiry_issuer": "", "home_delivery": False,
        "home_delivery_reason": "", "allergies_diet": "", "status": "applicant", "notes": "",
        **clean})
    _check_combined(beneficiary)
    if not confirmed:
        _lock_identity(session, beneficiary)
        matches = find_possible_duplicates(
            session, idnp=beneficiary.idnp, first_name=beneficiary.first_name,
            last_name=beneficiary.last_name, birth_date=beneficiary.birth_date)
        if matches:
            raise PossibleDuplicates(matches)
    session.add(beneficiary)
    session.flush()
    return beneficiary


def update_beneficiary(session: Session, beneficiary: Beneficiary, *, confirmed: bool = False,
                       **fields) -> Beneficiary:
    """Change the given fields; a change of IDNP, name or birth date re-checks duplicates."""
    ensure(BENEFICIARIES_EDIT)
    _allowed_fields(fields)
    clean = _clean_beneficiary(session, fields)
    identity_changed = any(
        key in clean and clean[key] != getattr(beneficiary, key)
        for key in ("idnp", "first_name", "last_name", "birth_date"))
    with session.no_autoflush:
        for key, value in clean.items():
            setattr(beneficiary, key, value)
        try:
            _check_combined(beneficiary)
            if identity_changed and not confirmed:
                _lock_identity(session, beneficiary)
                matches = find_possible_duplicates(
                    session, idnp=beneficiary.idnp, first_name=beneficiary.first_name,
                    last_name=beneficiary.last_name, birth_date=beneficiary.birth_date,
                    exclude_id=beneficiary.id)
                if matches:
                    raise PossibleDuplicates(matches)
        except (CanteenInvalid, PossibleDuplicates):
            session.expire(beneficiary)
            raise
    session.flush()
    return beneficiary


def change_status(session: Session, beneficiary: Beneficiary, status: str) -> Beneficiary:
    """Applicant -> active -> suspended/ended (any change allowed; each one is audited)."""
    ensure(BENEFICIARIES_EDIT)
    if status not in STATUSES:
        raise CanteenInvalid({"status": _("Unknown status.")})
    beneficiary.status = status
    session.flush()
    return beneficiary


# --------------------------------------------------------------------------- sensitive data


def can_see_sensitive() -> bool:
    return has_permission(BENEFICIARIES_SENSITIVE)


def eligibility_summary(beneficiary: Beneficiary) -> str:
    """What staff without the sensitive permission see instead of the details."""
    if beneficiary.status == "active":
        return _("eligible: yes, %(category)s", category=beneficiary.category_label)
    return _("eligible: no (%(status)s), %(category)s", status=beneficiary.status_label,
             category=beneficiary.category_label)


def log_sensitive_access(session: Session, beneficiaries: list[Beneficiary] | Beneficiary,
                         action: str = "view") -> None:
    """Append who saw (or exported, or edited) the sensitive fields of these beneficiaries."""
    ensure(BENEFICIARIES_SENSITIVE)
    if isinstance(beneficiaries, Beneficiary):
        beneficiaries = [beneficiaries]
    actor = current_actor()
    for b in beneficiaries:
        session.add(SensitiveAccess(user_id=getattr(actor, "id", None),
                                    username=getattr(actor, "username", "system"),
                                    beneficiary_id=b.id, action=action))
    session.flush()


def log_sensitive_export(session: Session, beneficiary_ids: list[int]) -> None:
    """One access row per exported person, with one multi-row INSERT (lists can be long)."""
    ensure(BENEFICIARIES_SENSITIVE)
    if not beneficiary_ids:
        return
    actor, now = current_actor(), utcnow()
    session.execute(insert(SensitiveAccess), [
        {"at": now, "user_id": getattr(actor, "id", None),
         "username": getattr(actor, "username", "system"), "beneficiary_id": i,
         "action": "export"} for i in beneficiary_ids])


def view_beneficiary(session: Session, beneficiary: Beneficiary) -> bool:
    """Call when a beneficiary's page is shown: True if the sensitive fields may be shown,
    and then the access is logged (in the caller's transaction)."""
    ensure(BENEFICIARIES_VIEW)
    if not can_see_sensitive():
        return False
    log_sensitive_access(session, beneficiary, "view")
    return True


# --------------------------------------------------------------------------- export

EXPORT_BASIC = ("id", "canteen", "last_name", "first_name", "idnp", "birth_date", "address",
                "phone", "category", "household_size", "home_delivery", "home_delivery_reason",
                "lawful_basis", "consent_date", "status", "eligibility")
EXPORT_SENSITIVE = ("disability_degree", "monthly_income", "enquiry_number", "enquiry_date",
                    "enquiry_issuer", "allergies_diet")


def export_headers(sensitive: bool) -> tuple[str, ...]:
    return EXPORT_BASIC + (EXPORT_SENSITIVE if sensitive else ())


def export_row(b: Beneficiary, sensitive: bool) -> list:
    row = [b.id, b.canteen.name, b.last_name, b.first_name, b.idnp, b.birth_date, b.address,
           b.phone, b.category, b.household_size, b.home_delivery, b.home_delivery_reason,
           b.lawful_basis, b.consent_date, b.status, eligibility_summary(b)]
    if sensitive:
        row += [b.disability_degree, b.monthly_income, b.enquiry_number, b.enquiry_date,
                b.enquiry_issuer, b.allergies_diet]
    return row


_IDNP_SEARCH = re.compile(r"^[\d\s]+$")


def looks_like_idnp(text: str) -> bool:
    return bool(_IDNP_SEARCH.match(text))
