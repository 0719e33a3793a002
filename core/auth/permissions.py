"""Permissions and roles as data, and core's own declarations."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Permission:
    code: str
    label: object  # str or lazy string


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: object
    permissions: tuple[str, ...] = field(default=())
    description: object = ""
    portal: bool = False


#: The administrator role receives every declared permission whenever roles are seeded.
ADMINISTRATOR = "administrator"

CORE_PERMISSIONS = [
    Permission("core.admin.users", _l("Manage users")),
    Permission("core.admin.roles", _l("Manage roles and their permissions")),
    Permission("core.admin.plugins", _l("Enable and disable plugins")),
    Permission("core.audit.view", _l("View the audit log")),
    Permission("core.partners.view", _l("View partner organisations")),
    Permission("core.partners.edit", _l("Create and edit partner organisations")),
    Permission("core.partners.import", _l("Import partner organisations")),
    Permission("core.documents.view", _l("View issued documents")),
    Permission("core.documents.cancel", _l("Cancel issued documents")),
]

CORE_ROLES = [
    RoleSpec(ADMINISTRATOR, _l("Administrator"),
             description=_l("Everything, including users and plugins")),
    RoleSpec("warehouse_clerk", _l("Warehouse clerk"), ("core.partners.view",)),
    RoleSpec(
        "accountant",
        _l("Accountant"),
        ("core.partners.view", "core.partners.edit", "core.partners.import",
         "core.documents.view", "core.documents.cancel", "core.audit.view"),
    ),
    RoleSpec("canteen_manager", _l("Canteen manager"), ("core.partners.view",)),
    RoleSpec(
        "partner_coordinator", _l("Partner coordinator"),
        ("core.partners.view", "core.documents.view"),
        description=_l("Coordinator of a partner NGO or canteen (portal)"), portal=True,
    ),
    RoleSpec(
        "donor", _l("Donor"), ("core.partners.view", "core.documents.view"),
        description=_l("A donor's own user (portal)"), portal=True,
    ),
]
