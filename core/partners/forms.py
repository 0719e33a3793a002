"""Partner forms. Field checks that need the rules of the domain (IDNO, IBAN, e-mail, duplicate
IDNO) live in ``core.partners.services``; the views put its messages next to these fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from core.partners.models import ADDRESS_KINDS, PARTNER_TYPES


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class PartnerForm(FlaskForm):
    type = SelectField(_l("Type"), choices=_choices(PARTNER_TYPES), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("The short name used in lists and documents."))
    legal_name = StringField(_l("Legal name"), validators=[Optional(), Length(max=300)])
    idno = StringField(_l("IDNO"), validators=[Optional(), Length(max=20)],
                       description=_l("Fiscal code of a company: 13 digits."))
    vat_code = StringField(_l("VAT code"), validators=[Optional(), Length(max=20)])
    ansa_number = StringField(_l("ANSA registration number"),
                              validators=[Optional(), Length(max=50)])
    iban = StringField(_l("IBAN"), validators=[Optional(), Length(max=50)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
    archived = BooleanField(_l("Archived"))

    def partner_data(self) -> dict:
        """The submitted values, by partner field name."""
        return {name: self[name].data for name in (
            "type", "name", "legal_name", "idno", "vat_code", "ansa_number", "iban", "email",
            "phone", "notes", "archived")}


class AddressForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(ADDRESS_KINDS), default="legal")
    street = StringField(_l("Street and number"), validators=[DataRequired(), Length(max=300)])
    city = StringField(_l("City or village"), validators=[DataRequired(), Length(max=100)])
    district = StringField(_l("District"), validators=[Optional(), Length(max=100)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)])
    country = StringField(_l("Country"), default="MD",
                          validators=[DataRequired(), Length(min=2, max=2)])


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])

