"""Headless Chromium (Debian's, never a downloaded one) driving the app over real HTTP.

The app runs in a thread (werkzeug's server on 127.0.0.1, a free port) over the test database
with the demo province loaded and CSRF on, as in production. Each step's screenshot goes to
`test-artifacts/<test>/`. A missing chromium fails the tests loudly: `make test` installs it.
"""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import _empty_tables, make_config
from tracker import create_app
from tracker.extensions import db

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_PASSWORDS = {
    "admin@tinh.gov.vn": "quantri-demo",
    "chuyenvien@tinh.gov.vn": "chuyenvien-demo",
    "stc@tinh.gov.vn": "sotaichinh-demo",
    "lanhdao@tinh.gov.vn": "lanhdao-demo",
}
#: every wait is bounded: a scenario stays well under 20 s or fails
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "chromium is not installed: the browser tests use Debian's chromium "
            "(apt-get install chromium; `make test` does it), never a downloaded browser"
        )
    return path


@pytest.fixture(scope="package")
def browser(chromium_path):
    """One Chromium for the browser tests. Package-scoped: Playwright's sync API keeps an event
    loop running in the main thread while it lives, and the tests after this package call
    `asyncio.run()` (pyHanko signs and verifies PDFs), which refuses to run inside one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(database_url, tmp_path):
    """The app with CSRF on and the demo loaded, served on 127.0.0.1 in a thread."""
    app = create_app(make_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    with app.app_context():
        _empty_tables()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(10)
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Shots:
    """Numbered screenshots of one test under test-artifacts/<test name>/."""

    def __init__(self, name: str):
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def __call__(self, page, step: str, full_page: bool = False) -> Path:
        """The visible part by default: a full long page (the review screen) is slow to shoot."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def shots(request) -> Shots:
    return Shots(request.node.name)


@pytest.fixture
def new_page(browser, live_app):
    """Open a page in a fresh browser context (its own cookies: one user each)."""
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_app.config["LIVE_URL"],
            locale="vi-VN",
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: errors.append(msg.text) if msg.type == "error" else None,
        )
        # which resource failed (the console only says "404"); a refused request under test
        # is checked by the test itself
        page.on(
            "response",
            lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.js_errors = errors  # CSP violations and script errors show up here
        return page

    yield open_page
    for context in contexts:
        context.close()


def login(page, email: str) -> None:
    page.goto("/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', DEMO_PASSWORDS[email])
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r"/dashboard"))
