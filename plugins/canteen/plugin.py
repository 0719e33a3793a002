"""Hook implementations of the canteen plugin: thin wiring only."""
from __future__ import annotations

from core import hookimpl
from plugins.canteen import permissions as perms


@hookimpl
def permissions():
    return perms.PERMISSIONS


@hookimpl
def roles():
    return perms.ROLES
