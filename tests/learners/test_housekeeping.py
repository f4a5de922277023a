"""`manage.py housekeeping`: expired sessions go, and with them what only they could reach."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from challenges.models import LevelAttempt
from courseware.models import CheckAnswer, LessonProgress
from learners.identity import LEARNER_KEY
from quizzes.models import Attempt
from simulator.models import Sandbox

pytestmark = pytest.mark.django_db


def visitor_who_did_things() -> Client:
    client = Client()
    assert client.get("/simulator/").status_code == 200
    assert client.get("/lessons/facts-and-requests/").status_code == 200
    response = client.post("/quizzes/naming/start/", {"token": str(uuid.uuid4())})
    assert response.status_code == 302
    return client


def expire(client: Client) -> None:
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(days=1))


def test_an_expired_visitors_rows_go_and_a_live_ones_stay():
    gone, kept = visitor_who_did_things(), visitor_who_did_things()
    user = get_user_model().objects.create_user("someone")
    account = Client()
    account.force_login(user)
    account.get("/simulator/")
    account.get("/lessons/facts-and-requests/")
    assert Sandbox.objects.count() == 3
    assert LessonProgress.objects.count() == 3
    assert Attempt.objects.count() == 2
    expire(gone)

    call_command("housekeeping")

    assert Session.objects.count() == 2
    assert Sandbox.objects.count() == 2
    assert LessonProgress.objects.count() == 2
    assert Attempt.objects.count() == 1
    assert Sandbox.objects.filter(user=user).exists()
    assert kept.get("/simulator/").status_code == 200
    assert Sandbox.objects.count() == 2  # the live visitor still has theirs, not a new one


def test_nothing_to_clear_clears_nothing(capsys):
    call_command("housekeeping")
    assert "sandboxes: 0 deleted" in capsys.readouterr().out


def test_every_learner_owned_model_is_cleared_except_the_answers_kept_for_statistics():
    gone = visitor_who_did_things()
    key = gone.session[LEARNER_KEY]
    LevelAttempt.objects.create(session_key=key, level="first")
    CheckAnswer.objects.create(
        session_key=key,
        lesson_slug="facts-and-requests",
        question_id="q",
        choice=0,
        correct=True,
        answered_at=timezone.now(),
    )
    expire(gone)

    call_command("housekeeping")

    assert not LevelAttempt.objects.exists()
    assert CheckAnswer.objects.filter(session_key=key).count() == 1
