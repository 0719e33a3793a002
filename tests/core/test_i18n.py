"""Romanian first, Russian and English: catalogs complete, pages and messages translated."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.config import DEFAULTS
from tests.conftest import AuthActions, create_user, page_text

ROOT = Path(__file__).resolve().parents[2]


def test_romanian_is_the_product_default():
    assert DEFAULTS["BABEL_DEFAULT_LOCALE"] == "ro"
    assert list(DEFAULTS["LANGUAGES"]) == ["ro", "ru", "en"]


CATALOGS = {  # catalog name -> folder with its babel.cfg and translations/
    "core": ROOT,
    **{p.name: p for p in sorted((ROOT / "plugins").iterdir()) if (p / "babel.cfg").exists()},
}


def _extract(folder: Path, tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
                   cwd=folder, check=True, capture_output=True)
    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def _translations(folder: Path) -> Path:
    return folder / "core" / "translations" if folder == ROOT else folder / "translations"


@pytest.mark.parametrize("catalog", sorted(CATALOGS))
def test_every_interface_string_is_translated(catalog, tmp_path):
    """Core and each plugin keep their own catalog; every string in ro and ru."""
    folder = CATALOGS[catalog]
    extracted = _extract(folder, tmp_path)
    for language in ("ro", "ru"):
        po = _translations(folder) / language / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            translated = {m.id for m in read_po(fh) if m.id and all(
                m.string if isinstance(m.string, tuple) else [m.string])}
        missing = sorted(str(m) for m in extracted - translated)
        assert missing == [], f"{catalog}: untranslated in {language}: {missing[:10]}"


def test_plugin_strings_come_from_the_plugins_catalog(make_app):
    app = make_app(["inventory"], BABEL_DEFAULT_LOCALE="ro")
    with app.test_request_context():
        from flask_babel import gettext

        assert gettext("See the inventory plugin") == "Vedeți pluginul inventory"


def test_login_page_and_messages_in_each_language(make_app):
    app = make_app(BABEL_DEFAULT_LOCALE="ro")
    create_user(app, "ana", ("accountant",))
    client = app.test_client()
    login = page_text(client.get("/login"))
    assert "Autentificare" in login and "Parolă" in login
    wrong = page_text(client.post("/login", data={"username": "ana", "password": "x"}))
    assert "Nume de utilizator sau parolă greșită." in wrong
    client.post("/lang/ru")
    assert "Пароль" in page_text(client.get("/login"))
    client.post("/lang/en")
    assert "Password" in page_text(client.get("/login"))


def test_menu_follows_the_users_language(make_app):
    app = make_app(BABEL_DEFAULT_LOCALE="ro")
    client = app.test_client()
    AuthActions(app, client).login("admin")
    assert ">Parteneri<" in page_text(client.get("/"))
    client.post("/lang/ru")
    assert ">Партнёры<" in page_text(client.get("/"))
