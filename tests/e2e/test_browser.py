"""A real browser against a real server: log in, languages, enabling a plugin, log out, tablet menu.

Selectors are structural (ids, hrefs, data attributes, CSS classes), never translated text, so
these tests keep passing while the Romanian, Russian and English catalogs are being written.
"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api").expect

PLUGINS_HREF = "/admin/plugins"


def _switch_language(page, code: str) -> None:
    page.locator(f'form.lang-switch button[lang="{code}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    current = page.locator("form.lang-switch button.lang.current")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("lang", code)
    expect(current).to_have_attribute("aria-current", "true")


def test_admin_logs_in_switches_language_and_enables_a_plugin(page, new_page, live_server,
                                                               log_in):
    log_in(page)

    # The dashboard, in Romanian (the default), with the welcome message and the full menu.
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator(".flash-success")).to_contain_text("Admin")
    expect(page.locator(".account")).to_contain_text("Admin")
    expect(page.locator(f'#nav a[href="{PLUGINS_HREF}"]')).to_be_visible()
    expect(page.locator(".nav-toggle")).to_be_hidden()  # desktop: the menu is always shown

    # Russian, then back to Romanian; the choice is a POST with the CSRF token.
    _switch_language(page, "ru")
    expect(page).to_have_url(live_server("/"))
    _switch_language(page, "ro")
    expect(page).to_have_url(live_server("/"))

    # Plugins page from the menu; inventory starts disabled.
    page.locator(f'#nav a[href="{PLUGINS_HREF}"]').click()
    expect(page).to_have_url(live_server(PLUGINS_HREF))
    row = page.locator('tr[data-plugin="inventory"]')
    expect(row.locator(".badge.off")).to_be_visible()
    expect(row.locator(".badge.ok")).to_have_count(0)

    # Enable -> confirmation page -> confirm.
    row.locator('a[href$="/admin/plugins/inventory/enable"]').click()
    expect(page).to_have_url(live_server("/admin/plugins/inventory/enable"))
    expect(page.locator("main h1")).to_contain_text("inventory")
    page.locator('main form[method="post"] button[type="submit"]').click()

    expect(page).to_have_url(live_server(PLUGINS_HREF))
    flash = page.locator(".flashes .flash-success")
    expect(flash).to_have_count(1)
    expect(flash).to_contain_text("inventory")
    row = page.locator('tr[data-plugin="inventory"]')
    expect(row.locator(".badge.ok")).to_be_visible()
    expect(row.locator(".badge.off")).to_have_count(0)
    expect(row.locator('a[href$="/admin/plugins/inventory/disable"]')).to_be_visible()

    # What the page says is what the database holds.
    from core.plugin_manager import read_states

    engine = create_engine(live_server.database_url)
    try:
        states = read_states(engine)
    finally:
        engine.dispose()
    assert "inventory" in states and states["inventory"].enabled

    assert new_page.opened.js_errors == []


def test_logging_out_ends_the_session(page, live_server, log_in):
    log_in(page)
    page.locator('.account form[action="/logout"] button[type="submit"]').click()

    expect(page).to_have_url(live_server("/login"))
    expect(page.locator(".flashes .flash-info")).to_be_visible()
    expect(page.locator(".account")).to_have_count(0)
    expect(page.locator("#nav")).to_have_count(0)

    # The dashboard is closed again: the browser is sent back to the login form.
    page.goto(live_server("/"))
    expect(page).to_have_url(live_server("/login?next=%2F"))
    expect(page.locator("#username")).to_be_visible()


def test_wrong_password_keeps_the_visitor_on_the_login_form(page, live_server):
    page.goto(live_server("/login"))
    page.locator("#username").fill("admin")
    page.locator("#password").fill("not-the-password")
    page.locator("#password").press("Enter")

    expect(page.locator(".flashes .flash-error")).to_be_visible()
    expect(page.locator("#password")).to_be_visible()
    expect(page.locator(".account")).to_have_count(0)


def test_menu_toggle_opens_the_menu_on_a_tablet(new_page, live_server, log_in):
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page)

    toggle = page.locator("button.nav-toggle")
    nav = page.locator("#nav")
    plugins_link = nav.locator(f'a[href="{PLUGINS_HREF}"]')
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()

    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(plugins_link).to_be_visible()

    toggle.click()
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # Opened again, the menu leads somewhere.
    toggle.click()
    plugins_link.click()
    expect(page).to_have_url(live_server(PLUGINS_HREF))
    expect(page.locator('tr[data-plugin="inventory"]')).to_be_visible()
    assert new_page.opened.js_errors == []
