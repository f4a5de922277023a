"""A real daphne process, a real Chromium, and the checks every page must pass.

The server runs with production settings (DEBUG off, strict CSP, hashed static files) against
the test database, so what the browser sees is what a learner would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from bench.harness import server_env, start_daphne

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
# Collects CSP violations from the first moment of every page; injected by the driver, so the
# page's own policy does not apply to it.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


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


class PageWatch:
    """Everything a page said that a learner should never cause: console errors, CSP blocks."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self) -> None:
        assert self.page_errors == [], self.page_errors
        assert self.console_errors == [], self.console_errors
        assert self.csp_violations() == []


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


SCREENSHOTS = ROOT / "var" / "screenshots"


@pytest.fixture
def screenshot():
    """Saves full-page screenshots under var/screenshots for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
