"""Permissions and default roles of the inventory plugin, as data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.auth.permissions import Permission, RoleSpec

VIEW = "inventory.view"
CATALOGUE_VIEW = "inventory.catalogue.view"
CATALOGUE_EDIT = "inventory.catalogue.edit"
CATALOGUE_IMPORT = "inventory.catalogue.import"
LOCATIONS_VIEW = "inventory.locations.view"
LOCATIONS_EDIT = "inventory.locations.edit"

PERMISSIONS = [
    Permission(VIEW, _l("See the inventory plugin")),
    Permission(CATALOGUE_VIEW, _l("View products and categories")),
    Permission(CATALOGUE_EDIT, _l("Create and edit products and categories")),
    Permission(CATALOGUE_IMPORT, _l("Import products")),
    Permission(LOCATIONS_VIEW, _l("View warehouse locations")),
    Permission(LOCATIONS_EDIT, _l("Create and edit warehouse locations")),
]

ROLES = [
    RoleSpec("warehouse_clerk", _l("Warehouse clerk"),
             (VIEW, CATALOGUE_VIEW, CATALOGUE_EDIT, CATALOGUE_IMPORT, LOCATIONS_VIEW,
              LOCATIONS_EDIT)),
    RoleSpec("accountant", _l("Accountant"), (VIEW, CATALOGUE_VIEW, LOCATIONS_VIEW)),
    RoleSpec("canteen_manager", _l("Canteen manager"), (VIEW, CATALOGUE_VIEW)),
    RoleSpec("partner_coordinator", _l("Partner coordinator"), ("inventory.view",), portal=True),
]
