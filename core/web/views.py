"""Dashboard, language switch, health check and the administrators' Plugins page."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from core.auth.gate import acting_as, login_only, require
from core.db import db
from core.plugin_lifecycle import disable, enable
from core.plugin_manager import PluginError
from core.web.plugin_list import plugin_rows
from core.web.ui import Widget, collect

bp = Blueprint("web", __name__, template_folder="../templates")


@bp.route("/")
@login_only
def dashboard():
    widgets: list[Widget] = collect("dashboard_widgets", user=current_user)
    return render_template("core/web/dashboard.html", widgets=widgets)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        flash(_("Unknown language."), "error")
    else:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    target = request.form.get("next") or request.referrer or url_for("web.dashboard")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.dashboard")
    return redirect(target)


@bp.route("/healthz")
def healthz():
    from core.migrate import pending_branches

    enabled = current_app.extensions["foodbank.enabled"]
    body = {"database": False, "plugins": enabled, "pending_migrations": []}
    db.reset_session()  # no transaction of this request may hold SQLite's write lock
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        body["database"] = True
        body["pending_migrations"] = pending_branches(
            db.engine, ["core", *enabled], current_app.extensions["foodbank.plugins"])
    except Exception as exc:  # any failure means "not healthy", reported, not raised
        body["error"] = str(exc).splitlines()[0][:200]
    healthy = body["database"] and not body["pending_migrations"]
    body["status"] = "ok" if healthy else "degraded"
    return jsonify(body), 200 if healthy else 503


@bp.route("/admin/plugins")
@require("core.admin.plugins")
def plugins():
    return render_template("core/web/plugins.html", rows=plugin_rows(db.session.connection()))


@bp.route("/admin/plugins/<name>/<action>", methods=["GET", "POST"])
@require("core.admin.plugins")
def plugin_action(name: str, action: str):
    rows = {r["name"]: r for r in plugin_rows(db.session.connection())}
    if name not in rows or action not in ("enable", "disable"):
        flash(_("Unknown plugin or action."), "error")
        return redirect(url_for("web.plugins"))
    row = rows[name]
    if request.method == "GET":
        return render_template("core/web/plugin_confirm.html", row=row, action=action)
    # End this request's transaction first: the lifecycle runs migrations on its own connections
    # (on SQLite an open transaction here would hold the write lock they need).
    actor = current_user._get_current_object()
    db.session.commit()
    try:
        with acting_as(actor):
            if action == "enable":
                result = enable(db.engine, [name])
            else:
                result = disable(db.engine, [name])
    except PluginError as exc:
        flash(str(exc), "error")
        return redirect(url_for("web.plugins"))
    if not result.changed:
        flash(_("Nothing to do: %(name)s is already %(state)s.", name=name,
                state=_("enabled") if action == "enable" else _("disabled")), "info")
    elif action == "enable":
        extra = ""
        if result.pulled_in:
            extra = " " + _("Also enabled, as dependencies: %(names)s.",
                            names=", ".join(result.pulled_in))
        flash(_("Plugin %(name)s enabled and its database tables are ready.", name=name)
              + extra + " " + _("The change takes effect when the application restarts."),
              "success")
    else:
        flash(_("Plugin %(name)s disabled; its data is kept.", name=name) + " "
              + _("The change takes effect when the application restarts."), "success")
    return redirect(url_for("web.plugins"))
