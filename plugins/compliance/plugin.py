"""Hook implementations of the compliance plugin: thin wiring only."""
from __future__ import annotations

from core import hookimpl
from plugins.compliance import permissions as perms


@hookimpl
def permissions():
    return perms.PERMISSIONS


@hookimpl
def roles():
    return perms.ROLES
