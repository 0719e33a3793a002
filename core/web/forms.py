"""Helpers for forms in every plugin's views."""
from __future__ import annotations

from flask import flash


def show_errors(form, errors: dict[str, str]) -> None:
    """Put a service's messages next to the form's fields (flash those without a field)."""
    for name, message in errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")
