"""Hook implementations of the canteen plugin: thin wiring only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem
from plugins.canteen import permissions as perms


@hookimpl
def permissions():
    return perms.PERMISSIONS


@hookimpl
def roles():
    return perms.ROLES


@hookimpl
def register_blueprints(app):
    from plugins.canteen import models  # noqa: F401  (tables on Base.metadata)
    from plugins.canteen.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [MenuItem(_l("Canteens"), "canteen.index", "canteen.view", order=300,
                     group=_l("Canteens"))]


@hookimpl
def demo_data(session):
    from plugins.canteen.demo import load_demo

    return load_demo(session)


@hookimpl
def partner_sections(partner, user):
    """The canteens an organisation runs, on its partner page."""
    from core.auth.gate import has_permission
    from core.web.ui import Widget

    if not has_permission("canteen.view"):
        return []
    from plugins.canteen.services import canteens_run_by

    canteens = canteens_run_by(partner.id)
    if not canteens:
        return []
    return [Widget(_l("Canteens run by this organisation"), "canteen/partner_section.html",
                   {"canteens": canteens}, "canteen.view", order=50)]
