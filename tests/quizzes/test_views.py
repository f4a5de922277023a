"""The quiz pages: taking a quiz, bad input, double submits, results and the staff statistics."""

import re
import uuid
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.http import QueryDict

from quizzes.models import Answer, Attempt
from quizzes.presenting import present
from quizzes.selectors import learner_records

pytestmark = pytest.mark.django_db


def start(client, slug="naming", token=None):
    token = token or str(uuid.uuid4())
    response = client.post(f"/quizzes/{slug}/start/", {"token": token})
    assert response.status_code == 302, response.content[:500]
    return response.url, token


def test_the_list_shows_every_quiz(client):
    response = client.get("/quizzes/")
    assert response.status_code == 200
    html = response.content.decode()
    for slug in ("naming", "failure", "replay-coupling", "topology"):
        assert f'href="/quizzes/{slug}/"' in html


def test_a_quiz_page_offers_a_start_form_with_csrf(client):
    html = client.get("/quizzes/naming/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert re.search(r'name="token" value="[0-9a-f-]{36}"', html)


def test_unknown_quiz_is_a_404(client):
    assert client.get("/quizzes/no-such-quiz/").status_code == 404
    assert (
        client.post("/quizzes/no-such-quiz/start/", {"token": str(uuid.uuid4())}).status_code == 404
    )


def test_starting_twice_with_one_token_makes_one_attempt(client):
    first, token = start(client)
    second, _ = start(client, token=token)
    assert first == second
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize("token", ["", "not-a-uuid", "x" * 5000])
def test_a_tampered_start_token_is_refused(client, token):
    response = client.post("/quizzes/naming/start/", {"token": token})
    assert response.status_code == 400
    assert "start the quiz again" in response.content.decode()
    assert Attempt.objects.count() == 0


def test_csrf_is_enforced(client):
    strict = client.__class__(enforce_csrf_checks=True)
    response = strict.post("/quizzes/naming/start/", {"token": str(uuid.uuid4())})
    assert response.status_code == 403
    assert Attempt.objects.count() == 0


def test_answering_right_and_wrong_shows_explanations(client):
    url, _ = start(client)
    right = client.post(
        url + "questions/refund-issued/", {"answer": "event"}, HTTP_HX_REQUEST="true"
    )
    assert right.status_code == 200
    html = right.content.decode()
    assert "Right." in html
    assert "already gone out" in html  # the explanation
    assert "<html" not in html  # a fragment for htmx

    wrong = client.post(url + "questions/archive-project/", {"answer": "event"})
    assert wrong.status_code == 302
    assert wrong.url.endswith("#q-archive-project")
    page = client.get(wrong.url.split("#")[0]).content.decode()
    assert "Not quite." in page
    assert "The right answer:" in page
    assert Answer.objects.filter(correct=True).count() == 1
    assert Answer.objects.filter(correct=False).count() == 1


def test_a_rename_gets_the_checkers_verdict(client):
    url, _ = start(client)
    response = client.post(
        url + "questions/rename-send-welcome-email/",
        {"answer": "EmailDelivered"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Not quite." in html
    assert "The checker says:" in html
    assert "WelcomeEmailSent" in html


@pytest.mark.parametrize(
    ("question", "data", "message"),
    [
        ("archive-project", {}, "Choose event or command first."),
        ("archive-project", {"answer": "both"}, "either event or command"),
        ("contradiction", {"answer": "7"}, "not one of the choices"),
        ("contradiction", {"answer": "-1"}, "not one of the choices"),
        ("rename-send-welcome-email", {"answer": "x" * 100_000}, "at most 200"),
        ("rename-send-welcome-email", {"answer": "1234"}, "cannot read that"),
        ("producer-intent", {"answer": "maybe"}, "either true or false"),
    ],
)
def test_bad_answers_get_a_clear_error_and_store_nothing(client, question, data, message):
    url, _ = start(client)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(url + f"questions/{question}/", data, **headers)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Answer.objects.count() == 0


def test_an_order_question_with_repeated_positions_is_refused(client):
    url, _ = start(client, "topology")
    data = {f"position-{i}": "1" for i in range(6)}
    response = client.post(url + "questions/order-flow/", data)
    assert response.status_code == 400
    assert "Each position can be used once" in response.content.decode()
    right = {f"position-{i}": str(i + 1) for i in range(6)}
    assert client.post(url + "questions/order-flow/", right).status_code == 302
    assert Answer.objects.get().correct


def test_the_order_question_is_a_list_of_position_selects(client):
    url, _ = start(client, "topology")
    html = client.get(url).content.decode()
    assert html.count('name="position-') == 6
    assert html.count("<select") >= 6


def test_answering_twice_keeps_the_first_answer(client):
    url, _ = start(client)
    client.post(url + "questions/refund-issued/", {"answer": "command"})
    again = client.post(url + "questions/refund-issued/", {"answer": "event"})
    assert again.status_code == 409
    assert "already answered" in again.content.decode()
    assert Answer.objects.get().correct is False


def test_unknown_question_and_someone_elses_attempt_are_404(client, django_user_model):
    url, _ = start(client)
    assert client.post(url + "questions/no-such/", {"answer": "event"}).status_code == 404
    other = client.__class__()
    assert other.get(url).status_code == 404
    assert other.post(url + "questions/refund-issued/", {"answer": "event"}).status_code == 404
    assert other.get(url + "results/").status_code == 404
    assert Answer.objects.count() == 0


def test_get_is_not_allowed_on_answers(client):
    url, _ = start(client)
    assert client.get(url + "questions/refund-issued/").status_code == 405


def test_results_show_the_score_explanations_and_lesson_links(client):
    url, _ = start(client)
    client.post(url + "questions/refund-issued/", {"answer": "event"})
    client.post(url + "questions/archive-project/", {"answer": "event"})
    html = client.get(url + "results/").content.decode()
    total = len(_bank("naming").questions)
    assert re.search(rf"<strong>1</strong> of {total} right", html)
    assert "Missed" in html
    assert "Not answered" in html
    assert "Revisit the lesson" in html
    assert 'href="/lessons/grammatical-test/"' in html
    assert "Retry the quiz" in html


def test_finishing_every_question_marks_the_attempt_finished(client):
    url, _ = start(client, "replay-coupling")
    attempt = Attempt.objects.get()
    from quizzes.banks import load_banks
    from quizzes.grading import parse_answer, predicted_answer

    quiz = load_banks().by_slug["replay-coupling"]
    for question in quiz.questions:
        if question.type == "predict":
            data = {"answer": str(predicted_answer(question))}
        elif question.type == "truefalse":
            data = {"answer": "true" if question.answer else "false"}
        elif question.type == "select":
            data = {"answer": [str(i) for i in sorted(question.right_choices)]}
        elif question.type == "twotier":
            data = {"answer": str(question.answer), "reason": str(question.reason)}
        else:
            data = {"answer": str(question.answer)}
        parse_answer(present(question, attempt.seed), QueryDict(urlencode(data, doseq=True)))
        assert client.post(url + f"questions/{question.id}/", data).status_code == 302
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    html = client.get(url + "results/").content.decode()
    assert "Every one." in html


def test_a_retry_is_a_new_attempt_and_the_best_score_is_kept(client):
    url, _ = start(client)
    client.post(url + "questions/refund-issued/", {"answer": "event"})
    start(client)
    assert Attempt.objects.count() == 2
    html = client.get("/quizzes/").content.decode()
    assert f"best 1 of {len(_bank('naming').questions)}" in html
    assert "2 attempts" in html


def test_sign_in_keeps_an_anonymous_attempt(client, django_user_model):
    url, _ = start(client)
    client.post(url + "questions/refund-issued/", {"answer": "event"})
    user = django_user_model.objects.create_user("ada", password="a-long-passphrase-42")
    client.force_login(user)
    attempt = Attempt.objects.get()
    assert attempt.user == user
    assert attempt.session_key == ""
    from learners.identity import Learner

    assert learner_records(learner=Learner(user_id=user.pk))["naming"].best == 1
    assert client.get(url).status_code == 200


# staff statistics ----------------------------------------------------------------------------


def test_stats_are_for_staff_only(client, django_user_model):
    assert client.get("/quizzes/stats/").status_code == 403
    client.force_login(django_user_model.objects.create_user("learner", password="pw-1234"))
    assert client.get("/quizzes/stats/").status_code == 403


def test_stats_show_share_right_and_the_most_common_wrong_answer(client, django_user_model):
    for choice in ("0", "0", "2", "1"):
        learner = client.__class__()
        url, _ = start(learner)
        learner.post(url + "questions/contradiction/", {"answer": choice})
    client.force_login(
        get_user_model().objects.create_user("teacher", password="pw-teacher-1234", is_staff=True)
    )
    response = client.get("/quizzes/stats/")
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index("contradiction") :]
    row = row[: row.index("</tr>")]
    assert ">4<" in row
    assert "25%" in row
    assert "Nothing: the suffix states the kind" in row
    assert "(2)" in row


def shown_choices(html: str, question_id: str) -> list[int]:
    start_at = html.index(f'id="q-{question_id}"')
    section = html[start_at : html.index("</section>", start_at)]
    return [int(v) for v in re.findall(r'name="answer" value="(\d+)"', section)]


def test_an_attempt_shows_choices_in_its_own_shuffled_order(client):
    url, _ = start(client, slug="failure")
    attempt = Attempt.objects.get()
    question = _bank("failure").question("undo-an-event")
    shown = shown_choices(client.get(url).content.decode(), question.id)
    assert shown == list(present(question, attempt.seed).choice_order)
    assert shown_choices(client.get(url).content.decode(), question.id) == shown
    client.post(url + f"questions/{question.id}/", {"answer": str(question.answer)})
    assert Answer.objects.get().correct


def test_two_attempts_see_the_choices_in_orders_of_their_own(client):
    orders = set()
    for _ in range(6):
        url, _ = start(client, slug="failure")
        orders.add(tuple(shown_choices(client.get(url).content.decode(), "undo-an-event")))
    # Four choices have 24 orders; six attempts landing on one order would be no shuffle.
    assert len(orders) > 1


def _bank(slug):
    from quizzes.banks import load_banks

    return load_banks().by_slug[slug]


def test_stats_show_discrimination_and_the_beliefs_learners_chose(client, django_user_model):
    for strong in [True] * 6 + [False] * 6:
        learner = client.__class__()
        url, _ = start(learner)
        learner.post(url + "questions/refund-issued/", {"answer": "event" if strong else "command"})
        learner.post(url + "questions/invoice-voided/", {"answer": "event"})  # everyone right
        learner.post(url + "questions/contradiction/", {"answer": "1" if strong else "0"})
    client.force_login(
        get_user_model().objects.create_user("teacher", password="pw-teacher-1234", is_staff=True)
    )
    html = client.get("/quizzes/stats/").content.decode()
    row = html[html.index("refund-issued</span>") :]
    assert "<td>1.0</td>" in row[: row.index("</tr>")]
    poor = html[html.index('id="stats-poor"') : html.index('id="stats-naming"')]
    assert "invoice-voided (0.0)" in poor
    assert "refund-issued" not in poor
    beliefs = html[html.index('id="stats-beliefs"') : html.index('id="stats-poor"')]
    suffix = beliefs[beliefs.index("a-suffix-decides-the-kind") :]
    assert "<td>12</td><td>50%</td>" in suffix[: suffix.index("</tr>")]
