"""Issued documents: list, download (identical reprint), cancel."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from core.auth.gate import require, scope_to_partner
from core.db import db
from core.documents.models import IssuedDocument
from core.web.listing import paginate

bp = Blueprint("documents", __name__, url_prefix="/documents", template_folder="../templates")


@bp.route("/")
@require("core.documents.view")
def index():
    stmt = scope_to_partner(select(IssuedDocument).order_by(IssuedDocument.issued_at.desc()),
                            IssuedDocument.partner_id)
    page = paginate(db.session, stmt)
    return render_template("core/documents/index.html", page=page)
