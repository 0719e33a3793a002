"""Core's auth contributions, through the same hooks plugins use."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.auth.permissions import CORE_PERMISSIONS, CORE_ROLES
from core.web.ui import MenuItem

ADMIN = _l("Administration")


@hookimpl
def permissions():
    return CORE_PERMISSIONS


@hookimpl
def roles():
    return CORE_ROLES


@hookimpl
def register_blueprints(app):
    from core.auth.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [
        MenuItem(_l("Users"), "auth.users", "core.admin.users", order=900, group=ADMIN),
        MenuItem(_l("Roles"), "auth.roles", "core.admin.roles", order=910, group=ADMIN),
    ]


@hookimpl
def cli_commands():
    from core.auth.cli import roles_cli, users_cli

    return [users_cli, roles_cli]
