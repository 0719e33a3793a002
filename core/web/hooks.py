"""Core's shell contributions: dashboard, plugins page, demo data, CLI groups."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.web.ui import MenuItem, Widget


@hookimpl
def register_blueprints(app):
    from core.web.views import bp

    app.register_blueprint(bp)


@hookimpl
def menu_items(user):
    return [
        MenuItem(_l("Dashboard"), "web.dashboard", None, order=0),
        MenuItem(_l("Plugins"), "web.plugins", "core.admin.plugins", order=930,
                 group=_l("Administration")),
    ]


@hookimpl
def dashboard_widgets(user):
    return [Widget(_l("Your account"), "core/web/widget_account.html", order=1000)]


@hookimpl
def demo_data(session):
    from core.demo import load_core_demo

    return load_core_demo(session)


@hookimpl
def cli_commands():
    from core.cli import db_cli, demo_command, plugins_cli

    return [db_cli, plugins_cli, demo_command]
