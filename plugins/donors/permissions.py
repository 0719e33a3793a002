"""Permissions and default roles of the donors plugin, as data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.auth.permissions import Permission, RoleSpec

PERMISSIONS = [
    Permission("donors.view", _l("See the donors plugin")),
]

ROLES = [
    RoleSpec("accountant", _l("Accountant"), ("donors.view",)),
    RoleSpec("donor", _l("Donor"), ("donors.view",), portal=True),
]
