"""The one gate: every permission check in views, templates and services goes through here."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from flask import current_app, g, has_request_context
from flask_login import current_user
from werkzeug.exceptions import Forbidden


class PermissionDenied(Forbidden):
    """Raised by services when the acting user lacks a permission."""


class UndeclaredPermission(LookupError):
    """A permission was checked that no enabled plugin declares (a programming error)."""


class _System:
    """The actor for CLI commands and background jobs: allowed everything, logged as 'system'."""

    id = None
    username = "system"
    display_name = "system"
    is_authenticated = True
    is_portal = False
    partner_id = None

    def __repr__(self) -> str:
        return "<system>"


SYSTEM = _System()


@contextmanager
def acting_as(actor) -> Iterator[None]:
    """Run services as ``actor`` outside a request (CLI, jobs, tests)."""
    previous = g.get("_foodbank_actor")
    g._foodbank_actor = actor
    try:
        yield
    finally:
        g._foodbank_actor = previous


def current_actor():
    actor = g.get("_foodbank_actor")
    if actor is not None:
        return actor
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def declared_permissions() -> frozenset[str]:
    return current_app.extensions["foodbank.permissions"]


def has_permission(code: str, user=None) -> bool:
    if code not in declared_permissions():
        raise UndeclaredPermission(f"permission '{code}' is checked but not declared")
    user = current_actor() if user is None else user
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user is SYSTEM:
        return True
    cache = g.setdefault("_foodbank_perm_cache", {})
    if user.id not in cache:
        cache[user.id] = user.permission_codes()
    return code in cache[user.id]


def ensure(code: str) -> None:
    """For services: raise PermissionDenied unless the acting user holds ``code``."""
    if not has_permission(code):
        raise PermissionDenied(f"permission '{code}' required")


def require(code: str):
    """View decorator: login required, then ``code`` required (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not has_permission(code):
                raise Forbidden()
            return view(*args, **kwargs)

        wrapped.required_permission = code  # type: ignore[attr-defined]
        return wrapped

    return decorator


def login_only(view):
    """View decorator for pages every logged-in user may see (dashboard, own password)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped


def visible_partner_id(user=None) -> int | None:
    """The only partner a portal user may see records of; None for staff (no restriction)."""
    user = current_actor() if user is None else user
    return getattr(user, "partner_id", None)


def scope_to_partner(stmt, column, user=None):
    """Restrict a select to the portal user's own organisation (no-op for staff)."""
    partner_id = visible_partner_id(user)
    if partner_id is None:
        return stmt
    return stmt.where(column == partner_id)
