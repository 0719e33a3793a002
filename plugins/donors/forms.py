"""Donor profile form. Rules of the domain (dates, limits, e-mail, the scan's type) live in
``plugins.donors.services``; the views put its messages next to these fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from plugins.donors.models import DOCUMENT_LANGUAGES, DONOR_TYPES
from plugins.donors.services import PROFILE_FIELDS


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class DonorProfileForm(FlaskForm):
    donor_type = SelectField(_l("Donor type"), choices=_choices(DONOR_TYPES))
    contract_number = StringField(_l("Framework donation contract number"),
                                  validators=[Optional(), Length(max=50)])
    contract_date = DateField(_l("Contract date"), validators=[Optional()])
    contract_valid_until = DateField(_l("Contract valid until"), validators=[Optional()],
                                     description=_l("Leave empty for a contract without an end "
                                                    "date."))
    contract_scan = FileField(_l("Scan of the signed contract"),
                              description=_l("PDF, JPEG or PNG. A new file replaces the "
                                             "previous one."))
    document_language = SelectField(_l("Language of documents"),
                                    choices=_choices(DOCUMENT_LANGUAGES), default="ro")
    contact_name = StringField(_l("Contact for documents"),
                               validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=50)])
    annual_limit = StringField(_l("Annual limit for food donations (lei)"),
                               validators=[Optional(), Length(max=20)],
                               description=_l("Approved by the donor (Law 299/2022 art. 12). "
                                              "Empty: no limit recorded."))
    monthly_limit = StringField(_l("Monthly limit for food donations (lei)"),
                                validators=[Optional(), Length(max=20)])
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
    active = BooleanField(_l("Active donor"), default=True)

    def profile_data(self) -> dict:
        """The submitted values, by profile field name (the scan is read separately)."""
        return {name: self[name].data for name in PROFILE_FIELDS}
