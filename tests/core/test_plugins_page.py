"""The administrators' Plugins page."""
from __future__ import annotations

from sqlalchemy import create_engine

from core.plugin_manager import read_states
from tests.conftest import page_text


def test_plugins_page_lists_what_the_cli_lists(auth, client):
    auth.login("admin")
    page = page_text(client.get("/admin/plugins"))
    for name in ("inventory", "donors", "canteen", "compliance"):
        assert f'data-plugin="{name}"' in page
    assert "permissions, roles" in page  # hooks implemented
    assert "takes effect when the application restarts" in page


def test_enable_asks_for_confirmation_then_enables_with_dependencies(
        app, auth, client, database_url):
    auth.login("admin")
    confirm = page_text(client.get("/admin/plugins/compliance/enable"))
    assert "Enable compliance?" in confirm and "donors" in confirm
    engine = create_engine(database_url)
    assert "compliance" not in read_states(engine)  # a GET changes nothing
    done = client.post("/admin/plugins/compliance/enable", follow_redirects=True)
    text = page_text(done)
    assert "Plugin compliance enabled" in text
    assert "Also enabled, as dependencies: donors." in text
    assert "takes effect when the application restarts" in text
    states = read_states(engine)
    assert states["compliance"].enabled and states["donors"].enabled
    refused = page_text(client.post("/admin/plugins/donors/disable", follow_redirects=True))
    assert "cannot disable 'donors'" in refused and "compliance" in refused
    assert read_states(engine)["donors"].enabled
    engine.dispose()


def test_disable_keeps_data_and_says_so(make_app, database_url):
    app = make_app(["canteen"])
    client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(app, client).login("admin")
    text = page_text(client.post("/admin/plugins/canteen/disable", follow_redirects=True))
    assert "Plugin canteen disabled; its data is kept." in text
    engine = create_engine(database_url)
    assert read_states(engine)["canteen"].enabled is False
    engine.dispose()


def test_only_administrators_manage_plugins(auth, client):
    auth.login("acc", roles=("accountant",))
    assert client.get("/admin/plugins").status_code == 403
    assert client.post("/admin/plugins/inventory/enable").status_code == 403


def test_plugin_action_needs_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    from tests.conftest import create_user

    create_user(app, "admin")
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "admin", "password": "correct-horse-9",
                                "csrf_token": token})
    assert client.get("/").status_code == 200
    assert client.post("/admin/plugins/inventory/enable").status_code == 400
