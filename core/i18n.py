"""Languages (Romanian first, Russian, English) and how dates, money and weights are shown."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from babel.numbers import format_decimal
from flask import Flask, current_app, request, session
from flask_babel import Babel, Domain, get_locale, to_user_timezone
from flask_login import current_user


class _PerAppDomain(Domain):
    """Flask-Babel caches translations per locale on one shared object; an app's catalogs
    depend on its enabled plugins, so keep the cache on each app."""

    def get_translations_cache(self, ctx):
        return current_app.extensions.setdefault("foodbank.translations", {})


class _Babel(Babel):
    @cached_property
    def domain_instance(self):
        return _PerAppDomain(domain=self.domain)


babel = _Babel()


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if request:
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        if session.get("lang") in languages:
            return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_date_ddmmyyyy(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return value.strftime("%d.%m.%Y")


def format_datetime_local(value: datetime | None) -> str:
    if value is None:
        return ""
    return to_user_timezone(value).strftime("%d.%m.%Y %H:%M")


def _locale_name() -> str:
    try:
        return str(get_locale() or "ro")
    except RuntimeError:
        return "ro"


def format_money(value: Decimal | int | None, currency: str = "lei") -> str:
    """``1234.5`` -> ``1.234,50 lei`` (Romanian), ``1,234.50 lei`` (English)."""
    if value is None:
        return ""
    text = format_decimal(Decimal(value), format="#,##0.00", locale=_locale_name())
    return f"{text} {currency}"


def format_kg(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{format_decimal(Decimal(value), format='#,##0.###', locale=_locale_name())} kg"


def init_app(app: Flask, translation_dirs: list[str]) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs)
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(format_date_ddmmyyyy, "date")
    app.add_template_filter(format_datetime_local, "datetime")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_kg, "kg")
