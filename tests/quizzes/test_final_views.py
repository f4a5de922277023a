"""The final as a newcomer and as an expert take it: each gets the result they earned."""

import uuid

import pytest
from django.utils.html import escape

from quizzes.banks import load_banks
from quizzes.final import FINAL_SIZE, split_key
from quizzes.models import Attempt
from quizzes.predictions import predicted_answer
from simulator.engine.levels import all_levels

pytestmark = pytest.mark.django_db


def right_data(question):
    if question.type == "predict":
        return {"answer": str(predicted_answer(question))}
    if question.type == "truefalse":
        return {"answer": "true" if question.answer else "false"}
    if question.type == "select":
        return {"answer": [str(i) for i in sorted(question.right_choices)]}
    if question.type == "twotier":
        return {"answer": str(question.answer), "reason": str(question.reason)}
    if question.type == "classify":
        from quizzes.grading import expected_kind
        from quizzes.presenting import present

        return {"answer": expected_kind(present(question, 0))} if not question.generate else None
    if question.type == "rename":
        from naming.grammar import suggest_rename

        return {"answer": suggest_rename(question.name, question.target)}
    if question.type == "order":
        return {f"position-{i}": str(i + 1) for i in range(len(question.items))}
    return {"answer": str(question.answer)}


def wrong_data(question):
    """The first wrong choice, the way a newcomer falls for the tempting one."""
    if question.type in ("choice", "spotbug"):
        return {
            "answer": str(next(i for i in range(len(question.choices)) if i != question.answer))
        }
    if question.type == "predict":
        right = predicted_answer(question)
        return {"answer": str(next(i for i in range(len(question.choices)) if i != right))}
    if question.type == "select":
        return {"answer": [str(i) for i, c in enumerate(question.choices) if not c.correct]}
    if question.type == "twotier":
        wrong = next(i for i in range(len(question.reasons)) if i != question.reason)
        return {"answer": str(question.answer), "reason": str(wrong)}
    if question.type == "truefalse":
        return {"answer": "false" if question.answer else "true"}
    if question.type == "classify":
        return {"answer": "command"}  # wrong for an event; for a command it is luck
    if question.type == "rename":
        return {"answer": question.name}
    if question.type == "order":
        n = len(question.items)
        return {f"position-{i}": str(n - i) for i in range(n)}
    raise AssertionError(question.type)


def take_final(client, answer):
    response = client.post("/quizzes/final/start/", {"token": str(uuid.uuid4())})
    assert response.status_code == 302
    attempt = Attempt.objects.filter(quiz_slug="final").latest("pk")
    assert len(attempt.questions) == FINAL_SIZE == len(set(attempt.questions))
    banks = load_banks().by_slug
    for key in attempt.questions:
        slug, qid = split_key(key)
        question = banks[slug].question(qid)
        data = answer(question)
        if data is None:  # a generated name: read it off the page like a learner would
            from dataclasses import replace

            from quizzes.presenting import present

            # The final shows the question under its final key, which seeds the name drawn.
            name = present(replace(question, id=key), attempt.seed).name
            from naming import classify

            data = {"answer": classify(name).kind}
        client.post(response.url + f"questions/{key}/", data)
    return attempt, client.get(response.url + "results/").content.decode()


def test_an_expert_passes_and_holds_no_belief(client):
    attempt, html = take_final(client, right_data)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    assert f"<strong>{FINAL_SIZE}</strong> of {FINAL_SIZE} right" in html
    assert "Passed." in html
    assert "No wrong belief showed up" in html


def test_a_newcomer_fails_and_is_told_which_beliefs_to_revisit(client):
    _, html = take_final(client, wrong_data)
    assert "Not passed yet." in html
    assert "Beliefs you still hold" in html
    assert 'href="/challenges/' in html
    assert "Lesson: " in html


def test_the_newcomers_results_name_each_level_by_its_title(client):
    _, html = take_final(client, wrong_data)
    named = [level for level in all_levels() if f'href="/challenges/{level.name}/"' in html]
    assert named
    for level in named:
        assert f"Level: {escape(level.title)}</a>" in html, level.name
        assert f"Level: {level.name}</a>" not in html, level.name


def test_the_next_final_leans_on_what_the_newcomer_got_wrong(client):
    from learners.identity import Learner
    from quizzes.final import draw, weakness
    from quizzes.selectors import final_candidates, misconception_evidence

    take_final(client, wrong_data)
    attempt = Attempt.objects.get(quiz_slug="final")
    learner = Learner(session_key=attempt.session_key)
    weak = weakness(misconception_evidence(learner=learner))
    assert max(weak.values()) > 0.5
    candidates = final_candidates()
    by_key = {c.key: c for c in candidates}

    def mean_weakness(weights):
        """How weak, on this learner's evidence, the drawn items' beliefs are on average."""
        drawn = [by_key[k] for seed in range(100) for k in draw(candidates, weights, seed=seed)]
        worst = [max((weak.get(m, 0.5) for m in c.misconceptions), default=0.5) for c in drawn]
        return sum(worst) / len(worst)

    assert mean_weakness(weak) > mean_weakness({})


