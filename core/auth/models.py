"""Users, roles and permissions (roles and permissions are data seeded by plugins)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, select
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.db.base import Base, TimestampMixin
from core.db.types import UTCDateTime, utcnow

role_permission = Table(
    "core_role_permission",
    Base.metadata,
    Column("role_id", ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_code", ForeignKey("core_permission.code", ondelete="CASCADE"),
           primary_key=True),
)

user_role = Table(
    "core_user_role",
    Base.metadata,
    Column("user_id", ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True),
)


class Permission(Base):
    __tablename__ = "core_permission"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    plugin: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)


class Role(Base, TimestampMixin):
    __tablename__ = "core_role"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: Portal roles are for users of a partner organisation; they see only their own records.
    portal: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    permissions: Mapped[list[Permission]] = relationship(
        secondary=role_permission, order_by=Permission.code
    )

    def __repr__(self) -> str:
        return f"<Role {self.code}>"


class User(Base, TimestampMixin, UserMixin):
    __tablename__ = "core_user"
    __audited__ = True
    __audit_exclude__ = ("password_hash", "last_login_at")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    #: A portal user belongs to a partner organisation and sees only its records.
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_partner.id", ondelete="SET NULL"), index=True
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    roles: Mapped[list[Role]] = relationship(secondary=user_role, order_by=Role.code)
    partner = relationship("Partner", foreign_keys=[partner_id])

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def set_password(self, password: str) -> None:
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_portal(self) -> bool:
        return self.partner_id is not None

    def permission_codes(self) -> frozenset[str]:
        """The codes granted by the user's roles (checked on every page)."""
        return self._grants()[0]

    @property
    def role_names(self) -> tuple[str, ...]:
        """Names of the user's roles, for display (untranslated msgids)."""
        return self._grants()[1]

    def _grants(self) -> tuple[frozenset[str], tuple[str, ...]]:
        # One Core query for roles and permissions together, kept on the instance for the
        # request (a user object lives in one request's session).
        cached = self.__dict__.get("_grants_cache")
        if cached is not None:
            return cached
        session = object_session(self)
        if session is None:
            codes = frozenset(p.code for r in self.roles for p in r.permissions)
            names = tuple(r.name for r in self.roles)
        else:
            rows = session.execute(
                select(Role.name, role_permission.c.permission_code)
                .join(user_role, user_role.c.role_id == Role.id)
                .outerjoin(role_permission, role_permission.c.role_id == Role.id)
                .where(user_role.c.user_id == self.id)
                .order_by(Role.name)
            ).all()
            codes = frozenset(code for _name, code in rows if code)
            names = tuple(dict.fromkeys(name for name, _code in rows))
        self.__dict__["_grants_cache"] = (codes, names)
        return codes, names

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginAttempt(Base):
    """Failed logins, kept to throttle guessing (shared by every application server)."""

    __tablename__ = "core_login_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True, nullable=False)
    remote_addr: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True, nullable=False)
