"""User and role operations shared by the web pages and the CLI."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.auth.gate import ensure
from core.auth.models import LoginAttempt, Permission, Role, User
from core.auth.permissions import ADMINISTRATOR, RoleSpec
from core.auth.permissions import Permission as PermissionSpec
from core.db.types import utcnow


class UserError(ValueError):
    """Bad input for a user operation; the message is shown to the user."""


def validate_password(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise UserError(_("The password must have at least %(n)d characters.", n=minimum))


def create_user(session: Session, *, username: str, password: str, full_name: str = "",
                email: str | None = None, roles: list[str] = (), partner_id: int | None = None,
                locale: str | None = None) -> User:
    ensure("core.admin.users")
    username = (username or "").strip()
    if not username:
        raise UserError(_("A username is required."))
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise UserError(_("The username %(name)s is already taken.", name=username))
    validate_password(password)
    user = User(username=username, full_name=full_name, email=email or None,
                partner_id=partner_id, locale=locale)
    user.set_password(password)
    user.roles = find_roles(session, roles)
    _check_portal(user)
    session.add(user)
    session.flush()
    return user


def find_roles(session: Session, codes) -> list[Role]:
    codes = list(dict.fromkeys(codes))
    roles = session.scalars(select(Role).where(Role.code.in_(codes))).all() if codes else []
    missing = set(codes) - {r.code for r in roles}
    if missing:
        raise UserError(_("Unknown role: %(codes)s", codes=", ".join(sorted(missing))))
    return list(roles)


def _check_portal(user: User) -> None:
    if any(r.portal for r in user.roles) and user.partner_id is None:
        raise UserError(_("A portal role needs the user's partner organisation."))


def update_user(session: Session, user: User, *, full_name: str, email: str | None,
                roles: list[str], partner_id: int | None, active: bool,
                locale: str | None = None) -> User:
    ensure("core.admin.users")
    user.full_name, user.email, user.partner_id = full_name, email or None, partner_id
    user.active, user.locale = active, locale or None
    user.roles = find_roles(session, roles)
    _check_portal(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    validate_password(password)
    user.set_password(password)
    session.flush()


def deactivate(session: Session, user: User) -> None:
    ensure("core.admin.users")
    user.active = False
    session.flush()


# --------------------------------------------------------------------------- login throttling


def login_locked(session: Session, username: str, remote_addr: str = "") -> bool:
    """Too many recent failures for this username, or from this address (many usernames
    tried): refuse even a right password for a while."""
    cfg = current_app.config
    since = utcnow() - timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    by_user = session.scalar(recent.where(func.lower(LoginAttempt.username) == username.lower()))
    if by_user >= cfg["LOGIN_MAX_FAILURES"]:
        return True
    if not remote_addr:
        return False
    by_address = session.scalar(recent.where(LoginAttempt.remote_addr == remote_addr))
    return by_address >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def record_failure(session: Session, username: str, remote_addr: str) -> None:
    session.add(LoginAttempt(username=username[:80], remote_addr=remote_addr or ""))
    session.flush()


def clear_failures(session: Session, username: str) -> None:
    session.execute(
        delete(LoginAttempt).where(func.lower(LoginAttempt.username) == username.lower())
    )


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


# --------------------------------------------------------------------------- seeding


def sync_permissions(session: Session, declared: list[tuple[str, PermissionSpec]]) -> None:
    """Insert or relabel the declared permissions (plugin name, spec); never deletes."""
    existing = {p.code: p for p in session.scalars(select(Permission))}
    for plugin, spec in declared:
        row = existing.get(spec.code)
        if row is None:
            row = Permission(code=spec.code, plugin=plugin, label=str(spec.label))
            session.add(row)
            existing[spec.code] = row
        else:
            row.plugin, row.label = plugin, str(spec.label)
    session.flush()


def sync_roles(session: Session, specs: list[RoleSpec]) -> None:
    """Create default roles and add their declared permissions (never removes a grant)."""
    permissions = {p.code: p for p in session.scalars(select(Permission))}
    roles = {r.code: r for r in session.scalars(select(Role))}
    merged: dict[str, RoleSpec] = {}
    granted: dict[str, set[str]] = {}
    for spec in specs:
        merged.setdefault(spec.code, spec)
        granted.setdefault(spec.code, set()).update(spec.permissions)
    granted.setdefault(ADMINISTRATOR, set()).update(permissions)
    for code, spec in merged.items():
        role = roles.get(code)
        if role is None:
            role = Role(code=code, name=str(spec.name), description=str(spec.description),
                        portal=spec.portal)
            session.add(role)
            roles[code] = role
        have = {p.code for p in role.permissions}
        for perm_code in sorted(granted[code] - have):
            if perm_code in permissions:
                role.permissions.append(permissions[perm_code])
    session.flush()
