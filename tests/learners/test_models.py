"""LearnerOwned: one ownership, one constraint and one `.of(learner)` for every learner's row."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from learners.identity import Learner
from learners.models import OWNED_BY_ONE_LEARNER, LearnerOwned, owned_models
from simulator.models import Sandbox


def test_every_model_that_keeps_a_learner_key_is_learner_owned():
    keyed = {m for m in apps.get_models() if any(f.name == "session_key" for f in m._meta.fields)}
    keyed.discard(apps.get_model("sessions", "Session"))  # Django's own session id
    assert keyed == set(owned_models())
    labels = {m._meta.label for m in owned_models()}
    assert {
        "courseware.LessonProgress",
        "courseware.CheckAnswer",
        "quizzes.Attempt",
        "challenges.LevelAttempt",
        "simulator.Sandbox",
    } <= labels


@pytest.mark.parametrize("model", owned_models(), ids=lambda m: m._meta.label)
def test_each_owned_model_declares_the_one_learner_constraint(model):
    (constraint,) = [c for c in model._meta.constraints if c.name.endswith("_one_learner")]
    assert constraint.name == f"{model._meta.model_name}_one_learner"
    assert constraint.condition == OWNED_BY_ONE_LEARNER
    assert issubclass(model, LearnerOwned)


@pytest.mark.django_db
def test_the_database_refuses_a_row_of_nobody_or_of_two_learners():
    user = get_user_model().objects.create_user("ada")
    for owners in ({"user": user, "session_key": "k"}, {"user": None, "session_key": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Sandbox.objects.create(**owners)


@pytest.mark.django_db
def test_of_finds_exactly_one_learners_rows():
    ada, bob = (get_user_model().objects.create_user(n) for n in ("ada", "bob"))
    Sandbox.objects.create(user=ada, until=1)
    Sandbox.objects.create(user=bob, until=2)
    Sandbox.objects.create(session_key=str(ada.pk), until=3)  # a key that looks like an id
    Sandbox.objects.create(session_key="k", until=4)

    def untils(learner):
        return sorted(Sandbox.objects.of(learner).values_list("until", flat=True))

    assert untils(Learner(user_id=ada.pk)) == [1]
    assert untils(Learner(session_key=str(ada.pk))) == [3]
    assert untils(Learner(session_key="k")) == [4]
    assert sorted(Sandbox.objects.anonymous().values_list("until", flat=True)) == [3, 4]


def test_a_row_knows_its_learner_and_can_be_handed_to_another():
    row = Sandbox(session_key="k")
    assert row.learner == Learner(session_key="k")
    row.give_to(Learner(user_id=9))
    assert (row.user_id, row.session_key, row.learner) == (9, "", Learner(user_id=9))
    assert Sandbox().learner is None
