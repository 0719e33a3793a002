"""Fixtures for browser tests: a real HTTP server in a thread, Debian's Chromium through Playwright.

``live_server`` serves ``create_app`` with CSRF on (as in production) on a free port of
127.0.0.1, on the session's test database (SQLite by default, PostgreSQL when
FOODBANK_TEST_DATABASE_URL is set), emptied and seeded for core only, with one administrator.
``page`` is a fresh browser context per test; when a test fails its last screen is saved in
``test-artifacts/``. Playwright's own browser downloads are never used: the system Chromium is.
"""
from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, create_user, prepare_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN = "admin"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so that ``page`` knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class InFlight:
    """WSGI middleware counting requests being served, so teardown can wait for them."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.count += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


@dataclass
class LiveServer:
    url: str
    app: object
    database_url: str
    admin_password: str = PASSWORD

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(database_url, tmp_path):
    """The real application behind a real HTTP server, stopped when the test ends."""
    from werkzeug.serving import make_server

    from core.app import create_app

    prepare_database(database_url, plugins=[])
    app = create_app({
        "DATABASE_URL": database_url,
        "SECRET_KEY": "e2e-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
    })
    assert app.config.get("WTF_CSRF_ENABLED", True), "browser tests run with CSRF on"
    create_user(app, ADMIN, ("administrator",))
    # Port 0: the system picks a free port, and nothing can take it between choosing and binding.
    in_flight = InFlight(app)
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app,
                         database_url=database_url)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        # A request still running (e.g. waiting on a database lock) would hold the database
        # while the next test empties it: let it finish first (SQLite gives up after 30 s).
        if not in_flight.wait_idle(timeout=45):
            print("e2e: a request was still running when the server stopped")
        server.server_close()
        app.extensions["foodbank.db"].dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched once per test session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class BrowserPage:
    """What ``new_page`` opened, with the JavaScript errors each page reported."""
    pages: list = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)


@pytest.fixture
def new_page(browser, request):
    """Open pages in fresh contexts (own cookies): ``new_page(viewport=...)``.

    At teardown, if the test failed, every open page is saved as a screenshot (and its HTML)
    in ``test-artifacts/``.
    """
    opened = BrowserPage()
    contexts = []

    def _open(**context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: opened.js_errors.append(str(exc)))
        opened.pages.append(page)
        return page

    _open.opened = opened
    yield _open
    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
                 for when in ("setup", "call"))
    if failed:
        _save_artifacts(request.node.nodeid, opened.pages)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """One desktop-sized page (Playwright's default 1280x720 viewport)."""
    return new_page()


def _save_artifacts(nodeid: str, pages) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")
    for number, page in enumerate(pages):
        if page.is_closed():
            continue
        name = stem if number == 0 else f"{stem}-{number}"
        try:
            _screenshot(page, ARTIFACTS / f"{name}.png")
            (ARTIFACTS / f"{name}.txt").write_text(page.url + "\n", encoding="utf-8")
        except Exception as exc:  # a broken page must not hide the test's own failure
            print(f"could not save {name}: {exc}")


def _screenshot(page, path: Path) -> None:
    """Playwright's full-page screenshot; through CDP when a navigation hangs (server stuck)."""
    try:
        page.screenshot(path=str(path), full_page=True, timeout=3_000)
        path.with_suffix(".html").write_text(page.content(), encoding="utf-8")
        return
    except Exception:
        pass
    cdp = page.context.new_cdp_session(page)
    try:
        shot = cdp.send("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))
        html = cdp.send("Runtime.evaluate", {
            "expression": "document.documentElement.outerHTML", "returnByValue": True})
        path.with_suffix(".html").write_text(html["result"].get("value", ""), encoding="utf-8")
    finally:
        cdp.detach()


@pytest.fixture
def log_in(live_server):
    """Log in through the login form with the keyboard only; returns the page on the dashboard."""
    from playwright.sync_api import expect

    def _log_in(page, username: str = ADMIN, password: str = PASSWORD):
        page.goto(live_server("/login"))
        username_field = page.locator("#username")
        expect(username_field).to_be_focused()  # autofocus: a scanner or keyboard can start typing
        username_field.fill(username)
        password_field = page.locator("#password")
        password_field.fill(password)
        password_field.press("Enter")
        expect(page).to_have_url(live_server("/"))
        return page

    return _log_in
