"""Hook implementations of the donors plugin: thin wiring only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem, Widget
from plugins.donors import permissions as perms

DONORS = _l("Donors")


@hookimpl
def permissions():
    return perms.PERMISSIONS


@hookimpl
def roles():
    return perms.ROLES


@hookimpl
def register_blueprints(app):
    from plugins.donors.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [MenuItem(_l("Donor profiles"), "donors.index", "donors.profiles.view", order=200,
                     group=DONORS)]


@hookimpl
def partner_sections(partner, user):
    from core.auth.gate import has_permission
    from core.db import db
    from plugins.donors import services

    if not has_permission("donors.profiles.view"):
        return []
    profile = services.get_profile(db.session, partner.id)
    if profile is None and not has_permission("donors.profiles.edit"):
        return []
    state = profile.contract_state(services.today()) if profile else None
    return [Widget(_l("Donor profile"), "donors/_partner_section.html",
                   {"partner": partner, "profile": profile, "state": state},
                   "donors.profiles.view", order=50)]


@hookimpl
def dashboard_widgets(user):
    from core.auth.gate import has_permission
    from core.db import db
    from plugins.donors import services

    if not has_permission("donors.profiles.view"):
        return []
    today = services.today()
    profiles = services.contracts_to_renew(db.session, today)
    rows = [(p, p.contract_state(today)) for p in profiles]
    return [Widget(_l("Donor contracts to renew"), "donors/_widget_contracts.html",
                   {"rows": rows}, "donors.profiles.view", order=60)]


@hookimpl
def demo_data(session):
    from plugins.donors.demo import load_demo

    return load_demo(session)
