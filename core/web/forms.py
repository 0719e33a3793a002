"""Helpers for forms in every plugin's views."""
from __future__ import annotations

import base64
import binascii

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length


def show_errors(form, errors: dict[str, str]) -> None:
    """Put a service's messages next to the form's fields (flash those without a field)."""
    for name, message in errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")


class ImportUploadForm(FlaskForm):
    """Step 1 of an import: the CSV or XLSX file."""

    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class ImportConfirmForm(FlaskForm):
    """Step 2: carries the previewed file (base64) back to the server, so any application
    server can finish the import without shared temporary storage."""

    payload = HiddenField(validators=[DataRequired()])
    filename = HiddenField(validators=[DataRequired(), Length(max=255)])

    @classmethod
    def carrying(cls, data: bytes, filename: str) -> ImportConfirmForm:
        return cls(formdata=None, payload=base64.b64encode(data).decode("ascii"),
                   filename=filename)

    def carried_file(self) -> bytes | None:
        """The previewed file's bytes, or None when the form came back without it."""
        if not self.validate_on_submit():
            return None
        try:
            return base64.b64decode(self.payload.data, validate=True)
        except (binascii.Error, ValueError):
            return None
