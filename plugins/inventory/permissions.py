"""Permissions and default roles of the inventory plugin, as data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.auth.permissions import Permission, RoleSpec

PERMISSIONS = [
    Permission("inventory.view", _l("See the inventory plugin")),
]

ROLES = [
    RoleSpec("warehouse_clerk", _l("Warehouse clerk"), ("inventory.view",)),
    RoleSpec("partner_coordinator", _l("Partner coordinator"), ("inventory.view",), portal=True),
]
