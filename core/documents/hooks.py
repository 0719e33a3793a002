"""Core's documents contributions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem, Widget


@hookimpl
def register_blueprints(app):
    from core.documents.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [MenuItem(_l("Documents"), "documents.index", "core.documents.view", order=800)]


@hookimpl
def dashboard_widgets(user):
    from sqlalchemy import select

    from core.auth.gate import has_permission, scope_to_partner
    from core.db import db
    from core.documents.models import IssuedDocument

    if not has_permission("core.documents.view"):
        return []
    stmt = scope_to_partner(select(IssuedDocument), IssuedDocument.partner_id)
    latest = db.session.scalars(
        stmt.order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()).limit(5)).all()
    return [Widget(_l("Recent documents"), "core/documents/widget.html", {"documents": latest},
                   "core.documents.view", order=20)]
