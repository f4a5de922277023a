"""A real daphne process, a real Chromium, and the checks every page must pass.

The server runs with production settings (DEBUG off, strict CSP, hashed static files) against
the test database, so what the browser sees is what a learner would.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from bench.harness import server_env, start_daphne
from tests.browser.helpers import (
    CSP_LISTENER,
    PASSWORD,
    SCREENSHOTS,
    PageWatch,
    browsers,
    in_a_thread,
)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site_server(server_database, collected_static, tmp_path_factory):
    """A daphne process serving the site on the test database; `.url`, `.log()`."""
    server = start_daphne(
        env=server_env(server_database),
        log_path=tmp_path_factory.mktemp("server") / "daphne.log",
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="class")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site_server, request):
    context = browser.new_context(base_url=site_server.url, viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.watch = PageWatch(page)
    yield page
    context.close()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Runs axe-core in the page; evaluate() is not subject to the page's CSP."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations = json.loads(result)["violations"]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in violations
        if v["impact"] in impacts
    ]


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=2)

    return check


@pytest.fixture
def screenshot():
    """Saves full-page screenshots under var/screenshots for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="class")
def teacher_account(django_db_blocker, site_server):
    """A staff account the server process can see: written outside any test transaction."""
    from django.contrib.auth import get_user_model

    username = f"teacher-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        user = in_a_thread(
            lambda: get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
        )
    yield username
    with django_db_blocker.unblock():
        in_a_thread(user.delete)  # and its rooms with it, so no later test meets them


@pytest.fixture
def person(browser, site_server):
    """Opens another person's browser: `person()` -> a page with its own cookies."""
    with browsers(browser, site_server.url) as open_page:
        yield open_page
