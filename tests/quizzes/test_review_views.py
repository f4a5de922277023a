"""The review session: a missed item comes back the next day, interleaved, and leaves once
answered; lesson checks enter too; the outline counts what is due."""

import re
import uuid
from datetime import timedelta

import pytest

from courseware.models import CheckAnswer
from quizzes.models import Answer, ReviewAnswer

pytestmark = pytest.mark.django_db


def miss(client, slug="naming", qid="refund-issued", answer="command"):
    url = client.post(f"/quizzes/{slug}/start/", {"token": str(uuid.uuid4())}).url
    assert client.post(url + f"questions/{qid}/", {"answer": answer}).status_code == 302


def move_clock(days: float):
    """Moves every recorded answer into the past, which is the clock moving forward."""
    delta = timedelta(days=days)
    for model in (Answer, CheckAnswer, ReviewAnswer):
        for row in model.objects.all():
            row.answered_at -= delta
            row.save(update_fields=["answered_at"])


def test_a_missed_item_is_not_due_at_once_but_the_next_day(client):
    miss(client)
    assert "Nothing left to review now" in client.get("/quizzes/review/").content.decode()
    assert "to review" not in client.get("/").content.decode()
    move_clock(1)
    assert "1 to review" in client.get("/").content.decode()
    html = client.get("/quizzes/review/").content.decode()
    assert "1 to review now" in html
    assert 'action="/quizzes/review/quiz/naming/refund-issued/"' in html


def test_answering_a_due_item_records_it_and_schedules_it_further(client):
    miss(client)
    move_clock(1)
    response = client.post("/quizzes/review/quiz/naming/refund-issued/", {"answer": "event"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Right." in html
    assert "Nothing left to review now" in html
    assert ReviewAnswer.objects.get().correct
    # A second submit of the same form finds nothing due and stores nothing.
    again = client.post("/quizzes/review/quiz/naming/refund-issued/", {"answer": "event"})
    assert again.status_code == 409
    assert ReviewAnswer.objects.count() == 1
    move_clock(3)
    assert "1 to review" in client.get("/").content.decode()


def test_a_wrong_review_answer_names_the_misconception_and_comes_back_tomorrow(client):
    miss(client, "foundations", "nobody-listening", "1")
    move_clock(1)
    response = client.post("/quizzes/review/quiz/foundations/nobody-listening/", {"answer": "1"})
    html = response.content.decode()
    assert "Every event must be handled by someone" in html
    assert 'href="/challenges/one-fact-four-reactions/"' in html
    assert "It comes back tomorrow." in html


def test_bad_review_input_gets_a_sentence_and_changes_nothing(client):
    miss(client)
    move_clock(1)
    bad = client.post("/quizzes/review/quiz/naming/refund-issued/", {"answer": "maybe"})
    assert bad.status_code == 400
    assert "either event or command" in bad.content.decode()
    assert client.post("/quizzes/review/nope/naming/refund-issued/", {}).status_code == 404
    assert client.post("/quizzes/review/quiz/naming/no-such/", {}).status_code == 404
    assert client.get("/quizzes/review/quiz/naming/refund-issued/").status_code == 405
    assert ReviewAnswer.objects.count() == 0


def test_lesson_checks_enter_review_and_a_session_mixes_lessons(client):
    from courseware.content import load_course

    lesson = load_course().by_slug["replay"]
    check = lesson.checks[0]
    client.post(f"/lessons/replay/check/{check.id}/", {"choice": check.answer})
    miss(client)  # grammatical-test
    miss(client, "ownership", "coupon-field", "1")  # schema-ownership
    move_clock(3)
    html = client.get("/quizzes/review/").content.decode()
    actions = re.findall(r'action="/quizzes/review/(\w+)/([\w-]+)/', html)
    assert ("lesson", "replay") in actions
    assert len({source for _, source in actions}) == 3


def test_another_learner_sees_nothing_of_my_review(client):
    from django.test import Client

    miss(client)
    move_clock(1)
    other = Client()
    assert "Nothing left to review now" in other.get("/quizzes/review/").content.decode()
    response = other.post("/quizzes/review/quiz/naming/refund-issued/", {"answer": "event"})
    assert response.status_code == 409
    assert ReviewAnswer.objects.count() == 0


def test_a_wrong_review_answers_links_name_their_lesson_and_level(client, same_name_elsewhere):
    # Both tiers wrong: two beliefs, taught in two different lessons and levels.
    wrong = {"answer": "0", "reason": "1"}
    url = client.post("/quizzes/foundations/start/", {"token": str(uuid.uuid4())}).url
    client.post(url + "questions/reply-is-not-news/", wrong)
    move_clock(1)
    html = client.post(
        "/quizzes/review/quiz/foundations/reply-is-not-news/", wrong
    ).content.decode()
    assert html.count("The belief behind it:") == 2
    assert "Read the lesson “Two kinds of message: facts and requests”" in html
    assert same_name_elsewhere(html) == {}


def test_a_question_missed_in_the_final_comes_back_in_review_the_next_day(client):
    from quizzes.models import Attempt

    client.post("/quizzes/final/start/", {"token": str(uuid.uuid4())})
    attempt = Attempt.objects.get(quiz_slug="final")
    key = attempt.questions[0]
    slug, qid = key.split("--")
    Answer.objects.create(
        attempt=attempt,
        question_id=key,
        response="0",
        correct=False,
        answered_at=attempt.started_at,
    )
    move_clock(1)
    html = client.get("/quizzes/review/").content.decode()
    assert "1 to review now" in html
    assert f'action="/quizzes/review/quiz/{slug}/{qid}/"' in html
