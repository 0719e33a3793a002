"""Partner operations: create, update, archive, addresses and contacts.

Every function takes the SQLAlchemy session, checks the acting user's permission, validates,
changes the records and flushes; the caller commits (one transaction per operation) or rolls
back. Invalid input raises :class:`PartnerInvalid` with one message per field, so a form can
show each message next to its field. The audit log is written by the flush listener.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum import iban as iban_number
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.md import idno as idno_number

from core.audit.listener import record_many
from core.auth.gate import ensure
from core.db.types import utcnow
from core.partners.models import (
    ADDRESS_KINDS,
    PARTNER_TYPES,
    Partner,
    PartnerAddress,
    PartnerContact,
)

VIEW, EDIT, IMPORT = "core.partners.view", "core.partners.edit", "core.partners.import"

#: The partner fields a form or an import row may set, in the order of the export columns.
PARTNER_FIELDS = ("type", "name", "legal_name", "idno", "vat_code", "ansa_number", "iban",
                  "email", "phone", "notes", "archived")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_LENGTHS = {"name": 200, "legal_name": 300, "vat_code": 20, "ansa_number": 50, "email": 254,
            "phone": 50}


class PartnerInvalid(ValueError):
    """Bad input; ``errors`` maps field name -> message (shown next to the field)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# --------------------------------------------------------------------------- field checks


def clean_idno(value: str | None) -> str | None:
    """The compact IDNO, or None when empty. Raises ValueError with the user's message."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return idno_number.validate(value)
    except InvalidChecksum:
        raise ValueError(_("The IDNO check digit is wrong: check the 13 digits.")) from None
    except InvalidLength:
        raise ValueError(_("An IDNO has exactly 13 digits.")) from None
    except (InvalidFormat, ValidationError):
        raise ValueError(_("An IDNO has only digits.")) from None


def clean_iban(value: str | None) -> str | None:
    """The compact IBAN (upper case, no spaces), or None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return iban_number.validate(value)
    except InvalidChecksum:
        raise ValueError(_("The IBAN check digits are wrong.")) from None
    except InvalidLength:
        raise ValueError(_("The IBAN has the wrong length for its country.")) from None
    except (InvalidFormat, ValidationError):
        raise ValueError(_("This is not a valid IBAN.")) from None


