"""Demo data: the five social canteens of "Concordia. Proiecte Sociale" and their beneficiaries.

Idempotent: canteens are found by name and operator, beneficiaries by IDNP.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.md import idno as idno_check

from core.partners.models import Partner
from plugins.canteen.models import Beneficiary, Canteen, CanteenClosure, CanteenYearSettings

CANTEENS = [
    # (name, address, capacity, opening days)
    ("Cantina socială Concordia Botanica", "Chișinău, bd. Dacia 20", 80, "12345"),
    ("Cantina socială Concordia Ciocana", "Chișinău, str. Mihai Sadoveanu 14", 60, "12345"),
    ("Cantina socială Concordia Buiucani", "Chișinău, str. Alba Iulia 75", 60, "12345"),
    ("Cantina socială Concordia Orhei", "Orhei, str. Vasile Mahu 122", 50, "123456"),
    ("Cantina socială Concordia Ungheni", "Ungheni, str. Națională 9", 50, "12345"),
]

PEOPLE = [
    # (last, first, birth date, category, degree, income, delivery reason)
    ("Popescu", "Ion", date(1941, 3, 12), "pensioner", None, "1850.00", ""),
    ("Rusu", "Maria", date(1939, 11, 2), "pensioner", None, "1620.50", "Imobilizată la pat"),
    ("Ceban", "Vasile", date(1947, 6, 25), "disability", "severe", "1400.00",
     "Se deplasează cu dificultate"),
    ("Lungu", "Elena", date(1944, 1, 30), "pensioner", None, "2100.00", ""),
    ("Cojocaru", "Gheorghe", date(1950, 9, 9), "pensioner", None, "2300.00", ""),
    ("Munteanu", "Ana", date(2014, 4, 17), "child", None, "900.00", ""),
    ("Țurcan", "Nicolae", date(1958, 12, 1), "homeless", None, "0.00", ""),
    ("Moraru", "Valentina", date(1943, 8, 14), "pensioner", None, "1750.00", ""),
    ("Rotari", "Petru", date(1962, 2, 5), "disability", "accentuated", "1950.00", ""),
    ("Ciobanu", "Tatiana", date(1946, 7, 21), "pensioner", None, "1680.00", ""),
    ("Botnaru", "Mihail", date(1940, 5, 3), "pensioner", None, "1590.00", "Vârstă înaintată"),
    ("Sîrbu", "Lidia", date(1952, 10, 11), "disability", "medium", "2050.00", ""),
    ("Guțu", "Andrei", date(2012, 3, 8), "child", None, "850.00", ""),
    ("Bălan", "Eugenia", date(1938, 12, 24), "pensioner", None, "1500.00", ""),
    ("Melnic", "Serghei", date(1955, 4, 2), "homeless", None, "0.00", ""),
    ("Crețu", "Zinaida", date(1945, 6, 6), "pensioner", None, "1720.00", ""),
    ("Ursu", "Dumitru", date(1949, 9, 19), "pensioner", None, "1880.00", ""),
    ("Istrati", "Galina", date(1951, 1, 15), "disability", "severe", "1300.00",
     "Deficiențe de vedere"),
    ("Vrabie", "Ilie", date(1942, 2, 28), "pensioner", None, "1610.00", ""),
    ("Grosu", "Natalia", date(2015, 8, 30), "child", None, "700.00", ""),
    ("Plămădeală", "Vera", date(1937, 3, 3), "pensioner", None, "1450.00", ""),
    ("Cebotari", "Victor", date(1960, 11, 12), "other", None, "1200.00", ""),
    ("Scutaru", "Raisa", date(1944, 5, 27), "pensioner", None, "1790.00", ""),
    ("Donică", "Alexandru", date(1953, 7, 7), "disability", "accentuated", "1560.00", ""),
    ("Bivol", "Olga", date(1948, 4, 9), "pensioner", None, "1830.00", ""),
    ("Stratan", "Tudor", date(1957, 10, 20), "homeless", None, "0.00", ""),
    ("Ababii", "Ecaterina", date(1941, 12, 13), "pensioner", None, "1660.00", ""),
    ("Arseni", "Vladimir", date(1946, 6, 18), "pensioner", None, "1710.00", ""),
    ("Caraman", "Doina", date(2013, 9, 1), "child", None, "800.00", ""),
    ("Leahu", "Pavel", date(1950, 2, 22), "pensioner", None, "1940.00", ""),
]


def demo_idnp(index: int) -> str:
    """A 13-digit IDNP with a valid (7-3-1) check digit."""
    stem = f"2002{index:08d}"
    return stem + idno_check.calc_check_digit(stem)


def _canteens(session: Session, operator: Partner) -> tuple[list[Canteen], int]:
    created, canteens = 0, []
    for name, address, capacity, days in CANTEENS:
        canteen = session.scalar(select(Canteen).where(Canteen.name == name,
                                                       Canteen.operator_id == operator.id))
        if canteen is None:
            canteen = Canteen(name=name, operator=operator, address=address, capacity=capacity,
                              opening_days=days, notes="")
            year = date.today().year
            canteen.settings.append(CanteenYearSettings(
                year=year, daily_allowance=Decimal("28.00"), min_kcal=1000))
            canteen.closures.append(CanteenClosure(
                start_date=date(year, 12, 31), end_date=date(year + 1, 1, 2),
                reason="Sărbătorile de iarnă"))
            session.add(canteen)
            created += 1
        canteens.append(canteen)
    session.flush()
    return canteens, created


def load_demo(session: Session) -> list[str]:
    operator = session.scalar(select(Partner).where(Partner.type == "ngo")
                              .order_by(Partner.id).limit(1))
    if operator is None:
        return ["no NGO partner: canteens not loaded"]
    canteens, created = _canteens(session, operator)
    people = 0
    for index, (last, first, born, category, degree, income, delivery) in enumerate(PEOPLE):
        idnp = demo_idnp(index + 1)
        if session.scalar(select(Beneficiary.id).where(Beneficiary.idnp == idnp)):
            continue
        session.add(Beneficiary(
            canteen=canteens[index % len(canteens)], first_name=first, last_name=last,
            idnp=idnp, birth_date=born, address="", phone=None, category=category,
            disability_degree=degree, household_size=1 if category != "child" else 4,
            monthly_income=Decimal(income), enquiry_number=f"AS-{2026}-{index + 1:03d}",
            enquiry_date=date(2026, 1, 15), enquiry_issuer="Direcția asistență socială",
            home_delivery=bool(delivery), home_delivery_reason=delivery, allergies_diet="",
            lawful_basis="consent" if index % 3 else "legal_obligation",
            consent_date=date(2026, 1, 15) if index % 3 else None,
            status="active" if index % 10 else "applicant", notes=""))
        people += 1
    session.flush()
    return [f"{created} canteens", f"{people} beneficiaries"]
