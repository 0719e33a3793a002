"""Donor profile operations: create or update a partner's profile, its contract scan.

Every function checks the acting user's permission with the gate, validates, changes the records
and flushes; the caller commits once per operation (or rolls back). Invalid input raises
:class:`DonorInvalid` with one message per field, shown next to that field, and nothing is saved.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.auth.gate import ensure, scope_to_partner
from core.db import utcnow
from core.i18n import format_money
from core.partners.models import Partner
from core.partners.services import clean_email
from plugins.donors.models import (
    DOCUMENT_LANGUAGES,
    DONOR_TYPES,
    EXPIRY_WARNING_DAYS,
    DonorProfile,
)

VIEW, EDIT = "donors.profiles.view", "donors.profiles.edit"

#: The fields a form (or demo data) may set, in the order of the export columns.
PROFILE_FIELDS = ("donor_type", "contract_number", "contract_date", "contract_valid_until",
                  "document_language", "contact_name", "contact_email", "contact_phone",
                  "annual_limit", "monthly_limit", "notes", "active")

#: Default largest contract scan; ``DONORS_MAX_SCAN_SIZE`` in the configuration overrides it.
MAX_SCAN_SIZE = 5 * 1024 * 1024

#: What a contract scan may be, recognised by its first bytes (never by its name).
SCAN_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)

_LENGTHS = {"contract_number": 50, "contact_name": 200, "contact_phone": 50}
_TZ = ZoneInfo("Europe/Chisinau")


class DonorInvalid(ValueError):
    """Bad input; ``errors`` maps field name -> message (shown next to the field)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def today() -> date:
    """Today in Chișinău (contracts end on a local calendar day)."""
    return datetime.now(_TZ).date()


def max_scan_size() -> int:
    if has_app_context():
        return int(current_app.config.get("DONORS_MAX_SCAN_SIZE", MAX_SCAN_SIZE))
    return MAX_SCAN_SIZE


# --------------------------------------------------------------------------- reading


def profile_query():
    """Profiles with their partners, restricted to a portal user's own organisation."""
    stmt = select(DonorProfile).join(DonorProfile.partner)
    return scope_to_partner(stmt, DonorProfile.partner_id)


def get_profile(session: Session, partner_id: int) -> DonorProfile | None:
    """The partner's donor profile, or None (also when a portal user may not see it)."""
    ensure(VIEW)
    return session.scalar(profile_query().where(DonorProfile.partner_id == partner_id))


def get_partner(session: Session, partner_id: int) -> Partner | None:
    """The partner, or None when it does not exist or a portal user may not see it."""
    stmt = scope_to_partner(select(Partner).where(Partner.id == partner_id), Partner.id)
    return session.scalar(stmt)


def contracts_to_renew(session: Session, on: date, limit: int = 10) -> list[DonorProfile]:
    """Active donors whose framework contract has expired or expires within the warning
    period, the soonest first (what the accountant should renew)."""
    ensure(VIEW)
    soon = on + timedelta(days=EXPIRY_WARNING_DAYS)
    stmt = (profile_query()
            .where(DonorProfile.active.is_(True), DonorProfile.contract_number.is_not(None),
                   DonorProfile.contract_number != "",
                   DonorProfile.contract_valid_until <= soon)
            .order_by(DonorProfile.contract_valid_until, DonorProfile.id)
            .limit(limit))
    return list(session.scalars(stmt))


# --------------------------------------------------------------------------- checks


def _text(data: dict, key: str) -> str:
    return str(data.get(key) or "").strip()


