"""Permissions and default roles of the compliance plugin, as data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.auth.permissions import Permission, RoleSpec

PERMISSIONS = [
    Permission("compliance.view", _l("See the compliance plugin")),
]

ROLES = [
    RoleSpec("accountant", _l("Accountant"), ("compliance.view",)),
]
