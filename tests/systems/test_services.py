import pytest

from learners.identity import Learner
from systems.design import Design
from systems.examples import REFUND_FLOW
from systems.models import SavedSystem
from systems.services import (
    MAX_SYSTEMS,
    SystemRefused,
    design_of,
    system_by_token,
    system_delete,
    system_save,
    systems_merge_into_user,
    systems_of,
    world_source,
)

pytestmark = pytest.mark.django_db

ANNA = Learner(session_key="a" * 32)
BEN = Learner(session_key="b" * 32)


def test_a_saved_design_reads_back_the_same():
    saved = system_save(learner=ANNA, design=REFUND_FLOW)
    assert design_of(system_by_token(saved.token)) == REFUND_FLOW
    assert [s.token for s in systems_of(ANNA)] == [saved.token]
    assert systems_of(BEN) == []


def test_tokens_are_long_and_different():
    first = system_save(learner=ANNA, design=REFUND_FLOW)
    second = system_save(learner=ANNA, design=REFUND_FLOW)
    assert first.token != second.token
    assert len(first.token) == 16


def test_the_owner_saves_over_their_own_system():
    saved = system_save(learner=ANNA, design=REFUND_FLOW)
    changed = Design(title="Renamed", application="Refunds", routes=REFUND_FLOW.routes[:2])
    again = system_save(learner=ANNA, design=changed, token=saved.token)
    assert again.pk == saved.pk
    assert design_of(SavedSystem.objects.get()).title == "Renamed"


def test_someone_elses_system_is_copied_not_changed():
    saved = system_save(learner=ANNA, design=REFUND_FLOW)
    changed = Design(title="Mine now", application="Refunds", routes=REFUND_FLOW.routes[:1])
    copy = system_save(learner=BEN, design=changed, token=saved.token)
    assert copy.pk != saved.pk
    assert design_of(system_by_token(saved.token)) == REFUND_FLOW
    assert copy.session_key == BEN.session_key


def test_a_learner_cannot_save_past_the_limit():
    for _ in range(MAX_SYSTEMS):
        system_save(learner=ANNA, design=REFUND_FLOW)
    with pytest.raises(SystemRefused, match="delete one"):
        system_save(learner=ANNA, design=REFUND_FLOW)
    assert SavedSystem.objects.count() == MAX_SYSTEMS


@pytest.mark.parametrize("token", ["", "short", "x" * 16, "../../etc/passwd", "a" * 500])
def test_an_unknown_link_is_refused(token):
    with pytest.raises(SystemRefused, match="no saved system"):
        system_by_token(token)


def test_only_the_owner_deletes():
    saved = system_save(learner=ANNA, design=REFUND_FLOW)
    with pytest.raises(SystemRefused):
        system_delete(learner=BEN, token=saved.token)
    system_delete(learner=ANNA, token=saved.token)
    assert not SavedSystem.objects.exists()


def test_a_row_changed_by_hand_is_refused_not_run():
    saved = system_save(learner=ANNA, design=REFUND_FLOW)
    SavedSystem.objects.filter(pk=saved.pk).update(design={"routes": "nonsense"})
    with pytest.raises(SystemRefused, match="cannot be read"):
        world_source(saved.token)


def test_the_world_source_gives_the_systems_world(django_user_model):
    saved = system_save(learner=ANNA, design=REFUND_FLOW)
    title, data, link = world_source(saved.token)
    assert title == "Refund flow"
    assert data["commands"]["RequestRefund"] == {"handler": "Refunds"}
    assert link == f"/systems/s/{saved.token}/"


def test_sign_in_hands_a_visitors_systems_to_the_account(django_user_model):
    user = django_user_model.objects.create_user("anna", password="x" * 12)
    system_save(learner=ANNA, design=REFUND_FLOW)
    assert systems_merge_into_user(session_key=ANNA.session_key, user=user) == 1
    assert len(systems_of(Learner(user_id=user.pk))) == 1
    assert systems_of(ANNA) == []
