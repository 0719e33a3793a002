"""Forms of the catalogue and the locations. Domain checks (GTIN checksum, unique codes,
parent kinds) live in ``plugins.inventory.services``; views put its messages next to fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from plugins.inventory.models import (
    ALLERGENS,
    DATE_MARKS,
    LOCATION_KINDS,
    STORAGE_CONDITIONS,
    UNITS,
)


def _choices(labels: dict) -> list[tuple[str, object]]:
    return list(labels.items())


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name_ro = StringField(_l("Name (Romanian)"), validators=[DataRequired(), Length(max=200)])
    name_ru = StringField(_l("Name (Russian)"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    storage_condition = SelectField(_l("Storage condition"),
                                    choices=_choices(STORAGE_CONDITIONS), default="ambient")
    max_days_past_best_before = IntegerField(
        _l("Days past best-before still distributable"), default=0,
        validators=[Optional(), NumberRange(min=0)],
        description=_l("Lots past their best-before date may be distributed for this many days, "
                       "after a recorded quality check."))
    kg_per_meal = DecimalField(_l("kg per meal equivalent"), default=0.5, places=3,
                               validators=[Optional(), NumberRange(min=0)])
    co2e_per_kg = DecimalField(_l("kg CO2e avoided per kg"), default=2.5, places=3,
                               validators=[Optional(), NumberRange(min=0)])
    active = BooleanField(_l("Active"), default=True)

    def category_data(self) -> dict:
        return {name: self[name].data for name in (
            "code", "name_ro", "name_ru", "name_en", "storage_condition",
            "max_days_past_best_before", "kg_per_meal", "co2e_per_kg", "active")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProductForm(FlaskForm):
    gtin = StringField(_l("GTIN / EAN barcode"), validators=[Optional(), Length(max=20)],
                       description=_l("Scan the barcode or type its digits."))
    name_ro = StringField(_l("Name (Romanian)"), validators=[DataRequired(), Length(max=200)])
    name_ru = StringField(_l("Name (Russian)"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    category = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    unit = SelectField(_l("Unit"), choices=_choices(UNITS), default="kg")
    net_kg_per_unit = DecimalField(_l("Net kg per unit"), default=1, places=3,
                                   validators=[Optional()])
    storage_condition = SelectField(
        _l("Storage condition"), choices=[("", _l("As the category")),
                                          *_choices(STORAGE_CONDITIONS)], default="")
    date_mark = SelectField(_l("Date mark"), choices=_choices(DATE_MARKS), default="best_before")
    allergens = MultiCheckboxField(_l("Allergens"), choices=_choices(ALLERGENS))
    alcoholic = BooleanField(_l("Alcoholic"))
    value_per_kg = DecimalField(_l("Default value per kg (lei)"), default=0, places=2,
                                validators=[Optional(), NumberRange(min=0)])
    min_stock_kg = DecimalField(_l("Minimum stock (kg)"), default=0, places=3,
                                validators=[Optional(), NumberRange(min=0)])
    active = BooleanField(_l("Active"), default=True)

    def product_data(self) -> dict:
        data = {name: self[name].data for name in (
            "gtin", "name_ro", "name_ru", "name_en", "category", "unit", "net_kg_per_unit",
            "storage_condition", "date_mark", "allergens", "alcoholic", "value_per_kg",
            "min_stock_kg", "active")}
        data["allergens"] = data["allergens"] or []
        return data


class LocationForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices(LOCATION_KINDS), default="warehouse")
    parent = SelectField(_l("Inside"), coerce=int, default=0)
    storage_condition = SelectField(_l("Storage condition"),
                                    choices=_choices(STORAGE_CONDITIONS), default="ambient")
    partner = SelectField(_l("Partner organisation"), coerce=int, default=0,
                          description=_l("For partner and canteen locations."))
    active = BooleanField(_l("Active"), default=True)

    def location_data(self) -> dict:
        return {name: self[name].data for name in (
            "code", "name", "kind", "parent", "storage_condition", "partner", "active")}