def test_someone_elses_final_is_not_found(client):
    from django.test import Client

    client.post("/quizzes/final/start/", {"token": str(uuid.uuid4())})
    attempt = Attempt.objects.get(quiz_slug="final")
    assert Client().get(f"/quizzes/final/attempts/{attempt.pk}/").status_code == 404
    assert client.get(f"/quizzes/final/attempts/{attempt.pk}/").status_code == 200
    assert client.get("/quizzes/final/").status_code == 200


def test_the_course_record_is_for_those_who_passed(client, django_user_model):
    assert client.get("/quizzes/final/record/").status_code == 404
    take_final(client, wrong_data)
    assert client.get("/quizzes/final/record/").status_code == 404
    _, html = take_final(client, right_data)
    assert 'href="/quizzes/final/record/"' in html
    page = client.get("/quizzes/final/record/?name=Ada+Lovelace")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<h1 id="record-title">Ada Lovelace</h1>' in text
    assert f"{FINAL_SIZE} of {FINAL_SIZE} questions right" in text
    assert "The grammatical test" in text


@pytest.mark.parametrize("name", ["x" * 81, "Ada\u200b"])
def test_a_bad_name_is_refused_with_a_sentence(client, name):
    take_final(client, right_data)
    response = client.get("/quizzes/final/record/", {"name": name})
    assert response.status_code == 400
    assert "printable text of at most 80 characters" in response.content.decode()


def test_a_signed_in_learner_gets_their_own_name(client, django_user_model):
    user = django_user_model.objects.create_user(
        "grace", password="a-long-passphrase-42", first_name="Grace", last_name="Hopper"
    )
    client.force_login(user)
    take_final(client, right_data)
    html = client.get("/quizzes/final/record/?name=Someone+Else").content.decode()
    assert "Grace Hopper" in html
    assert "Someone Else" not in html


def _probes(belief):
    """Choice items whose wrong pick shows ``belief``: (source, question id, wrong index)."""
    from quizzes.selectors import review_items

    found = []
    for (source, qid), item in review_items().items():
        q = item.question
        if source.startswith("quiz:") and q.type == "choice":
            wrong = [
                i for i, c in enumerate(q.choices) if i != q.answer and c.misconception == belief
            ]
            if wrong:
                found.append((source, qid, wrong[0], q.answer))
    return found


def test_the_record_lists_a_belief_only_after_two_different_right_answers_since_the_last_slip(
    client,
):
    from datetime import timedelta

    from django.utils import timezone

    from quizzes.misconceptions import load_catalogue
    from quizzes.models import ReviewAnswer

    take_final(client, right_data)
    key = Attempt.objects.get(quiz_slug="final").session_key
    belief = next(m for m in load_catalogue().by_id.values() if len(_probes(m.id)) >= 3)
    (s1, q1, wrong, _), (s2, q2, _, right2), (s3, q3, _, right3) = _probes(belief.id)[:3]
    later = timezone.now() + timedelta(days=1)

    def answer(source, qid, response, correct, minutes):
        ReviewAnswer.objects.create(
            session_key=key, source=source, question_id=qid, response=str(response),
            correct=correct, answered_at=later + timedelta(minutes=minutes),
        )  # fmt: skip

    def listed():
        html = client.get("/quizzes/final/record/").content.decode()
        assert "a single lucky answer is not enough" in html
        return f"<li>{escape(belief.name)}</li>" in html

    answer(s1, q1, wrong, False, 1)
    assert not listed()
    answer(s2, q2, right2, True, 2)
    assert not listed()
    answer(s2, q2, right2, True, 3)
    assert not listed()
    answer(s3, q3, right3, True, 4)
    assert listed()


def test_every_link_of_a_missed_final_has_a_name_of_its_own(client, same_name_elsewhere):
    attempt, results = take_final(client, wrong_data)
    page = client.get(f"/quizzes/final/attempts/{attempt.pk}/").content.decode()
    assert "The belief behind it:" in page
    assert "Read the lesson “" in page
    assert same_name_elsewhere(page) == {}
    assert same_name_elsewhere(results) == {}


def test_the_results_say_that_wrong_answers_come_back_in_review(client):
    _, newcomer = take_final(client, wrong_data)
    assert 'come back in <a href="/quizzes/review/">your review</a> from tomorrow' in newcomer
    _, expert = take_final(client, right_data)
    assert "your review</a>" not in expert
