"""Hook implementations of the inventory plugin: thin wiring only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem
from plugins.inventory import permissions as perms

WAREHOUSE = _l("Warehouse")


@hookimpl
def permissions():
    return perms.PERMISSIONS


@hookimpl
def roles():
    return perms.ROLES


@hookimpl
def register_blueprints(app):
    from plugins.inventory.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [
        MenuItem(_l("Products"), "inventory.products", "inventory.catalogue.view", order=30,
                 group=WAREHOUSE),
        MenuItem(_l("Product categories"), "inventory.categories", "inventory.catalogue.view",
                 order=31, group=WAREHOUSE),
        MenuItem(_l("Locations"), "inventory.locations", "inventory.locations.view", order=32,
                 group=WAREHOUSE),
    ]


@hookimpl
def seed_data(session):
    from plugins.inventory.services import seed_virtual_locations

    seed_virtual_locations(session)


@hookimpl
def demo_data(session):
    from plugins.inventory.demo import load_demo

    return load_demo(session)


@hookimpl
def cli_commands():
    from plugins.inventory.cli import inventory

    return [inventory]
