"""Core's demo data: the Food Bank, partners, donors and one user per role."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum import iban as iban_check
from stdnum.md import idno as idno_check

from core.auth.models import Role, User
from core.partners.models import Partner, PartnerAddress, PartnerContact
from core.settings import get_setting, set_setting

DEMO_PASSWORD = "demo1234"
DEMO_LOGINS = [
    ("admin", DEMO_PASSWORD, "administrator"),
    ("clerk", DEMO_PASSWORD, "warehouse_clerk"),
    ("accountant", DEMO_PASSWORD, "accountant"),
    ("canteen", DEMO_PASSWORD, "canteen_manager"),
    ("partner", DEMO_PASSWORD, "partner_coordinator"),
    ("donor", DEMO_PASSWORD, "donor"),
]


def demo_idno(stem: str) -> str:
    """A 13-digit IDNO with a valid check digit, from a 12-digit stem."""
    return stem + idno_check.calc_check_digit(stem)


def demo_iban(bank_and_account: str) -> str:
    body = bank_and_account
    check = iban_check.calc_check_digits("MD00" + body)
    return f"MD{check}{body}"


PARTNERS = [
    # (type, name, legal name, idno stem, city, street, contact, position)
    ("food_bank", "Banca de Alimente", "Asociația Obștească „Banca de Alimente”",
     "100360001234", "Chișinău", "str. Ismail 33", "Elena Rusu", "Directoare"),
    ("ngo", "Concordia. Proiecte Sociale", "A.O. „Concordia. Proiecte Sociale”",
     "100360005678", "Chișinău", "str. Alexei Mateevici 109/1", "Ion Ceban", "Coordonator"),
    ("canteen_operator", "Cantina socială Bălți", "A.O. „Speranța Nordului”",
     "100360009012", "Bălți", "str. Independenței 12", "Maria Popa", "Manager cantină"),
    ("retailer", "Supermarket Nr. 1 SRL", "„Supermarket Nr. 1” S.R.L.",
     "100360003456", "Chișinău", "bd. Ștefan cel Mare și Sfânt 8", "Andrei Lungu",
     "Director comercial"),
    ("producer", "Lactate de Nord SA", "„Lactate de Nord” S.A.",
     "100360007890", "Soroca", "str. Ștefan cel Mare 55", "Olga Țurcan", "Contabil-șef"),
    ("farmer", "GȚ Ionescu Vasile", "Gospodăria Țărănească „Ionescu Vasile”",
     "100360002468", "Orhei", "s. Peresecina", "Vasile Ionescu", "Conducător"),
    ("public_authority", "Primăria mun. Chișinău", "Primăria municipiului Chișinău",
     "100360008642", "Chișinău", "bd. Ștefan cel Mare și Sfânt 83", "Direcția asistență socială",
     ""),
]


def demo_loaded(session: Session) -> bool:
    return bool(get_setting(session, "demo.loaded"))


def has_real_data(session: Session) -> bool:
    """True when users or partners exist that demo data did not create."""
    if demo_loaded(session):
        return False
    users = session.scalar(select(func.count()).select_from(User))
    partners = session.scalar(select(func.count()).select_from(Partner))
    return bool(users or partners)


def mark_demo_loaded(session: Session) -> None:
    set_setting(session, "demo.loaded", True)


def _partner(session: Session, row) -> tuple[Partner, bool]:
    ptype, name, legal, stem, city, street, contact, position = row
    idno = demo_idno(stem)
    partner = session.scalar(select(Partner).where(Partner.idno == idno))
    if partner is not None:
        return partner, False
    partner = Partner(type=ptype, name=name, legal_name=legal, idno=idno,
                      iban=demo_iban(f"AG{stem[-6:]}{stem[:6]}000001"[:20]),
                      email=f"office@{stem[-4:]}.example.md", phone="+373 22 000 000")
    partner.addresses.append(PartnerAddress(kind="legal", street=street, city=city))
    partner.contacts.append(PartnerContact(name=contact, position=position,
                                           email=f"contact@{stem[-4:]}.example.md"))
    session.add(partner)
    return partner, True


def load_core_demo(session: Session) -> list[str]:
    created = 0
    partners = {}
    for row in PARTNERS:
        partner, new = _partner(session, row)
        partners[partner.type] = partner
        created += new
    session.flush()
    roles = {r.code: r for r in session.scalars(select(Role))}
    users = 0
    for username, password, role_code in DEMO_LOGINS:
        if session.scalar(select(User.id).where(User.username == username)):
            continue
        user = User(username=username, full_name=username.capitalize() + " (demo)")
        user.set_password(password)
        if role_code in roles:
            user.roles = [roles[role_code]]
        if role_code == "partner_coordinator":
            user.partner_id = partners["ngo"].id
        elif role_code == "donor":
            user.partner_id = partners["retailer"].id
        session.add(user)
        users += 1
    session.flush()
    return [f"{created} partners", f"{users} users"]
