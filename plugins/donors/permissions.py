"""Permissions and default roles of the donors plugin, as data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.auth.permissions import Permission, RoleSpec

PERMISSIONS = [
    Permission("donors.view", _l("See the donors plugin")),
    Permission("donors.profiles.view", _l("View donor profiles")),
    Permission("donors.profiles.edit", _l("Create and edit donor profiles and contract scans")),
]

ROLES = [
    RoleSpec("accountant", _l("Accountant"),
             ("donors.view", "donors.profiles.view", "donors.profiles.edit")),
    # A donor's portal user sees its own profile only (scoped to user.partner_id).
    RoleSpec("donor", _l("Donor"), ("donors.view", "donors.profiles.view"), portal=True),
]
