"""Issued documents: list, detail, download (identical reprint), cancel."""
from __future__ import annotations

import io
import logging
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.auth.gate import require, scope_to_partner
from core.db import db
from core.documents import service
from core.documents.forms import CancelForm
from core.documents.models import STATUS_LABELS, IssuedDocument
from core.tabular import export_response
from core.web.listing import paginate, sorted_by

log = logging.getLogger(__name__)

bp = Blueprint("documents", __name__, url_prefix="/documents", template_folder="../templates")

SORTS = {
    "number": IssuedDocument.number,
    "type": IssuedDocument.doc_type,
    "title": IssuedDocument.title,
    "date": IssuedDocument.doc_date,
    "issued": IssuedDocument.issued_at,
    "status": IssuedDocument.status,
}
DEFAULT_SORT = "-issued"


def _visible(stmt):
    """Portal users see only their own organisation's documents."""
    return scope_to_partner(stmt, IssuedDocument.partner_id)


def _parse_date(value: str | None):
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value or "", fmt).date()
        except ValueError:
            continue
    return None


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(args):
    stmt = _visible(select(IssuedDocument))
    if args.get("type"):
        stmt = stmt.where(IssuedDocument.doc_type == args["type"])
    if args.get("status") in STATUS_LABELS:
        stmt = stmt.where(IssuedDocument.status == args["status"])
    q = (args.get("q") or "").strip()
    if q:
        stmt = stmt.where(IssuedDocument.number.ilike(f"%{_like_escape(q)}%", escape="\\"))
    since, until = _parse_date(args.get("since")), _parse_date(args.get("until"))
    if since:
        stmt = stmt.where(IssuedDocument.doc_date >= since)
    if until:
        stmt = stmt.where(IssuedDocument.doc_date <= until)
    stmt = sorted_by(stmt, SORTS, DEFAULT_SORT).order_by(IssuedDocument.id.desc())
    return stmt.options(selectinload(IssuedDocument.partner))


def _load(document_id: int) -> IssuedDocument:
    document = db.session.scalar(
        _visible(select(IssuedDocument).where(IssuedDocument.id == document_id)))
    if document is None:
        abort(404)
    return document


@bp.route("/")
@require("core.documents.view")
def index():
    args = request.args
    stmt = _filtered(args)
    types = db.session.scalars(
        _visible(select(IssuedDocument.doc_type)).distinct().order_by(IssuedDocument.doc_type)
    ).all()
    page = paginate(db.session, stmt)
    return render_template("core/documents/index.html", page=page, types=types, args=args,
                           statuses=STATUS_LABELS, default_sort=DEFAULT_SORT)


EXPORT_HEADERS = ("number", "type", "title", "date", "partner", "status", "issued_at",
                  "issued_by", "cancelled_at", "cancelled_by", "cancel_reason", "sha256")


@bp.route("/export")
@require("core.documents.view")
def export():
    """The filtered list (all pages) as CSV or XLSX, with the same partner scope as the list."""
    fmt = request.args.get("fmt", "csv")
    stmt = _filtered(request.args)

    def local(moment):
        return to_user_timezone(moment) if moment is not None else None

    def rows():
        for d in db.session.scalars(stmt.execution_options(yield_per=500)):
            yield (d.number, d.doc_type, d.title, d.doc_date,
                   d.partner.name if d.partner else "", d.status_label, local(d.issued_at),
                   d.issued_by_name, local(d.cancelled_at), d.cancelled_by_name or "",
                   d.cancel_reason or "", d.sha256)

    return export_response("documents", EXPORT_HEADERS, rows, fmt)


@bp.route("/<int:document_id>")
@require("core.documents.view")
def detail(document_id: int):
    document = _load(document_id)
    return render_template("core/documents/detail.html", document=document,
                           replaced_by=service.replaced_by(db.session, document))


@bp.route("/<int:document_id>/pdf")
@require("core.documents.view")
def download(document_id: int):
    document = _load(document_id)
    try:
        pdf = service.reprint(document)
    except service.DocumentIntegrityError as exc:
        log.error("stored PDF of document %s (id %s) fails its SHA-256 check",
                  document.number, document.id)
        flash(str(exc), "error")
        return redirect(url_for("documents.detail", document_id=document.id))
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf",
                         as_attachment=not request.args.get("inline"),
                         download_name=document.filename, etag=document.sha256,
                         last_modified=document.issued_at, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/<int:document_id>/cancel", methods=["GET", "POST"])
@require("core.documents.cancel")
def cancel(document_id: int):
    document = _load(document_id)
    if document.is_cancelled:
        flash(_("Document %(number)s is already cancelled.", number=document.number), "info")
        return redirect(url_for("documents.detail", document_id=document.id))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            service.cancel(db.session, document, form.reason.data)
        except service.DocumentError as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Document %(number)s is cancelled; it stays on record.",
                    number=document.number), "success")
            return redirect(url_for("documents.detail", document_id=document.id))
    status = 400 if request.method == "POST" else 200
    return render_template("core/documents/cancel.html", document=document, form=form), status
