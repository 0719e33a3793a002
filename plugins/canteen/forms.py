"""Canteen forms. Domain checks (IDNP, dates, duplicates) live in ``services``; the views put
the service's messages next to these fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from plugins.canteen.models import (
    CATEGORIES,
    DISABILITY_DEGREES,
    LAWFUL_BASES,
    STATUSES,
    WEEKDAYS,
)


def _choices(labels: dict, empty: object | None = None) -> list[SelectChoice]:
    pairs = [SelectChoice(code, label) for code, label in labels.items()]
    return [SelectChoice("", empty), *pairs] if empty is not None else pairs


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CanteenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    operator_id = SelectField(_l("Operating organisation"), coerce=int,
                              validators=[DataRequired()],
                              description=_l("The partner organisation that runs the canteen."))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    capacity = IntegerField(_l("Capacity (people a day)"), default=0,
                            validators=[Optional(), NumberRange(min=0)])
    opening_days = MultiCheckboxField(_l("Opening days"), coerce=int,
                                      choices=_choices(WEEKDAYS),
                                      default=[1, 2, 3, 4, 5])
    notes = TextAreaField(_l("Notes"), validators=[Optional()])

    def canteen_data(self) -> dict:
        return {"name": self.name.data, "operator_id": self.operator_id.data,
                "address": self.address.data, "capacity": self.capacity.data or 0,
                "opening_days": self.opening_days.data or [], "notes": self.notes.data}


class ClosureForm(FlaskForm):
    start_date = DateField(_l("From"), validators=[DataRequired()])
    end_date = DateField(_l("To (inclusive)"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class YearSettingsForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired()])
    daily_allowance = DecimalField(_l("Daily food allowance per person (lei)"), places=2,
                                   validators=[InputRequired()])
    min_kcal = IntegerField(_l("Minimum energy per meal (kcal)"), validators=[InputRequired()])


class BeneficiaryForm(FlaskForm):
    canteen_id = SelectField(_l("Canteen"), coerce=int, validators=[DataRequired()])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    idnp = StringField(_l("IDNP"), validators=[Optional(), Length(max=20)],
                       description=_l("Personal identification number: 13 digits."))
    birth_date = DateField(_l("Birth date"), validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    category = SelectField(_l("Category"), choices=_choices(CATEGORIES),
                           validators=[DataRequired()])
    household_size = IntegerField(_l("Household size"), default=1)
    home_delivery = BooleanField(_l("Meal delivered at home"))
    home_delivery_reason = StringField(_l("Reason for home delivery"),
                                       validators=[Optional(), Length(max=300)])
    lawful_basis = SelectField(_l("Lawful basis"), choices=_choices(LAWFUL_BASES),
                               validators=[DataRequired()])
    consent_date = DateField(_l("Date of the signed consent form"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=_choices(STATUSES), default="applicant")
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
    # Sensitive: removed from the form for users without canteen.beneficiaries.sensitive.
    disability_degree = SelectField(_l("Degree of disability"),
                                    choices=_choices(DISABILITY_DEGREES, empty="—"),
                                    validators=[Optional()])
    monthly_income = DecimalField(_l("Monthly income (lei)"), places=2, validators=[Optional()])
    enquiry_number = StringField(_l("Social enquiry number"),
                                 validators=[Optional(), Length(max=50)])
    enquiry_date = DateField(_l("Social enquiry date"), validators=[Optional()])
    enquiry_issuer = StringField(_l("Social enquiry issued by"),
                                 validators=[Optional(), Length(max=200)])
    allergies_diet = TextAreaField(_l("Allergies and diet"), validators=[Optional()])

    SENSITIVE = ("disability_degree", "monthly_income", "enquiry_number", "enquiry_date",
                 "enquiry_issuer", "allergies_diet")

    def drop_sensitive(self) -> None:
        for name in self.SENSITIVE:
            delattr(self, name)

    def beneficiary_data(self) -> dict:
        names = [f.name for f in self if f.type not in ("CSRFTokenField", "HiddenField")]
        return {name: self[name].data for name in names}
