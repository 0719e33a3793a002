"""Forms of the documents pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for cancelling"),
        validators=[DataRequired(message=_l("Say why the document is cancelled: a reason is "
                                            "required.")),
                    Length(max=2000)],
        description=_l("Kept on record with your name and the time; the document stays in the "
                       "archive, marked as cancelled."),
    )
