"""What other plugins may call (compliance, later): donor profiles and limits as plain data.

No ORM objects leave this module. The caller checks its own permissions; a portal user still
sees only its own organisation (``scope_to_partner``), so another donor's profile is None.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.db import db
from plugins.donors import services
from plugins.donors.models import DonorProfile


@dataclass(frozen=True)
class DonorLimits:
    """The limits a donor approved for food donations (Law 299 art. 12), in lei; None = none."""

    partner_id: int
    annual: Decimal | None
    monthly: Decimal | None


@dataclass(frozen=True)
class DonorProfileData:
    partner_id: int
    partner_name: str
    idno: str | None
    donor_type: str
    contract_number: str | None
    contract_date: date | None
    contract_valid_until: date | None
    contract_state: str  # "valid", "expiring", "expired" or "none"
    has_contract_scan: bool
    document_language: str  # "ro", "ru" or "en"
    contact_name: str
    contact_email: str | None
    contact_phone: str | None
    annual_limit: Decimal | None
    monthly_limit: Decimal | None
    active: bool


def _profile(partner_id: int) -> DonorProfile | None:
    return db.session.scalar(
        services.profile_query().where(DonorProfile.partner_id == partner_id))


def donor_profile(partner_id: int, on: date | None = None) -> DonorProfileData | None:
    """The donor profile of partner ``partner_id`` (contract state as of ``on``, default
    today in Chișinău), or None when the partner is not a donor."""
    profile = _profile(partner_id)
    if profile is None:
        return None
    partner = profile.partner
    return DonorProfileData(
        partner_id=profile.partner_id, partner_name=partner.name, idno=partner.idno,
        donor_type=profile.donor_type, contract_number=profile.contract_number,
        contract_date=profile.contract_date, contract_valid_until=profile.contract_valid_until,
        contract_state=profile.contract_state(on or services.today()),
        has_contract_scan=profile.has_scan, document_language=profile.document_language,
        contact_name=profile.contact_name, contact_email=profile.contact_email,
        contact_phone=profile.contact_phone, annual_limit=profile.annual_limit,
        monthly_limit=profile.monthly_limit, active=profile.active,
    )


def limits(partner_id: int) -> DonorLimits | None:
    """The donor's annual and monthly limits, or None when the partner is not a donor."""
    profile = _profile(partner_id)
    if profile is None:
        return None
    return DonorLimits(partner_id=partner_id, annual=profile.annual_limit,
                       monthly=profile.monthly_limit)
