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
    """Picks a choice by its index in the lesson file, wherever the shuffle put it."""
    section = page.locator(f"#check-{question.id}")
    section.locator(f"label.check__choice:has(input[value='{choice}'])").click()
    section.get_by_role("button", name="Check my answer").click()
    return page.locator(f"#check-{question.id}")


def shown_orders(page, lesson) -> list[list[str]]:
    """For each check of the lesson, the choices' file indices in the order the page shows them."""
    return [
        page.locator(f"#check-{q.id} input[name=choice]").evaluate_all(
            "inputs => inputs.map(i => i.value)"
        )
        for q in lesson.checks
    ]


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
        feedback = section.locator(".feedback--hint")
        feedback.wait_for()
        assert question.hints[wrong] in feedback.inner_text()
        assert section.locator(".feedback__why").count() == 0
        # The answer came back as a fragment: same address, and focus moved to the feedback.
        assert page.url.endswith(f"/lessons/{FIRST.slug}/")
        assert page.evaluate("document.activeElement.classList.contains('feedback')")
        section.scroll_into_view_if_needed()
        screenshot(page, "check-hint")

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


class TestChoicesAndHints:
    def test_two_learners_see_their_own_orders_and_keep_them_on_reload(
        self, page, browser, site_server
    ):
        lessons = COURSE.lessons[:3]
        mine = []
        for lesson in lessons:
            page.goto(f"/lessons/{lesson.slug}/")
            mine.append(shown_orders(page, lesson))
        other_context = browser.new_context(base_url=site_server.url)
        other = other_context.new_page()
        theirs = []
        for lesson in lessons:
            other.goto(f"/lessons/{lesson.slug}/")
            theirs.append(shown_orders(other, lesson))
        # Nine questions of two or three choices: the same orders twice would be no shuffle.
        assert mine != theirs
        for lesson, before in zip(lessons, mine, strict=True):
            page.goto(f"/lessons/{lesson.slug}/")
            assert shown_orders(page, lesson) == before
        for lesson, before in zip(lessons, theirs, strict=True):
            other.goto(f"/lessons/{lesson.slug}/")
            assert shown_orders(other, lesson) == before
        other_context.close()
        page.watch.assert_clean()

    def test_a_wrong_first_answer_shows_a_hint_then_the_answer_on_request(
        self, page, assert_accessible, screenshot
    ):
        lesson = COURSE.lessons[3]
        question = next(q for q in lesson.checks if len(q.choices) == 3)
        wrong = (question.answer + 1) % len(question.choices)
        page.goto(f"/lessons/{lesson.slug}/")
        section = answer(page, question, wrong)
        hint = section.locator(".feedback--hint")
        hint.wait_for()
        text = hint.inner_text()
        assert question.hints[wrong] in text
        assert question.choices[question.answer] not in text
        assert question.explanation not in section.inner_text()
        section.scroll_into_view_if_needed()
        screenshot(page, "check-hint-first-wrong")
        assert_accessible(page)

        section.get_by_role("button", name="Show me the answer").click()
        shown = page.locator(f"#check-{question.id} .feedback--shown")
        shown.wait_for()
        assert question.choices[question.answer] in shown.inner_text()
        assert shown.locator(".feedback__why").inner_text() == question.explanation
        screenshot(page, "check-answer-shown")

        other = next(q for q in lesson.checks if q is not question)
        first_wrong = (other.answer + 1) % len(other.choices)
        answer(page, other, first_wrong).locator(".feedback--hint").wait_for()
        second = answer(page, other, first_wrong)
        second.locator(".feedback--wrong").wait_for()
        assert other.choices[other.answer] in second.locator(".feedback__verdict").inner_text()
        assert second.locator(".feedback__why").inner_text() == other.explanation
        page.watch.assert_clean()

    def test_hints_and_shuffled_choices_work_without_javascript(self, browser, site_server):
        context = browser.new_context(base_url=site_server.url, java_script_enabled=False)
        page = context.new_page()
        lesson = COURSE.lessons[4]
        question = lesson.checks[0]
        wrong = (question.answer + 1) % len(question.choices)
        page.goto(f"/lessons/{lesson.slug}/")
        order = shown_orders(page, lesson)
        answer(page, question, wrong)
        page.wait_for_load_state()
        section = page.locator(f"#check-{question.id}")
        assert question.hints[wrong] in section.locator(".feedback--hint").inner_text()
        assert shown_orders(page, lesson) == order
        section.get_by_role("button", name="Show me the answer").click()
        page.wait_for_load_state()
        shown = page.locator(f"#check-{question.id} .feedback--shown")
        assert question.choices[question.answer] in shown.inner_text()
        context.close()


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
