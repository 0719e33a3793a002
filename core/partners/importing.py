"""Checking a partner import before anything is written.

An import file has the columns of the partner export (``PARTNER_FIELDS``); ``type`` and ``name``
are required, other columns are optional, unknown columns are ignored (and shown as such).
:func:`check_table` reports every problem of every row at once, so the user fixes the file in
one go; :func:`core.partners.services.import_rows` writes only a file without problems.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.partners.models import PARTNER_TYPES, Partner
from core.partners.services import PARTNER_FIELDS, check_partner_fields, duplicate_idno_message
from core.tabular import Table, TableRow, parse_bool

REQUIRED_COLUMNS = ("type", "name")
_CHUNK = 500  # IDNOs looked up per query


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
    columns: list[str] = field(default_factory=list)  # the file's partner columns, in order

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportInvalid(ValueError):
    """The file has problems; ``check.errors`` lists all of them. Nothing was imported."""

    def __init__(self, check: ImportCheck):
        super().__init__(f"{len(check.errors)} errors in the import file")
        self.check = check


def _type_codes() -> dict[str, str]:
    """Accepted spellings of a type: its code, or its label in the current language."""
    accepted = {code.lower(): code for code in PARTNER_TYPES}
    for code, label in PARTNER_TYPES.items():
        accepted.setdefault(str(label).strip().lower(), code)
    return accepted


def _check_row(row: TableRow, columns: list[str], types: dict[str, str]) \
        -> tuple[dict[str, Any], list[RowError]]:
    errors: list[RowError] = []
    data: dict[str, Any] = {key: row.get(key, "") for key in PARTNER_FIELDS if key in columns}
    data["type"] = types.get(data["type"].strip().lower(), data["type"].strip())
    if "archived" in data:
        try:
            data["archived"] = parse_bool(data["archived"])
        except ValueError:
            errors.append(RowError(row.number, "archived", _(
                "Write yes or no, not %(value)s.", value=row.get("archived"))))
            data["archived"] = False
    clean, field_errors = check_partner_fields(data)
    for key in PARTNER_FIELDS:  # errors in column order
        if key in field_errors:
            errors.append(RowError(row.number, key, field_errors[key]))
    return clean, errors


def _existing_idnos(session: Session, idnos: list[str]) -> dict[str, str]:
    """IDNO -> partner name for those already in the database."""
    found: dict[str, str] = {}
    for start in range(0, len(idnos), _CHUNK):
        chunk = idnos[start:start + _CHUNK]
        found.update(session.execute(
            select(Partner.idno, Partner.name).where(Partner.idno.in_(chunk))).all())
    return found


def check_table(session: Session, table: Table) -> ImportCheck:
    """Check every row of ``table`` (from ``core.tabular.read_table``); writes nothing."""
    check = ImportCheck()
    columns = list(getattr(table, "columns", None) or (list(table[0]) if table else []))
    check.ignored_columns = [c for c in columns if c not in PARTNER_FIELDS]
    check.columns = [c for c in PARTNER_FIELDS if c in columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    for column in missing:
        check.errors.append(RowError(1, column, _(
            "The column %(name)s is missing from the header.", name=column)))
    if missing:
        return check
    if not table:
        check.errors.append(RowError(0, "", _("The file has a header but no rows.")))
        return check

    types = _type_codes()
    first_row_of: dict[str, int] = {}
    for row in table:
        clean, errors = _check_row(row, columns, types)
        check.errors.extend(errors)
        idno = clean.get("idno")
        if idno and not any(e.column == "idno" for e in errors):
            if idno in first_row_of:
                check.errors.append(RowError(row.number, "idno", _(
                    "IDNO %(idno)s appears twice in the file (also row %(row)d).",
                    idno=idno, row=first_row_of[idno])))
            else:
                first_row_of[idno] = row.number
        check.rows.append(CheckedRow(row.number, clean))

    existing = _existing_idnos(session, list(first_row_of))
    for idno, name in existing.items():
        check.errors.append(RowError(first_row_of[idno], "idno",
                                     duplicate_idno_message(idno, name)))
    check.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
    return check


def _column_order(column: str) -> int:
    return PARTNER_FIELDS.index(column) if column in PARTNER_FIELDS else len(PARTNER_FIELDS)
