import re
import uuid

import pytest

from courseware.content import load_course

pytestmark = pytest.mark.browser

LESSON = load_course().lessons[0]
PASSWORD = "a-long-and-unusual-passphrase-93"


@pytest.mark.django_db
def test_the_test_database_exists_for_the_live_server():
    """Asking for the database makes pytest-django create it when only browser tests run."""
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username="nobody-yet").count() == 0


class TestAccounts:
    def test_sign_up_keeps_what_the_anonymous_learner_did(
        self, page, assert_accessible, screenshot
    ):
        page.goto(f"/lessons/{LESSON.slug}/")
        for question in LESSON.checks:
            section = page.locator(f"#check-{question.id}")
            section.locator(f"label.check__choice:has(input[value='{question.answer}'])").click()
            section.get_by_role("button", name="Check my answer").click()
            page.locator(f"#check-{question.id} .feedback--right").wait_for()

        page.get_by_role("link", name="Sign up").click()
        page.wait_for_url("**/accounts/signup/")
        screenshot(page, "signup")
        assert_accessible(page)
        username = f"learner-{uuid.uuid4().hex[:8]}"
        page.get_by_label("Username").fill(username)
        page.get_by_label("Email").fill(f"{username}@example.org")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password confirmation").fill(PASSWORD)
        page.get_by_role("button", name="Create the account").click()
        page.wait_for_url(re.compile(r"/$"))

        account = page.get_by_role("navigation", name="Account")
        assert username in account.inner_text()
        first = page.locator(".outline__item").first
        assert "Checked" in first.locator(".state").inner_text()
        screenshot(page, "home-signed-in")

        page.goto("/progress/")
        assert f"Signed in as {username}" in page.locator("main").inner_text()
        assert "1 of" in page.locator(".progress-page__tally").inner_text()
        screenshot(page, "progress")
        assert_accessible(page)

        account = page.get_by_role("navigation", name="Account")
        account.get_by_role("button", name="Sign out").click()
        page.wait_for_url(re.compile(r"/$"))
        assert "Not started" in page.locator(".outline__item").first.inner_text()

        page.get_by_role("link", name="Sign in").click()
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/$"))
        assert "Checked" in page.locator(".outline__item").first.inner_text()
        page.watch.assert_clean()

    def test_a_wrong_password_is_refused_politely(self, page, assert_accessible, screenshot):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("nobody-at-all")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.locator(".form-errors").wait_for()
        screenshot(page, "login-error")
        assert_accessible(page)

    def test_the_header_fits_a_phone(self, page, screenshot):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/accounts/signup/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "signup-phone")
