"""Login, logout, own password, and the administrators' user and role pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user, login_user, logout_user
from sqlalchemy import or_, select

from core.auth import services
from core.auth.forms import LoginForm, PasswordChangeForm, RoleForm, UserForm
from core.auth.gate import login_only, require
from core.auth.models import Permission, Role, User
from core.db import db, utcnow
from core.partners.models import Partner
from core.tabular import export_response
from core.web.listing import paginate, sorted_by

bp = Blueprint("auth", __name__, template_folder="../templates")


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and \
            not target.startswith("//"):
        return target
    return url_for("web.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        session = db.session
        username = form.username.data.strip()
        if services.login_locked(session, username, request.remote_addr or ""):
            minutes = current_app.config["LOGIN_LOCK_MINUTES"]
            flash(_("Too many failed attempts. Try again in %(n)d minutes.", n=minutes), "error")
            return render_template("core/auth/login.html", form=form), 429
        user = services.authenticate(session, username, form.password.data)
        if user is None:
            services.record_failure(session, username, request.remote_addr or "")
            session.commit()
            flash(_("Wrong username or password."), "error")
            return render_template("core/auth/login.html", form=form), 401
        services.clear_failures(session, username)
        user.last_login_at = utcnow()
        session.commit()
        login_user(user)
        flash(_("Welcome, %(name)s.", name=user.display_name), "success")
        return redirect(_safe_next(request.args.get("next")))
    return render_template("core/auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_only
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        if not user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            try:
                services.set_password(db.session, user, form.new.data)
            except services.UserError as exc:
                form.new.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Your password was changed."), "success")
                return redirect(url_for("web.dashboard"))
    return render_template("core/auth/password.html", form=form)


# --------------------------------------------------------------------------- users


USER_EXPORT_HEADERS = ("username", "full_name", "email", "roles", "partner", "active",
                       "last_login_at")


def _users_query():
    stmt = select(User)
    q = request.args.get("q", "").strip()
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.full_name.ilike(like),
                              User.email.ilike(like)))
    return sorted_by(stmt, {"username": User.username, "name": User.full_name,
                            "last_login": User.last_login_at}, "username"), q


@bp.route("/admin/users")
@require("core.admin.users")
def users():
    stmt, q = _users_query()
    page = paginate(db.session, stmt)
    return render_template("core/auth/users.html", page=page, q=q)


@bp.route("/admin/users/export")
@require("core.admin.users")
def users_export():
    stmt, _q = _users_query()
    rows = [(u.username, u.full_name, u.email or "", ", ".join(r.code for r in u.roles),
             u.partner.name if u.partner else "", u.active,
             to_user_timezone(u.last_login_at) if u.last_login_at else None)
            for u in db.session.scalars(stmt)]
    return export_response("users", USER_EXPORT_HEADERS, rows, request.args.get("fmt", "csv"))


def _user_form(obj=None) -> UserForm:
    form = UserForm(obj=obj)
    form.roles.choices = [(r.code, _(r.name)) for r in db.session.scalars(
        select(Role).order_by(Role.name))]
    form.partner_id.choices = [(0, "—")] + [
        (p.id, p.name) for p in db.session.scalars(
            select(Partner).where(Partner.archived.is_(False)).order_by(Partner.name))
    ]
    form.locale.choices = [("", "—")] + list(current_app.config["LANGUAGES"].items())
    if obj is not None and request.method == "GET":
        form.roles.data = [r.code for r in obj.roles]
        form.partner_id.data = obj.partner_id or 0
        form.locale.data = obj.locale or ""
    return form


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require("core.admin.users")
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("A password is required for a new user."))
        else:
            try:
                user = services.create_user(
                    db.session, username=form.username.data, password=form.password.data,
                    full_name=form.full_name.data, email=form.email.data, roles=form.roles.data,
                    partner_id=form.partner_id.data or None, locale=form.locale.data or None,
                )
                user.active = form.active.data
                db.session.commit()
            except services.UserError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(_("User %(name)s created.", name=user.username), "success")
                return redirect(url_for("auth.users"))
    return render_template("core/auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require("core.admin.users")
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    form.username.data = user.username
    if form.validate_on_submit():
        try:
            if user.id == current_user.id and not form.active.data:
                raise services.UserError(_("You cannot deactivate yourself."))
            services.update_user(
                db.session, user, full_name=form.full_name.data, email=form.email.data,
                roles=form.roles.data, partner_id=form.partner_id.data or None,
                active=form.active.data, locale=form.locale.data or None,
            )
            if form.password.data:
                services.set_password(db.session, user, form.password.data)
            db.session.commit()
        except services.UserError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("core/auth/user_form.html", form=form, user=user)


# --------------------------------------------------------------------------- roles


@bp.route("/admin/roles")
@require("core.admin.roles")
def roles():
    all_roles = db.session.scalars(select(Role).order_by(Role.name)).all()
    return render_template("core/auth/roles.html", roles=all_roles)


def _role_form(obj=None) -> RoleForm:
    form = RoleForm(obj=obj)
    form.permissions.choices = [
        (p.code, f"{p.code} — {_(p.label)}")
        for p in db.session.scalars(select(Permission).order_by(Permission.code))
    ]
    if obj is not None and request.method == "GET":
        form.permissions.data = [p.code for p in obj.permissions]
    return form


def _save_role(role: Role, form: RoleForm) -> None:
    role.name, role.description, role.portal = form.name.data, form.description.data or "", \
        form.portal.data
    role.permissions = list(db.session.scalars(
        select(Permission).where(Permission.code.in_(form.permissions.data or []))))


@bp.route("/admin/roles/new", methods=["GET", "POST"])
@require("core.admin.roles")
def role_new():
    form = _role_form()
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.scalar(select(Role.id).where(Role.code == code)):
            form.code.errors.append(_("This code is already used."))
        else:
            role = Role(code=code, name="")
            _save_role(role, form)
            db.session.add(role)
            db.session.commit()
            flash(_("Role %(name)s created.", name=role.name), "success")
            return redirect(url_for("auth.roles"))
    return render_template("core/auth/role_form.html", form=form, role=None)


@bp.route("/admin/roles/<int:role_id>", methods=["GET", "POST"])
@require("core.admin.roles")
def role_edit(role_id: int):
    role = db.session.get(Role, role_id) or abort(404)
    form = _role_form(role)
    form.code.data = role.code
    if form.validate_on_submit():
        _save_role(role, form)
        db.session.commit()
        flash(_("Role %(name)s saved.", name=role.name), "success")
        return redirect(url_for("auth.roles"))
    return render_template("core/auth/role_form.html", form=form, role=role)
