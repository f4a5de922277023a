"""The sandbox's owner text becomes the learner fields every learner's row has, and back."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("simulator", "0002_sandbox_prediction")]
AFTER = [("simulator", "0003_sandbox_learner_owned")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_the_old_owner():
    """The sandbox table as it was; the database is migrated forward again afterwards."""
    yield migrate(BEFORE)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_owners_become_the_user_or_the_learner_key_and_the_unreachable_go(at_the_old_owner):
    Sandbox = at_the_old_owner.get_model("simulator", "Sandbox")
    ada = get_user_model().objects.create(username="ada")
    Sandbox.objects.create(owner=f"user:{ada.pk}", inputs=[{"at": 0}])
    Sandbox.objects.create(owner="learner:" + "a" * 32, until=700)
    Sandbox.objects.create(owner=f"user:{ada.pk + 1000}")  # an account that is gone
    Sandbox.objects.create(owner="somebody")

    apps = migrate(AFTER)

    Sandbox = apps.get_model("simulator", "Sandbox")
    rows = {(s.user_id, s.session_key, s.world): s for s in Sandbox.objects.all()}
    assert set(rows) == {(ada.pk, "", ""), (None, "a" * 32, "")}
    assert rows[ada.pk, "", ""].inputs == [{"at": 0}]
    assert rows[None, "a" * 32, ""].until == 700


@pytest.mark.django_db(transaction=True)
def test_going_back_writes_the_owner_text_again(at_the_old_owner):
    ada = get_user_model().objects.create(username="ada")
    apps = migrate(AFTER)
    Sandbox = apps.get_model("simulator", "Sandbox")
    Sandbox.objects.create(user_id=ada.pk, until=5)
    Sandbox.objects.create(session_key="k1")
    Sandbox.objects.create(session_key="k1", world="system:abc@1")

    apps = migrate(BEFORE)

    Sandbox = apps.get_model("simulator", "Sandbox")
    owners = dict(Sandbox.objects.values_list("owner", "until"))
    assert owners == {f"user:{ada.pk}": 5, "learner:k1": 0}
