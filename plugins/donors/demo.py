"""Demo donor profiles for the donor partners core's demo creates (found by IDNO)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.demo import PARTNERS, demo_idno
from core.partners.models import Partner
from plugins.donors.models import DonorProfile

#: partner type in core's demo -> the profile it gets
PROFILES = {
    "retailer": dict(donor_type="retailer", contract_number="BA-2026/01",
                     contract_date=date(2026, 1, 15), contract_valid_until=date(2027, 1, 14),
                     document_language="ro", contact_name="Andrei Lungu",
                     contact_email="contabilitate@supermarket1.example.md",
                     contact_phone="+373 22 111 222", annual_limit=Decimal("600000.00"),
                     monthly_limit=Decimal("60000.00")),
    "producer": dict(donor_type="producer", contract_number="BA-2026/02",
                     contract_date=date(2026, 2, 1), contract_valid_until=date(2026, 12, 31),
                     document_language="ru", contact_name="Olga Țurcan",
                     contact_email="olga.turcan@lactate.example.md",
                     contact_phone="+373 230 22 333", annual_limit=Decimal("240000.00"),
                     monthly_limit=Decimal("25000.00")),
    "farmer": dict(donor_type="farmer", contract_number="BA-2025/17",
                   contract_date=date(2025, 9, 1), contract_valid_until=date(2026, 8, 31),
                   document_language="ro", contact_name="Vasile Ionescu",
                   contact_email=None, contact_phone="+373 235 44 555",
                   annual_limit=None, monthly_limit=None),
}


def load_demo(session: Session) -> list[str]:
    """Idempotent: a partner that already has a profile is left as it is."""
    created = 0
    for row in PARTNERS:
        ptype, stem = row[0], row[3]
        if ptype not in PROFILES:
            continue
        partner = session.scalar(select(Partner).where(Partner.idno == demo_idno(stem)))
        if partner is None:
            continue
        exists = session.scalar(select(DonorProfile.id)
                                .where(DonorProfile.partner_id == partner.id))
        if exists is not None:
            continue
        session.add(DonorProfile(partner=partner, notes="", active=True, **PROFILES[ptype]))
        created += 1
    session.flush()
    return [f"{created} donor profiles"]