def clean_email(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError(_("This is not a valid e-mail address."))
    return value


def format_iban(value: str | None) -> str:
    """``MD24AG00...`` -> ``MD24 AG00 ...`` for reading."""
    return iban_number.format(value) if value else ""


def _text(data: dict, key: str) -> str:
    return str(data.get(key) or "").strip()


def check_partner_fields(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate and normalise partner fields without touching the database.

    Returns (clean values, errors by field). Only keys present in ``data`` are cleaned, so an
    update may pass a subset.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in PARTNER_FIELDS:
        if key not in data:
            continue
        if key == "type":
            value = _text(data, key)
            if value not in PARTNER_TYPES:
                errors[key] = _("Unknown partner type: %(value)s.", value=value or "—")
            clean[key] = value
        elif key == "name":
            value = _text(data, key)
            if not value:
                errors[key] = _("A name is required.")
            clean[key] = value
        elif key in ("idno", "iban", "email"):
            cleaner = {"idno": clean_idno, "iban": clean_iban, "email": clean_email}[key]
            try:
                clean[key] = cleaner(data.get(key))
            except ValueError as exc:
                errors[key] = str(exc)
        elif key == "archived":
            clean[key] = bool(data.get(key))
        elif key in ("legal_name", "notes"):  # text, empty rather than NULL
            clean[key] = _text(data, key)
        else:  # vat_code, ansa_number, phone: optional text
            clean[key] = _text(data, key) or None
        limit = _LENGTHS.get(key)
        if limit and key not in errors and clean.get(key) and len(clean[key]) > limit:
            errors[key] = _("At most %(n)d characters.", n=limit)
    return clean, errors


def duplicate_idno_message(idno: str, name: str | None = None) -> str:
    if name:
        return _("IDNO %(idno)s is already used by %(name)s.", idno=idno, name=name)
    return _("IDNO %(idno)s is already used by another partner.", idno=idno)


def find_by_idno(session: Session, idno: str, exclude_id: int | None = None) -> Partner | None:
    stmt = select(Partner).where(Partner.idno == idno)
    if exclude_id is not None:
        stmt = stmt.where(Partner.id != exclude_id)
    return session.scalar(stmt)


def _validate(session: Session, data: dict, partner: Partner | None = None) -> dict[str, Any]:
    clean, errors = check_partner_fields(data)
    if clean.get("idno") and "idno" not in errors:
        other = find_by_idno(session, clean["idno"], partner.id if partner else None)
        if other is not None:
            errors["idno"] = duplicate_idno_message(clean["idno"], other.name)
    if errors:
        raise PartnerInvalid(errors)
    return clean


def _refuse_unknown(fields: dict) -> None:
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"unknown partner fields: {sorted(unknown)}")


def _save_unique(session: Session, idno: str | None, change) -> None:
    """Apply ``change()`` and flush inside a savepoint, so a concurrent insert of the same IDNO
    (caught only by the unique constraint) becomes a message next to the field instead of a
    broken transaction. (``begin_nested`` flushes what is pending first, so the change must
    happen inside it.)"""
    try:
        with session.begin_nested():
            change()
            session.flush()
    except IntegrityError:
        raise PartnerInvalid({"idno": duplicate_idno_message(idno or "")}) from None


# --------------------------------------------------------------------------- partners


def create_partner(session: Session, **fields) -> Partner:
    """Create a partner from the fields in PARTNER_FIELDS (type and name required)."""
    ensure(EDIT)
    _refuse_unknown(fields)
    clean = _validate(session, {"type": "", "name": "", **fields})
    partner = Partner(**{"legal_name": "", "notes": "", "archived": False, **clean})
    _save_unique(session, clean.get("idno"), lambda: session.add(partner))
    return partner


def update_partner(session: Session, partner: Partner, **fields) -> Partner:
    """Change the given fields of ``partner`` (any subset of PARTNER_FIELDS)."""
    ensure(EDIT)
    _refuse_unknown(fields)
    clean = _validate(session, fields, partner)

    def change() -> None:
        for key, value in clean.items():
            setattr(partner, key, value)

    _save_unique(session, clean.get("idno"), change)
    return partner


def set_archived(session: Session, partner: Partner, archived: bool) -> Partner:
    """Archive (hide from lists and choices, keep every record) or bring back a partner."""
    ensure(EDIT)
    partner.archived = archived
    session.flush()
    return partner


def archive(session: Session, partner: Partner) -> Partner:
    return set_archived(session, partner, True)


def unarchive(session: Session, partner: Partner) -> Partner:
    return set_archived(session, partner, False)


# --------------------------------------------------------------------------- addresses


def add_address(session: Session, partner: Partner, *, street: str, city: str,
                kind: str = "legal", district: str = "", postal_code: str = "",
                country: str = "MD") -> PartnerAddress:
    ensure(EDIT)
    values = {"kind": (kind or "").strip(), "street": (street or "").strip(),
              "city": (city or "").strip(), "district": (district or "").strip(),
              "postal_code": (postal_code or "").strip(),
              "country": (country or "MD").strip().upper()}
    errors = {}
    if values["kind"] not in ADDRESS_KINDS:
        errors["kind"] = _("Unknown address kind.")
    if not values["street"]:
        errors["street"] = _("The street is required.")
    if not values["city"]:
        errors["city"] = _("The city or village is required.")
    if not re.fullmatch(r"[A-Z]{2}", values["country"]):
        errors["country"] = _("A two-letter country code, e.g. MD.")
    for key, limit in (("street", 300), ("city", 100), ("district", 100), ("postal_code", 20)):
        if key not in errors and len(values[key]) > limit:
            errors[key] = _("At most %(n)d characters.", n=limit)
    if errors:
        raise PartnerInvalid(errors)
    address = PartnerAddress(**values)
    partner.addresses.append(address)
    session.flush()
    return address


def remove_address(session: Session, partner: Partner, address_id: int) -> None:
    """Delete one of ``partner``'s addresses (LookupError if it is not the partner's)."""
    ensure(EDIT)
    address = session.get(PartnerAddress, address_id)
    if address is None or address.partner_id != partner.id:
        raise LookupError(address_id)
    partner.addresses.remove(address)
    session.delete(address)
    session.flush()


# --------------------------------------------------------------------------- contacts


def add_contact(session: Session, partner: Partner, *, name: str, position: str = "",
                email: str | None = None, phone: str | None = None) -> PartnerContact:
    ensure(EDIT)
    errors = {}
    name, position = (name or "").strip(), (position or "").strip()
    phone = (phone or "").strip() or None
    if not name:
        errors["name"] = _("A name is required.")
    try:
        email = clean_email(email)
    except ValueError as exc:
        errors["email"] = str(exc)
    for key, value, limit in (("name", name, 200), ("position", position, 200),
                              ("phone", phone or "", 50)):
        if key not in errors and len(value) > limit:
            errors[key] = _("At most %(n)d characters.", n=limit)
    if errors:
        raise PartnerInvalid(errors)
    contact = PartnerContact(name=name, position=position, email=email, phone=phone)
    partner.contacts.append(contact)
    session.flush()
    return contact


def remove_contact(session: Session, partner: Partner, contact_id: int) -> None:
    ensure(EDIT)
    contact = session.get(PartnerContact, contact_id)
    if contact is None or contact.partner_id != partner.id:
        raise LookupError(contact_id)
    partner.contacts.remove(contact)
    session.delete(contact)
    session.flush()


# --------------------------------------------------------------------------- export and import


def export_row(partner: Partner) -> list:
    """One partner as an export row, in PARTNER_FIELDS order (an export re-imports)."""
    return [getattr(partner, key) for key in PARTNER_FIELDS]


def import_rows(session: Session, table) -> int:
    """Create one partner per row of ``table`` (from ``core.tabular.read_table``): all or nothing.

    Every row is checked first (see ``core.partners.importing.check_table``); if anything is
    wrong, :class:`~core.partners.importing.ImportInvalid` lists every error and nothing is
    written. Rows go in with one multi-row INSERT, each audited. Returns the number imported.
    """
    from core.partners.importing import ImportInvalid, RowError, check_table

    ensure(IMPORT)
    check = check_table(session, table)
    if not check.ok:
        raise ImportInvalid(check)
    if not check.rows:
        return 0
    now = utcnow()
    values = [{"legal_name": "", "notes": "", "archived": False, **row.values,
               "created_at": now, "updated_at": now} for row in check.rows]
    keys = set().union(*values)
    values = [{key: v.get(key) for key in keys} for v in values]
    try:
        with session.begin_nested():
            ids = session.scalars(
                insert(Partner).returning(Partner.id, sort_by_parameter_order=True), values
            ).all()
    except IntegrityError:
        check.errors.append(RowError(0, "idno", _(
            "Another user has just added a partner with one of these IDNOs. Upload the file "
            "again to see which.")))
        raise ImportInvalid(check) from None
    record_many(session, action="insert", table_name=Partner.__tablename__, changes_by_id={
        partner_id: {k: (None, v) for k, v in {"id": partner_id, **row}.items() if v is not None}
        for partner_id, row in zip(ids, values, strict=True)
    })
    return len(ids)
