"""Core's partner contributions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem


@hookimpl
def register_blueprints(app):
    from core.partners.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [MenuItem(_l("Partners"), "partners.index", "core.partners.view", order=10)]
