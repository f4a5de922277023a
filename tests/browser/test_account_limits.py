"""Throttles, password reset and the settings page as a person meets them in Chromium.

These run against a server of their own with low limits (two sign-ups an hour, three wrong
passwords), so that tripping them does not hold back the other browser tests' server.
"""

from __future__ import annotations

import quopri
import re
import uuid

import pytest
from playwright.sync_api import expect

from bench.harness import server_env, start_daphne
from tests.browser.helpers import browsers, in_a_thread

pytestmark = pytest.mark.browser

PASSWORD = "a-long-and-unusual-passphrase-93"
SHOTS = "accounts"


def forget_failed_sign_ins():
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


@pytest.fixture(scope="class")
def strict_server(server_database, collected_static, tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        in_a_thread(forget_failed_sign_ins)
    limits = {"DJANGO_RATE_SIGNUP": "2/h", "DJANGO_LOGIN_FAILURE_LIMIT": "3"}
    server = start_daphne(
        env=server_env(server_database, limits),
        log_path=tmp_path_factory.mktemp("strict") / "daphne.log",
    )
    try:
        yield server
    finally:
        server.stop()
        # The lockout counts live in the shared database: leave none for the other tests.
        with django_db_blocker.unblock():
            in_a_thread(forget_failed_sign_ins)


@pytest.fixture
def visitor(browser, strict_server):
    """A fresh browser (no cookies) on the strict server: `visitor(width, height)`."""
    with browsers(browser, strict_server.url, height=800) as open_page:
        yield open_page


def sign_up(page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def assert_clean_but_for(page, status: int) -> None:
    """Chromium reports a page answered with an error status as a console error; a refusal
    the test asked for is expected, anything else is not."""
    expected = f"status of {status} "
    page.watch.console_errors = [e for e in page.watch.console_errors if expected not in e]
    page.watch.assert_clean()


class TestLimitsAndSettings:
    names = [f"limit-{uuid.uuid4().hex[:8]}" for _ in range(2)]

    def test_the_third_sign_up_from_one_address_is_told_to_wait(
        self, visitor, assert_accessible, screenshot
    ):
        for name in self.names:
            page = visitor()
            sign_up(page, name)
            page.wait_for_url(re.compile(r"/$"))
        page = visitor()
        sign_up(page, f"limit-{uuid.uuid4().hex[:8]}")
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Too many accounts were created from this address")
        expect(alert).to_contain_text("an hour")
        expect(page.locator(".site-header")).to_be_visible()
        screenshot(page, f"{SHOTS}-signup-throttled")
        assert_accessible(page)
        assert_clean_but_for(page, 429)

    def test_a_forgotten_password_is_reset_by_email(
        self, visitor, strict_server, assert_accessible, screenshot
    ):
        page = visitor()
        page.goto("/accounts/login/")
        page.get_by_role("link", name="Forgot your password?").click()
        page.get_by_label("Email").fill(f"{self.names[0]}@example.org")
        screenshot(page, f"{SHOTS}-reset-form")
        assert_accessible(page)
        page.get_by_role("button", name="Send the link").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        # The console backend prints the message quoted-printable, long lines broken with "=".
        mails = quopri.decodestring(strict_server.log().encode()).decode()
        links = re.findall(r"http://[^\s]+/accounts/reset/[^\s]+/", mails)
        assert links, "no reset email in the server's log"
        path = re.sub(r"^http://[^/]+", "", links[-1])
        page.goto(path)
        expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
        screenshot(page, f"{SHOTS}-reset-confirm")
        assert_accessible(page)
        new = "a-fresh-passphrase-after-reset-12"
        page.get_by_label("New password", exact=True).fill(new)
        page.get_by_label("New password confirmation").fill(new)
        page.get_by_role("button", name="Set the new password").click()
        expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()
        sign_in(page, self.names[0], new)
        page.wait_for_url(re.compile(r"/$"))
        expect(page.get_by_role("navigation", name="Account")).to_contain_text(self.names[0])
        page.watch.assert_clean()

    def test_the_settings_page_downloads_the_data_and_deletes_the_account(
        self, visitor, assert_accessible, screenshot
    ):
        page = visitor()
        sign_in(page, self.names[1], PASSWORD)
        page.wait_for_url(re.compile(r"/$"))
        page.get_by_role("navigation", name="Account").get_by_role("link", name="Settings").click()
        expect(page.get_by_role("heading", name="Your settings")).to_be_visible()
        screenshot(page, f"{SHOTS}-settings")
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download your data (JSON)").click()
        assert download.value.suggested_filename.endswith(".json")
        page.get_by_label("Your password").fill("not-my-password")
        page.get_by_role("button", name="Delete my account").click()
        expect(page.locator(".field__errors")).to_contain_text("That is not your password")
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
        expect(page.get_by_role("navigation", name="Account")).to_contain_text("Sign in")
        phone = visitor(390, 844)
        sign_in(phone, self.names[0], "a-fresh-passphrase-after-reset-12")
        phone.goto("/accounts/settings/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, f"{SHOTS}-settings-phone")
        assert_clean_but_for(page, 400)

    def test_wrong_passwords_pause_sign_in_with_a_clear_page(
        self, visitor, assert_accessible, screenshot
    ):
        page = visitor()
        for _ in range(3):
            sign_in(page, self.names[0], "not-the-password")
            expect(page.locator(".form-errors")).to_be_visible()
        sign_in(page, self.names[0], "a-fresh-passphrase-after-reset-12")
        expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("Too many wrong passwords")
        expect(page.get_by_role("navigation", name="Account")).to_contain_text("Sign in")
        screenshot(page, f"{SHOTS}-login-locked")
        assert_accessible(page)
        phone = visitor(390, 844)
        sign_in(phone, self.names[0], "a-fresh-passphrase-after-reset-12")
        expect(phone.get_by_role("heading", name="Sign-in paused")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, f"{SHOTS}-login-locked-phone")
        assert_clean_but_for(page, 429)
