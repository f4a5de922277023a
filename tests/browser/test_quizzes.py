import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.banks import load_banks
from tests.browser.helpers import in_a_thread

pytestmark = pytest.mark.browser
NAMING_SIZE = len(load_banks().by_slug["naming"].questions)

FLOW = [
    "PlaceOrder",
    "OrderPlaced",
    "ProcessPayment",
    "PaymentCompleted",
    "ShipOrder",
    "OrderShipped",
]


def start_quiz(page, slug):
    page.goto(f"/quizzes/{slug}/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(f"**/quizzes/{slug}/attempts/*/")


class TestQuizzes:
    def test_the_list(self, page, assert_accessible, screenshot):
        assert page.goto("/quizzes/").status == 200
        assert page.locator(".quiz-list__item").count() >= 4
        screenshot(page, "quizzes-list")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_take_a_quiz_right_and_wrong_and_read_the_results(
        self, page, assert_accessible, screenshot
    ):
        start_quiz(page, "naming")
        assert_accessible(page)

        first = page.locator("#q-refund-issued")
        first.get_by_label("Event").check()
        first.get_by_role("button", name="Check my answer").click()
        feedback = page.locator("#q-refund-issued .feedback")
        feedback.wait_for()
        assert "Right." in feedback.inner_text()
        assert "already gone out" in feedback.inner_text()
        assert page.evaluate("document.activeElement.classList.contains('feedback')")
        assert (
            page.locator("#quiz-progress").inner_text()
            == f"Answered 1 of {NAMING_SIZE}; 1 right so far."
        )

        second = page.locator("#q-archive-project")
        second.get_by_label("Event").check()
        second.get_by_role("button", name="Check my answer").click()
        wrong = page.locator("#q-archive-project .feedback--wrong")
        wrong.wait_for()
        assert "Not quite." in wrong.inner_text()
        assert "The right answer: Command" in wrong.inner_text()

        rename = page.locator("#q-rename-send-welcome-email")
        rename.get_by_label("Your new name").fill("EmailDelivered")
        rename.get_by_role("button", name="Check my answer").click()
        checker = page.locator("#q-rename-send-welcome-email .feedback--wrong")
        checker.wait_for()
        assert "The checker says:" in checker.inner_text()
        page.locator("#q-rename-send-welcome-email").scroll_into_view_if_needed()
        screenshot(page, "quiz-attempt")
        assert_accessible(page)

        page.get_by_role("link", name="See your results").click()
        page.wait_for_url("**/results/")
        assert f"1 of {NAMING_SIZE} right" in page.locator(".score__figure").inner_text()
        assert page.locator(".results__item--wrong").count() == 2
        assert (
            page.get_by_role("link", name="Revisit the lesson: The grammatical test").count() >= 1
        )
        screenshot(page, "quiz-results")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_order_question_by_keyboard_alone(self, page, assert_accessible, screenshot):
        start_quiz(page, "topology")
        question = page.locator("#q-order-flow")
        selects = question.locator("select")
        assert selects.count() == len(FLOW)
        labels = question.locator(".order-list__label").all_inner_texts()
        assert labels != FLOW, "the items start shuffled"
        selects.first.focus()
        for label in labels:
            page.keyboard.press(str(FLOW.index(label) + 1))
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Check my answer"
        screenshot(page, "quiz-order-filled")
        page.keyboard.press("Enter")
        feedback = page.locator("#q-order-flow .feedback--right")
        feedback.wait_for()
        assert "Right." in feedback.inner_text()
        assert " → ".join(FLOW) in feedback.inner_text()
        assert_accessible(page)
        page.watch.assert_clean()

    def test_predict_question_graded_by_the_engine(self, page):
        start_quiz(page, "failure")
        question = page.locator("#q-email-offline")
        question.get_by_label("They wait in Email's subscription").check()
        question.get_by_role("button", name="Check my answer").click()
        page.locator("#q-email-offline .feedback--right").wait_for()
        page.watch.assert_clean()

    def test_stats_page_refuses_visitors(self, page):
        response = page.goto("/quizzes/stats/")
        assert response.status == 403


def shown_choices(page, question_id):
    return page.locator(f"#q-{question_id} input[name=answer]").evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )


class TestShuffledQuizChoices:
    QUESTIONS = ("undo-an-event", "validation-vs-rule", "handler-crash", "insufficient-funds")

    def test_two_learners_see_their_own_orders_and_keep_them_on_reload(
        self, page, browser, site_server
    ):
        start_quiz(page, "failure")
        mine = [shown_choices(page, q) for q in self.QUESTIONS]
        other_context = browser.new_context(base_url=site_server.url)
        other = other_context.new_page()
        start_quiz(other, "failure")
        theirs = [shown_choices(other, q) for q in self.QUESTIONS]
        # Four questions of three or four choices: one order for both would be no shuffle.
        assert mine != theirs
        page.reload()
        other.reload()
        assert [shown_choices(page, q) for q in self.QUESTIONS] == mine
        assert [shown_choices(other, q) for q in self.QUESTIONS] == theirs
        other_context.close()
        page.watch.assert_clean()


