"""Core's partner contributions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem, Widget


@hookimpl
def register_blueprints(app):
    from core.partners.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [MenuItem(_l("Partners"), "partners.index", "core.partners.view", order=10)]


@hookimpl
def dashboard_widgets(user):
    from sqlalchemy import func, select

    from core.auth.gate import has_permission, scope_to_partner
    from core.db import db
    from core.partners.models import PARTNER_TYPES, Partner

    if not has_permission("core.partners.view"):
        return []
    stmt = scope_to_partner(
        select(Partner.type, func.count()).where(Partner.archived.is_(False))
        .group_by(Partner.type), Partner.id)
    counts = sorted(((str(PARTNER_TYPES.get(t, t)), n) for t, n in db.session.execute(stmt)),
                    key=lambda row: -row[1])
    return [Widget(_l("Partners by type"), "core/partners/widget.html", {"counts": counts},
                   "core.partners.view", order=10)]
