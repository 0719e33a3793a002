"""Core's documents contributions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem


@hookimpl
def register_blueprints(app):
    from core.documents.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [MenuItem(_l("Documents"), "documents.index", "core.documents.view", order=800)]
