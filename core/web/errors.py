"""403, 404 and 500 pages inside the layout."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code == 500:
            return _server_error(exc)
        titles = {
            403: _("You do not have permission to see this page."),
            404: _("This page does not exist."),
            405: _("This action is not allowed here."),
            413: _("The file is too large."),
            429: _("Too many requests."),
        }
        message = titles.get(exc.code, exc.description)
        return render_template("errors/error.html", code=exc.code, title=exc.name,
                               message=message), exc.code

    @app.errorhandler(500)
    def _server_error(exc: Exception):
        # Flask calls this for unhandled exceptions (tests set TESTING, which re-raises them).
        from core.db import db

        db.reset_session()
        return render_template(
            "errors/error.html", code=500, title=_("Internal error"),
            message=_("Something went wrong; nothing was saved. The error was logged."),
        ), 500
