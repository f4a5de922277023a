"""What the browser tests share besides their fixtures: the page watcher that collects console
errors and CSP violations, and where screenshots go."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
# The password of the accounts the browser tests make.
PASSWORD = "a-teaching-passphrase-that-is-long-81"

# Collects CSP violations from the first moment of every page; injected by the driver, so the
# page's own policy does not apply to it.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


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


@contextmanager
def browsers(browser, base_url: str, width: int = 1280, height: int = 900) -> Iterator[Callable]:
    """Yields `open_page(width, height)`: a page in a browser context of its own, so with its
    own cookies (another person, or a first-time visitor), watched by a `PageWatch`. Every
    context it opened is closed when the block ends."""
    contexts = []

    def open_page(width: int = width, height: int = height):
        context = browser.new_context(
            base_url=base_url, viewport={"width": width, "height": height}
        )
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.watch = PageWatch(page)
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def in_a_thread(work):
    """Runs database work where no event loop runs: Playwright's sync API keeps one in ours."""

    def run():
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
