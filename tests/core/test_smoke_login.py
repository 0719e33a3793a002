"""Logging in, out, and what an anonymous visitor sees."""
from __future__ import annotations


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_shows_dashboard_with_menu(auth, client):
    response = auth.login("admin")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Admin" in page  # the user's name in the top bar
    assert 'href="/admin/plugins"' in page  # administrators see the Plugins menu


def test_wrong_password_is_refused(auth, client):
    auth.login("admin")
    auth.logout()
    response = client.post("/login", data={"username": "admin", "password": "nope"})
    assert response.status_code == 401
    assert client.get("/").status_code == 302