def _amount(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        raise ValueError(_("Enter an amount in lei, e.g. 12500.00."))
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("Enter an amount in lei, e.g. 12500.00.")) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(_("The amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("At most two decimals (bani)."))
    if amount >= Decimal("10000000000000"):
        raise ValueError(_("The amount is too large."))
    return amount.quantize(Decimal("0.01"))


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(_("Enter a date as dd.mm.yyyy.")) from None


def check_profile_fields(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate and normalise profile fields without touching the database.

    Returns (clean values, errors by field); only keys present in ``data`` are cleaned, and the
    rules across fields (dates, limits) use the values given together.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in PROFILE_FIELDS:
        if key not in data:
            continue
        try:
            if key == "donor_type":
                value = _text(data, key)
                if value not in DONOR_TYPES:
                    raise ValueError(_("Choose a donor type."))
            elif key == "document_language":
                value = _text(data, key) or "ro"
                if value not in DOCUMENT_LANGUAGES:
                    raise ValueError(_("Choose Romanian, Russian or English."))
            elif key in ("contract_date", "contract_valid_until"):
                value = _date(data.get(key))
            elif key in ("annual_limit", "monthly_limit"):
                value = _amount(data.get(key))
            elif key == "contact_email":
                value = clean_email(data.get(key))
            elif key == "active":
                value = bool(data.get(key))
            elif key in ("contact_name", "notes"):
                value = _text(data, key)
            else:  # contract_number, contact_phone: optional text
                value = _text(data, key) or None
            limit = _LENGTHS.get(key)
            if limit and value and len(value) > limit:
                raise ValueError(_("At most %(n)d characters.", n=limit))
        except ValueError as exc:
            errors[key] = str(exc)
        else:
            clean[key] = value
    _check_across_fields(clean, errors)
    return clean, errors


def _check_across_fields(clean: dict, errors: dict) -> None:
    start, end = clean.get("contract_date"), clean.get("contract_valid_until")
    if start and end and end < start:
        errors["contract_valid_until"] = _(
            "The contract cannot end before it starts (%(date)s).",
            date=start.strftime("%d.%m.%Y"))
    if (start or end) and not clean.get("contract_number") and "contract_number" in clean:
        errors["contract_number"] = _("Enter the contract number, or leave its dates empty.")
    annual, monthly = clean.get("annual_limit"), clean.get("monthly_limit")
    if annual is not None and monthly is not None and monthly > annual:
        errors["monthly_limit"] = _(
            "The monthly limit cannot be above the annual limit (%(annual)s).",
            annual=format_money(annual))


def scan_content_type(data: bytes) -> str | None:
    """``application/pdf``, ``image/jpeg`` or ``image/png`` by the file's magic bytes."""
    for magic, content_type in SCAN_TYPES:
        if data.startswith(magic):
            return content_type
    return None


def check_scan(filename: str, data: bytes) -> dict[str, str]:
    """The scan's metadata, or DonorInvalid({'contract_scan': message})."""
    limit = max_scan_size()
    if not data:
        raise DonorInvalid({"contract_scan": _("The file is empty.")})
    if len(data) > limit:
        raise DonorInvalid({"contract_scan": _(
            "The file is too large: at most %(size)d MB.", size=max(1, limit // (1024 * 1024)))})
    content_type = scan_content_type(data)
    if content_type is None:
        raise DonorInvalid({"contract_scan": _(
            "This file is not a PDF, JPEG or PNG: upload the scan of the signed contract.")})
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
    return {"filename": name or "contract", "content_type": content_type}


# --------------------------------------------------------------------------- changes


def save_profile(session: Session, partner: Partner, *, scan: tuple[str, bytes] | None = None,
                 **fields) -> DonorProfile:
    """Create ``partner``'s donor profile, or update it with the given fields.

    ``scan`` is an optional (filename, bytes) of the contract scan, stored with the profile in
    the same operation; any error (a field or the file) saves nothing.
    """
    ensure(EDIT)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown donor profile fields: {sorted(unknown)}")
    profile = session.scalar(select(DonorProfile).where(DonorProfile.partner_id == partner.id))
    current = {} if profile is None else {k: getattr(profile, k) for k in PROFILE_FIELDS}
    if profile is None:
        fields = {"donor_type": "", **fields}
    clean, errors = check_profile_fields({**current, **fields})
    scan_meta = None
    if scan is not None:
        try:
            scan_meta = check_scan(*scan)
        except DonorInvalid as exc:
            errors.update(exc.errors)
    if errors:
        raise DonorInvalid(errors)
    new = profile is None
    if new:
        profile = DonorProfile(partner_id=partner.id)

    def change() -> None:
        if new:
            session.add(profile)
        for key, value in clean.items():
            setattr(profile, key, value)
        if scan_meta is not None:
            _store_scan(profile, scan_meta, scan[1])

    try:
        # A savepoint: two people making the same partner a donor at once meet the unique
        # constraint; the second gets a message instead of a broken transaction.
        with session.begin_nested():
            change()
            session.flush()
    except IntegrityError:
        raise DonorInvalid({"donor_type": _(
            "%(name)s is already a donor: reload the page to see its profile.",
            name=partner.name)}) from None
    return profile


def upload_scan(session: Session, profile: DonorProfile, filename: str,
                data: bytes) -> DonorProfile:
    """Store (or replace) the contract scan: a PDF, JPEG or PNG checked by its magic bytes."""
    ensure(EDIT)
    meta = check_scan(filename, data)
    _store_scan(profile, meta, data)
    session.flush()
    return profile


def _store_scan(profile: DonorProfile, meta: dict[str, str], data: bytes) -> None:
    profile.scan_filename = meta["filename"]
    profile.scan_content_type = meta["content_type"]
    profile.scan_size = len(data)
    profile.scan_sha256 = hashlib.sha256(data).hexdigest()
    profile.scan_data = data
    profile.scan_uploaded_at = utcnow()


def remove_scan(session: Session, profile: DonorProfile) -> DonorProfile:
    ensure(EDIT)
    for key in ("scan_filename", "scan_content_type", "scan_size", "scan_sha256", "scan_data",
                "scan_uploaded_at"):
        setattr(profile, key, None)
    session.flush()
    return profile


def scan_bytes(session: Session, partner_id: int) -> tuple[DonorProfile, bytes] | None:
    """The profile and its scan's bytes for a download, or None (no profile, no scan, or a
    portal user asking for another donor's)."""
    profile = get_profile(session, partner_id)
    if profile is None or not profile.has_scan:
        return None
    data = profile.scan_data
    if data is None:
        return None
    return profile, data


def export_row(profile: DonorProfile, on: date) -> list:
    partner = profile.partner
    return [partner.name, partner.idno, profile.donor_type, profile.contract_number,
            profile.contract_date, profile.contract_valid_until, profile.contract_state(on),
            profile.document_language, profile.contact_name, profile.contact_email,
            profile.contact_phone, profile.annual_limit, profile.monthly_limit,
            profile.active]


EXPORT_HEADERS = ("partner", "idno", "donor_type", "contract_number", "contract_date",
                  "contract_valid_until", "contract_state", "document_language",
                  "contact_name", "contact_email", "contact_phone", "annual_limit",
                  "monthly_limit", "active")
