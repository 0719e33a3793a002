"""Core's audit-log contributions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem


@hookimpl
def register_blueprints(app):
    from core.audit.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [MenuItem(_l("Audit log"), "audit.index", "core.audit.view", order=920,
                     group=_l("Administration"))]
