"""Browser tests: Playwright drives Debian's Chromium against the app served on loopback.

The app under test runs in a thread on its own database (a SQLite file, or a
``<name>_browser`` database beside TEST_DATABASE_URL on PostgreSQL), migrated and loaded
with reference and demo data, because a real browser needs committed data.

Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it); Playwright
never downloads a browser of its own. Without Chromium these tests are skipped, unless
REQUIRE_BROWSER=1 (as in CI), when they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tracker.config import PROJECT_ROOT, normalise_database_url

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "browser-test-password"

# Flags from the machine notes: no background networking (the network is closed),
# no sandbox (CI runs as root), a throwaway profile per launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_database_url(tmp_path: Path) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'browser.db'}"
    url = make_url(normalise_database_url(base))
    name = f"{url.database}_browser"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def live_server(app, tmp_path_factory):
    """Base URL of the app served on 127.0.0.1 with demo data."""
    from flask_migrate import upgrade

    from tests.conftest import ODS_FOLDER
    from tracker import create_app
    from tracker.demo import load_demo
    from tracker.extensions import db
    from tracker.organisations.ods_import import import_ods
    from tracker.reference import load_reference_data

    url = _browser_database_url(tmp_path_factory.mktemp("browser"))
    served = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True, "DEMO_PASSWORD": DEMO_PASSWORD})
    with served.app_context():
        upgrade()
        load_reference_data()
        import_ods(ODS_FOLDER)
        db.session.commit()
        load_demo()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with served.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"JavaScript errors or console errors on the page: {errors}"


def check_accessibility(page) -> None:
    """Run axe-core (WCAG 2.2 A/AA rules) on the current page: no serious or critical violations."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    # Evaluated through the DevTools protocol, so the page's CSP (rightly) need not allow it.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    assert result["passes"], "axe-core ran no checks: is the page empty?"
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"Accessibility violations on {page.url}:\n" + "\n".join(serious)


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")