class TestSpacedReview:
    def test_miss_an_item_see_it_due_a_day_later_and_review_it(
        self, page, django_db_blocker, assert_accessible, screenshot
    ):
        from quizzes.models import Answer

        started = timezone.now()
        start_quiz(page, "foundations")
        question = page.locator("#q-nobody-listening")
        question.get_by_label(
            "The publish fails, because an event needs at least one handler"
        ).check()
        question.get_by_role("button", name="Check my answer").click()
        wrong = page.locator("#q-nobody-listening .feedback--wrong")
        wrong.wait_for()
        assert "Every event must be handled by someone" in wrong.inner_text()

        page.goto("/")
        assert page.get_by_role("link", name="to review").count() == 0

        # A day passes: this learner's answer moves a day into the past.
        with django_db_blocker.unblock():
            in_a_thread(
                lambda: Answer.objects.filter(
                    question_id="nobody-listening", answered_at__gte=started
                ).update(answered_at=started - timedelta(days=1, minutes=1))
            )

        page.goto("/")
        page.get_by_role("link", name="1 to review").click()
        page.wait_for_url("**/quizzes/review/")
        screenshot(page, "review-due")
        assert_accessible(page)
        item = page.locator("#r-quiz-foundations-nobody-listening")
        item.get_by_label("Nothing is wrong: the fact stands with or without readers").check()
        item.get_by_role("button", name="Check my answer").click()
        right = page.locator("#r-quiz-foundations-nobody-listening .feedback--right")
        right.wait_for()
        assert page.locator("#review-count").inner_text() == "Nothing left to review now."
        screenshot(page, "review-answered")
        assert_accessible(page)
        page.watch.assert_clean()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


class TestFinal:
    def test_take_the_final_miss_one_and_read_the_beliefs_still_held(
        self, page, assert_accessible, screenshot
    ):
        page.goto("/quizzes/")
        page.get_by_role("link", name="The final").click()
        page.get_by_role("button", name="Take the final").click()
        page.wait_for_url("**/quizzes/final/attempts/*/")
        assert page.locator("section.question").count() == 20
        choice = page.locator("section.question:has(input[type=radio][value='0'])").first
        question_id = choice.get_attribute("id")
        assert_accessible(page)
        # Answer with the bank's first choice in every group of the question (a two-tier item
        # has two): some are wrong, which is what a newcomer's final looks like.
        groups = choice.locator("input[type=radio]").evaluate_all(
            "inputs => [...new Set(inputs.map(input => input.name))]"
        )
        for group in groups:
            choice.locator(f"input[type=radio][name='{group}']").first.check()
        choice.get_by_role("button", name="Check my answer").click()
        page.locator(f"#{question_id} .feedback").wait_for()
        page.get_by_role("link", name="See your results").click()
        page.wait_for_url("**/results/")
        assert "Not passed yet." in page.locator(".score").inner_text()
        screenshot(page, "final-results")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_the_course_record_prints_on_one_page(
        self, page, django_db_blocker, assert_accessible, screenshot
    ):
        from quizzes.models import Answer, Attempt

        page.goto("/quizzes/final/")
        page.get_by_role("button", name="Take the final").click()
        page.wait_for_url("**/quizzes/final/attempts/*/")
        pk = int(page.url.rstrip("/").rsplit("/", 1)[1])

        def pass_it():
            # The page-by-page way to a pass is the view tests'; here only the print matters.
            attempt = Attempt.objects.get(pk=pk)
            now = timezone.now()
            Answer.objects.bulk_create(
                Answer(attempt=attempt, question_id=k, response="0", correct=True, answered_at=now)
                for k in attempt.questions
            )
            Attempt.objects.filter(pk=pk).update(finished_at=now)

        with django_db_blocker.unblock():
            in_a_thread(pass_it)
        page.goto("/quizzes/final/record/")
        page.get_by_label("The name to print").fill("Ada Lovelace")
        page.get_by_role("button", name="Put it on the record").click()
        assert page.locator("#record-title").inner_text() == "Ada Lovelace"
        screenshot(page, "course-record")
        assert_accessible(page)
        page.emulate_media(media="print")
        assert pdf_pages(page.pdf(format="A4", print_background=True)) == 1
        page.watch.assert_clean()
