"""Permissions and default roles of the canteen plugin, as data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.auth.permissions import Permission, RoleSpec

VIEW = "canteen.view"
CANTEENS_EDIT = "canteen.canteens.edit"
BENEFICIARIES_VIEW = "canteen.beneficiaries.view"
BENEFICIARIES_EDIT = "canteen.beneficiaries.edit"
BENEFICIARIES_SENSITIVE = "canteen.beneficiaries.sensitive"

PERMISSIONS = [
    Permission(VIEW, _l("See the canteen plugin")),
    Permission(CANTEENS_EDIT, _l("Create and edit canteens, closures and yearly settings")),
    Permission(BENEFICIARIES_VIEW, _l("View beneficiaries (without sensitive data)")),
    Permission(BENEFICIARIES_EDIT, _l("Register and edit beneficiaries")),
    Permission(BENEFICIARIES_SENSITIVE,
               _l("See and edit beneficiaries' sensitive data (disability, income, social "
                  "enquiry, diet); every view is logged")),
]

ROLES = [
    RoleSpec("canteen_manager", _l("Canteen manager"),
             (VIEW, CANTEENS_EDIT, BENEFICIARIES_VIEW, BENEFICIARIES_EDIT)),
    RoleSpec("social_worker", _l("Social worker"),
             (VIEW, BENEFICIARIES_VIEW, BENEFICIARIES_EDIT, BENEFICIARIES_SENSITIVE),
             description=_l("Registers beneficiaries and their social enquiry")),
]
