"""Permissions and default roles of the canteen plugin, as data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.auth.permissions import Permission, RoleSpec

PERMISSIONS = [
    Permission("canteen.view", _l("See the canteen plugin")),
]

ROLES = [
    RoleSpec("canteen_manager", _l("Canteen manager"), ("canteen.view",)),
]
