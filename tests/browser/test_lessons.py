import re
from pathlib import Path

import pytest

from courseware.content import load_course

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]
SECOND = COURSE.lessons[1]
NAMING = next(
    lesson for lesson in COURSE.lessons if any(t.kind == "naming-checker" for t in lesson.tries)
)


@pytest.mark.django_db
def test_the_live_server_uses_the_test_database():
    """Runs outside the browser's event loop; asking for the database makes pytest-django create
    it even when only browser tests were collected."""
    from django.db import connection

    name = Path(connection.settings_dict["NAME"]).name
    # SQLite's test file is test-<pid>.sqlite3; PostgreSQL's test database is test_<name>.
    assert name.startswith(("test-", "test_"))


def answer(page, question, choice: int):
    section = page.locator(f"#check-{question.id}")
    section.locator("label.check__choice").nth(choice).click()
    section.get_by_role("button", name="Check my answer").click()
    return page.locator(f"#check-{question.id}")


class TestLessonPage:
    def test_reading_answering_and_seeing_progress_on_the_outline(
        self, page, assert_accessible, screenshot
    ):
        page.goto(f"/lessons/{FIRST.slug}/")
        assert page.locator("h1").inner_text() == FIRST.title
        assert page.get_by_role("heading", name="You will be able to").is_visible()
        assert page.get_by_role("heading", name="Key takeaways").is_visible()
        screenshot(page, "lesson-first")

        question = FIRST.checks[0]
        wrong = (question.answer + 1) % len(question.choices)
        section = answer(page, question, wrong)
        feedback = section.locator(".feedback--wrong")
        feedback.wait_for()
        assert "Not quite" in feedback.inner_text()
        assert question.choices[question.answer] in feedback.inner_text()
        assert feedback.locator(".feedback__why").inner_text() == question.explanation
        # The answer came back as a fragment: same address, and focus moved to the feedback.
        assert page.url.endswith(f"/lessons/{FIRST.slug}/")
        assert page.evaluate("document.activeElement.classList.contains('feedback')")
        section.scroll_into_view_if_needed()
        screenshot(page, "check-wrong")

        section = answer(page, question, question.answer)
        section.locator(".feedback--right").wait_for()
        assert "Right" in section.locator(".feedback__verdict").inner_text()
        assert section.locator(".feedback__why").inner_text() == question.explanation
        assert_accessible(page)

        for other in FIRST.checks[1:]:
            answer(page, other, other.answer).locator(".feedback--right").wait_for()
        screenshot(page, "lesson-first-answered")

        page.goto("/")
        first_item = page.locator(".outline__item").first
        assert "Checked" in first_item.locator(".state").inner_text()
        assert first_item.locator(".state__icon").inner_text() == "✓"
        continue_button = page.get_by_role("link", name=re.compile("Continue where you left off"))
        assert continue_button.get_attribute("href") == f"/lessons/{SECOND.slug}/"
        screenshot(page, "home-with-progress")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_the_pager_moves_to_the_next_lesson_at_the_top_of_the_page(self, page):
        page.goto(f"/lessons/{FIRST.slug}/")
        page.locator("a[rel=next]").click()
        page.wait_for_url(f"**/lessons/{SECOND.slug}/")
        page.locator("h1", has_text=SECOND.title).wait_for()
        assert page.title().startswith(SECOND.title)
        assert page.evaluate("window.scrollY") < 50
        page.go_back()
        page.wait_for_url(f"**/lessons/{FIRST.slug}/")
        page.locator("h1", has_text=FIRST.title).wait_for()
        page.watch.assert_clean()

    def test_the_inline_naming_checker(self, page, assert_accessible, screenshot):
        page.goto(f"/lessons/{NAMING.slug}/")
        box = page.locator(".try--naming-checker").first
        box.get_by_label("A message name").fill("SendInvoice")
        box.get_by_role("button", name="Check the name").click()
        verdict = box.locator(".verdict")
        verdict.wait_for()
        assert "a command" in verdict.inner_text()
        assert page.url.endswith(f"/lessons/{NAMING.slug}/")
        example = box.locator(".namecheck__example").first
        example_name = example.inner_text()
        example.click()
        box.locator(".verdict__headline", has_text=example_name).wait_for()
        box.scroll_into_view_if_needed()
        screenshot(page, "lesson-naming-checker")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_a_scenario_try_links_to_the_simulator(self, page):
        lesson = next(
            lesson for lesson in COURSE.lessons if any(t.kind == "scenario" for t in lesson.tries)
        )
        scenario = next(t for t in lesson.tries if t.kind == "scenario").scenario
        page.goto(f"/lessons/{lesson.slug}/")
        link = page.locator(".try--scenario a.button").first
        assert link.get_attribute("href") == f"/simulator/?scenario={scenario}"


class TestEveryLesson:
    @pytest.mark.parametrize("lesson", COURSE.lessons, ids=lambda lesson: lesson.slug)
    def test_is_accessible_clean_and_fits_a_phone(
        self, page, lesson, assert_accessible, screenshot
    ):
        response = page.goto(f"/lessons/{lesson.slug}/")
        assert response.status == 200
        assert_accessible(page)
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{lesson.slug} scrolls sideways on a phone ({width}px)"
        if lesson.order in (1, 4):
            screenshot(page, f"lesson-{lesson.order:02d}-phone")
        page.watch.assert_clean()

    def test_a_lesson_in_the_dark_on_a_phone(self, page, assert_accessible, screenshot):
        page.set_viewport_size({"width": 390, "height": 844})
        page.emulate_media(color_scheme="dark")
        page.goto(f"/lessons/{NAMING.slug}/")
        question = NAMING.checks[0]
        answer(page, question, question.answer).locator(".feedback--right").wait_for()
        screenshot(page, "lesson-phone-dark")
        assert_accessible(page)
        page.watch.assert_clean()
