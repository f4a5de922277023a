"""Sign-in: the anonymous learner's rows, in every app, become the account's, all or none."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from challenges.models import LevelAttempt
from courseware.models import CheckAnswer, LessonProgress
from learners.identity import LEARNER_KEY, Learner
from learners.models import owned_models
from learners.signals import claim_anonymous_learner, learner_signed_in
from quizzes.models import Attempt, ReviewAnswer
from simulator.models import Sandbox
from systems.models import SavedSystem

pytestmark = pytest.mark.django_db
PASSWORD = "a-learner-of-two-devices-51"


@pytest.fixture
def user():
    return get_user_model().objects.create_user("ada", password=PASSWORD)


def rows_of(learner: Learner) -> dict[str, int]:
    return {m._meta.label: m.objects.of(learner).count() for m in owned_models()}


def anonymous_work(key: str) -> None:
    """One row in each app, as the pages would have written them."""
    now = timezone.now()
    owner = Learner(session_key=key).fields
    LessonProgress.objects.create(**owner, lesson_slug="facts-and-requests", touched_at=now)
    CheckAnswer.objects.create(
        **owner,
        lesson_slug="facts-and-requests",
        question_id="q",
        choice=0,
        correct=False,
        answered_at=now,
    )
    Attempt.objects.create(**owner, quiz_slug="naming", seed=1, token=uuid.uuid4(), started_at=now)
    LevelAttempt.objects.create(**owner, level="first", actions=[{"action": "send"}])
    Sandbox.objects.create(**owner, inputs=[{"at": 0, "action": "send", "name": "PlaceOrder"}])
    SavedSystem.objects.create(**owner, token=key[:16], title="Refunds", design={})
    ReviewAnswer.objects.create(
        **owner, source="quiz:naming", question_id="q", response="x", correct=False, answered_at=now
    )


def test_signing_in_hands_every_apps_rows_to_the_account_and_forgets_the_key(client, user):
    client.get("/simulator/")  # makes the visitor's key, and their empty sandbox
    key = client.session[LEARNER_KEY]
    Sandbox.objects.of(Learner(session_key=key)).delete()
    anonymous_work(key)
    heard = []
    learner_signed_in.connect(
        lambda sender, **kw: heard.append((kw["anonymous"], kw["learner"])),
        weak=False,
        dispatch_uid="test-heard",
    )
    try:
        response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    finally:
        learner_signed_in.disconnect(dispatch_uid="test-heard")

    assert response.status_code == 302
    assert heard == [(Learner(session_key=key), Learner(user_id=user.pk))]
    assert LEARNER_KEY not in client.session
    assert set(rows_of(Learner(session_key=key)).values()) == {0}
    assert set(rows_of(Learner(user_id=user.pk)).values()) == {1}


def test_a_merge_that_fails_moves_nothing_and_keeps_the_key(user):
    key = "k" * 32
    anonymous_work(key)
    before = rows_of(Learner(session_key=key))
    request = RequestFactory().post("/accounts/login/")
    request.session = SessionStore()
    request.session[LEARNER_KEY] = key

    def broken(sender, **kwargs):
        raise RuntimeError("a receiver failed")

    # Connected last, so every app's receiver has already moved its rows when this one fails.
    learner_signed_in.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            claim_anonymous_learner(sender=None, request=request, user=user)
    finally:
        learner_signed_in.disconnect(dispatch_uid="test-broken")

    assert rows_of(Learner(session_key=key)) == before
    assert set(rows_of(Learner(user_id=user.pk)).values()) == {0}
    assert request.session[LEARNER_KEY] == key


def test_a_visitor_with_no_key_signs_in_without_a_signal(user):
    heard = []
    learner_signed_in.connect(
        lambda sender, **kw: heard.append(kw), weak=False, dispatch_uid="test-heard"
    )
    request = RequestFactory().post("/accounts/login/")
    request.session = SessionStore()
    try:
        claim_anonymous_learner(sender=None, request=request, user=user)
    finally:
        learner_signed_in.disconnect(dispatch_uid="test-heard")
    assert heard == []
