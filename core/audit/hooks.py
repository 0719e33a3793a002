"""Core's audit-log contributions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem, Widget


@hookimpl
def register_blueprints(app):
    from core.audit.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [MenuItem(_l("Audit log"), "audit.index", "core.audit.view", order=920,
                     group=_l("Administration"))]


@hookimpl
def dashboard_widgets(user):
    from sqlalchemy import select

    from core.audit.models import AuditEntry
    from core.auth.gate import has_permission
    from core.db import db

    if not has_permission("core.audit.view"):
        return []
    latest = db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(5)).all()
    return [Widget(_l("Recent changes"), "core/audit/widget.html", {"entries": latest},
                   "core.audit.view", order=90)]
