"""Partner pages (list, detail, edit, import, export)."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from core.auth.gate import require, scope_to_partner
from core.db import db
from core.partners.models import Partner
from core.web.listing import paginate

bp = Blueprint("partners", __name__, url_prefix="/partners", template_folder="../templates")


@bp.route("/")
@require("core.partners.view")
def index():
    stmt = scope_to_partner(select(Partner).order_by(Partner.name), Partner.id)
    page = paginate(db.session, stmt)
    return render_template("core/partners/index.html", page=page)
