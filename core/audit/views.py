"""The audit log: a global filtered view and the history of one record. Read-only."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_babel import to_user_timezone
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.gate import require
from core.db import db
from core.tabular import export_response
from core.web.listing import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit", template_folder="../templates")


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


EXPORT_HEADERS = ("at", "user", "action", "table", "record_id", "changes")


def _filtered(args):
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if args.get("table"):
        stmt = stmt.where(AuditEntry.table_name == args["table"])
    if args.get("record_id"):
        stmt = stmt.where(AuditEntry.record_id == args["record_id"])
    if args.get("user"):
        stmt = stmt.where(AuditEntry.username == args["user"])
    if args.get("action") in ("insert", "update", "delete"):
        stmt = stmt.where(AuditEntry.action == args["action"])
    since, until = _parse_date(args.get("since")), _parse_date(args.get("until"))
    if since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, time(), UTC))
    if until:
        stmt = stmt.where(
            AuditEntry.at < datetime.combine(until + timedelta(days=1), time(), UTC))
    return stmt


@bp.route("/")
@require("core.audit.view")
def index():
    args = request.args
    stmt = _filtered(args)
    tables = db.session.scalars(
        select(AuditEntry.table_name).distinct().order_by(AuditEntry.table_name)).all()
    page = paginate(db.session, stmt, per_page=50)
    return render_template("core/audit/index.html", page=page, tables=tables, args=args)


@bp.route("/<table>/<record_id>")
@require("core.audit.view")
def record(table: str, record_id: str):
    stmt = (select(AuditEntry)
            .where(AuditEntry.table_name == table, AuditEntry.record_id == str(record_id))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    page = paginate(db.session, stmt, per_page=50)
    return render_template("core/audit/record.html", page=page, table=table,
                           record_id=record_id)


@bp.route("/export")
@require("core.audit.view")
def export():
    """The filtered log (all pages) as CSV or XLSX; changes as JSON text."""
    stmt = _filtered(request.args)

    def rows():
        for e in db.session.scalars(stmt.execution_options(yield_per=1000)):
            yield (to_user_timezone(e.at), e.username, e.action, e.table_name, e.record_id,
                   json.dumps(e.changes, ensure_ascii=False, sort_keys=True))

    return export_response("audit-log", EXPORT_HEADERS, rows, request.args.get("fmt", "csv"))
