"""The application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

import core.models  # noqa: F401  (every core table known before the first query)
from core import config as config_module
from core import i18n
from core.audit import listener as audit_listener
from core.auth.gate import has_permission
from core.db.session import db, read_only_get_requests
from core.migrate import pending_branches
from core.plugin_manager import build_plugin_manager, core_info, discover, enabled_names

ROOT = Path(__file__).resolve().parent.parent

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"
login_manager.login_message = _l("Please log in to access this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id: str):
    from core.auth.models import User

    # Permission codes come from one Core query when first checked (User.permission_codes);
    # eager-loading roles and permissions here measured slower (ORM objects per row).
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def create_app(config: dict | None = None) -> Flask:
    """Build the app for the plugins enabled in the configured database.

    ``config`` overrides the environment (tests pass DATABASE_URL, TESTING...). Raises
    ``DatabaseUnavailable`` with a one-line message when the database cannot be reached.
    """
    instance_path = Path(
        (config or {}).get("INSTANCE_PATH") or config_module.default_instance_path()
    )
    app = Flask(
        "core",
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
    )
    app.config.update(config_module.DEFAULTS)
    overrides = dict(config or {})
    env = {} if {"DATABASE_URL", "SECRET_KEY"} <= overrides.keys() else \
        config_module.from_environment(instance_path)
    app.config.update(env)
    app.config.update(overrides)

    db.init_app(app)
    read_only_get_requests(app)
    audit_listener.install()

    infos = discover()
    enabled = enabled_names(db_engine(app), infos)
    pm = build_plugin_manager(enabled, infos)
    app.extensions["foodbank.pm"] = pm
    app.extensions["foodbank.plugins"] = infos
    app.extensions["foodbank.enabled"] = enabled

    i18n.init_app(app, _translation_dirs(infos, enabled))
    csrf.init_app(app)
    login_manager.init_app(app)
    _declare_permissions(app, pm)
    pm.hook.register_blueprints(app=app)
    for commands in pm.hook.cli_commands():
        for command in commands or []:
            app.cli.add_command(command)
    _install_shell(app)
    _install_security_headers(app)
    _install_migration_guard(app)
    return app


def db_engine(app: Flask):
    return app.extensions["foodbank.db"]


def _translation_dirs(infos, enabled) -> list[str]:
    dirs = [str(core_info().translations_dir or Path(__file__).parent / "translations")]
    for name in enabled:
        folder = infos[name].translations_dir
        if folder:
            dirs.append(str(folder))
    return dirs


def _declare_permissions(app: Flask, pm) -> None:
    codes = {p.code for result in pm.hook.permissions() for p in (result or [])}
    app.extensions["foodbank.permissions"] = frozenset(codes)


def _install_shell(app: Flask) -> None:
    from core.web import errors
    from core.web.ui import navigation

    errors.register(app)
    # Globals (not context) so that imported macros see them too.
    app.add_template_global(this_url)
    app.add_template_global(field_attrs)
    app.add_template_global(has_permission, "can")

    @app.context_processor
    def _shell_context():
        return {
            "navigation": (lambda: navigation(current_user)) if current_user.is_authenticated
            else (lambda: []),
            "languages": app.config["LANGUAGES"],
            "current_locale": lambda: str(get_locale()),  # cached per request by Flask-Babel
        }

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_template("errors/error.html", code=400, title="CSRF",
                               message=exc.description), 400


def this_url(endpoint: str | None = None, **overrides) -> str:
    """The current page's URL (or ``endpoint``'s) with query arguments changed; None removes."""
    args = {**(request.view_args or {}), **request.args.to_dict()} if endpoint is None \
        else request.args.to_dict()
    for key, value in overrides.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(endpoint or request.endpoint, **args)


def field_attrs(field, autofocus: bool = False) -> dict:
    attrs = {"aria-invalid": "true" if field.errors else "false"}
    if autofocus:
        attrs["autofocus"] = True
    if field.errors:
        attrs["aria-describedby"] = f"{field.id}-error"
    return attrs


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Everything is served by the application itself: no CDN, no inline scripts.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'",
}


def _install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _install_migration_guard(app: Flask) -> None:
    """Until migrations are applied, pages say which command to run (healthz still answers)."""
    branches = ["core", *app.extensions["foodbank.enabled"]]
    app.extensions["foodbank.pending"] = pending_branches(db_engine(app), branches,
                                                          app.extensions["foodbank.plugins"])

    @app.before_request
    def _guard():
        if not app.extensions["foodbank.pending"]:
            return None
        if request.endpoint in ("static", "web.healthz"):
            return None
        pending = pending_branches(db_engine(app), branches, app.extensions["foodbank.plugins"])
        app.extensions["foodbank.pending"] = pending
        if not pending:
            return None
        return render_template("errors/migrations.html", pending=pending), 503
