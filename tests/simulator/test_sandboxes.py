"""Storing sandboxes: two tabs of one learner, and what sign-in does with an anonymous sandbox."""

from datetime import timedelta
from functools import partial

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from learners.identity import LEARNER_KEY, Learner
from simulator.engine import Engine
from simulator.models import Sandbox
from simulator.sandboxes import (
    Progress,
    engine_for,
    sandbox_for,
    sandbox_load_scenario,
    sandbox_merge_into_user,
    sandbox_save,
    save_progress,
    write_together,
)

pytestmark = pytest.mark.django_db
PASSWORD = "a-sandbox-of-ones-own-4417"


def played(learner: Learner, *names: str, ago: timedelta = timedelta(0)) -> Sandbox:
    """A stored sandbox in which `names` were sent and run, last used `ago`."""
    sandbox = sandbox_for(learner)
    engine = engine_for(sandbox)
    for name in names:
        engine.apply({"action": "send", "name": name})
    engine.run()
    sandbox_save(sandbox=sandbox, engine=engine, scheduled=[])
    Sandbox.objects.filter(pk=sandbox.pk).update(updated_at=timezone.now() - ago)
    return Sandbox.objects.get(pk=sandbox.pk)


@pytest.fixture
def user():
    return get_user_model().objects.create_user("ada", password=PASSWORD)


# -- two tabs ---------------------------------------------------------------------------------


def test_a_stale_copy_with_nothing_new_does_not_overwrite_the_other_tabs_work():
    idle = sandbox_for(Learner(session_key="two-tabs"))
    busy = Sandbox.objects.get(session_key="two-tabs")
    engine = engine_for(busy)
    engine.apply({"action": "send", "name": "PlaceOrder"})
    sandbox_save(sandbox=busy, engine=engine, scheduled=[])

    stale = engine_for(idle)
    stale.run(until=500)  # the idle tab's clock moved; it made no input of its own
    sandbox_save(sandbox=idle, engine=stale, scheduled=[])

    assert len(Sandbox.objects.get(session_key="two-tabs").inputs) == 1
    assert idle.until == 0  # nothing was written, and the copy does not pretend otherwise


def test_a_save_of_the_clock_alone_is_one_query(django_assert_num_queries):
    # Hundreds of these a second at a full class: whether another tab wrote first is asked in
    # the update itself, not by a look beforehand.
    sandbox = played(Learner(session_key="clock"), "PlaceOrder")
    engine = engine_for(sandbox)
    engine.run(until=engine.now + 100)
    with django_assert_num_queries(1):
        sandbox_save(sandbox=sandbox, engine=engine, scheduled=[])
    assert Sandbox.objects.get(pk=sandbox.pk).until == engine.now
    assert sandbox.until == engine.now


def test_a_stale_copy_with_an_input_of_its_own_wins():
    first = sandbox_for(Learner(session_key="two-tabs"))
    second = Sandbox.objects.get(session_key="two-tabs")
    engine = engine_for(second)
    engine.apply({"action": "send", "name": "PlaceOrder"})
    sandbox_save(sandbox=second, engine=engine, scheduled=[])

    mine = engine_for(first)
    mine.apply({"action": "set_online", "service": "Email", "online": False})
    sandbox_save(sandbox=first, engine=mine, scheduled=[])

    stored = Sandbox.objects.get(session_key="two-tabs")
    assert [i["action"] for i in stored.inputs] == ["set_online"]


def test_a_saved_sandbox_replays_to_the_same_trace():
    sandbox = played(Learner(session_key="replay"), "PlaceOrder")
    rebuilt = engine_for(sandbox)
    direct = Engine.from_inputs(sandbox.inputs, seed=0)
    direct.run()
    assert [s.to_dict() for s in rebuilt.trace] == [s.to_dict() for s in direct.trace]


# -- sign-in ----------------------------------------------------------------------------------


def test_each_world_is_merged_on_its_own(user):
    played(Learner(user_id=user.pk), "ShipOrder", ago=timedelta(days=1))
    played(Learner(session_key="kw"), "PlaceOrder")
    for owner in ({"user": user}, {"session_key": "kw"}):
        Sandbox.objects.create(**owner, world="system:one@1", until=1)
    Sandbox.objects.create(session_key="kw", world="system:two@1", until=2)

    mine = sandbox_merge_into_user(learner_key="kw", user=user)

    assert [i["name"] for i in mine.inputs] == ["PlaceOrder"]
    assert not Sandbox.objects.filter(session_key="kw").exists()
    worlds = dict(Sandbox.objects.filter(user=user).values_list("world", "until"))
    assert set(worlds) == {"", "system:one@1", "system:two@1"}
    assert worlds["system:two@1"] == 2


def test_an_account_without_a_sandbox_adopts_the_anonymous_one(user):
    anonymous = played(Learner(session_key="k1"), "PlaceOrder")

    merged = sandbox_merge_into_user(learner_key="k1", user=user)

    assert merged.pk == anonymous.pk
    assert Sandbox.objects.get(user=user).inputs == anonymous.inputs
    assert not Sandbox.objects.filter(session_key="k1").exists()


def test_an_empty_account_sandbox_gives_way_even_if_newer(user):
    played(Learner(session_key="k2"), "PlaceOrder", ago=timedelta(hours=2))
    sandbox_for(Learner(user_id=user.pk))  # opened once, nothing done

    sandbox_merge_into_user(learner_key="k2", user=user)

    stored = Sandbox.objects.get(user=user)
    assert [i["name"] for i in stored.inputs] == ["PlaceOrder"]
    assert Sandbox.objects.count() == 1


def test_the_newer_of_two_used_sandboxes_wins(user):
    played(Learner(user_id=user.pk), "ShipOrder", ago=timedelta(days=3))
    played(Learner(session_key="k3"), "PlaceOrder", ago=timedelta(minutes=1))

    sandbox_merge_into_user(learner_key="k3", user=user)

    assert [i["name"] for i in Sandbox.objects.get(user=user).inputs] == ["PlaceOrder"]
    assert Sandbox.objects.count() == 1


def test_an_older_anonymous_sandbox_does_not_replace_newer_account_work(user):
    played(Learner(session_key="k4"), "PlaceOrder", ago=timedelta(days=1))
    played(Learner(user_id=user.pk), "ShipOrder")

    sandbox_merge_into_user(learner_key="k4", user=user)

    assert [i["name"] for i in Sandbox.objects.get(user=user).inputs] == ["ShipOrder"]
    assert not Sandbox.objects.filter(session_key="k4").exists()


def test_an_anonymous_sandbox_with_nothing_done_never_replaces_account_work(user):
    played(Learner(user_id=user.pk), "ShipOrder", ago=timedelta(days=30))
    opened = sandbox_for(Learner(session_key="k5"))
    sandbox_load_scenario(sandbox=opened, name="email-down")  # opened, never played

    sandbox_merge_into_user(learner_key="k5", user=user)

    stored = Sandbox.objects.get(user=user)
    assert stored.scenario == ""
    assert [i["name"] for i in stored.inputs] == ["ShipOrder"]


def test_nothing_anonymous_leaves_the_account_alone(user):
    mine = played(Learner(user_id=user.pk), "ShipOrder")
    assert sandbox_merge_into_user(learner_key="nobody", user=user) == mine
    assert sandbox_merge_into_user(learner_key="", user=user) is None
    assert Sandbox.objects.get(user=user).inputs == mine.inputs


def test_a_tab_of_the_old_session_cannot_take_the_sandbox_back(user):
    tab = sandbox_for(Learner(session_key="k6"))
    engine = engine_for(tab)
    engine.apply({"action": "send", "name": "PlaceOrder"})
    sandbox_save(sandbox=tab, engine=engine, scheduled=[])
    sandbox_merge_into_user(learner_key="k6", user=user)

    engine.apply({"action": "send", "name": "PlaceOrder"})
    sandbox_save(sandbox=tab, engine=engine, scheduled=[])  # still open in another tab

    stored = Sandbox.objects.get(pk=tab.pk)
    assert stored.learner == Learner(user_id=user.pk)
    assert len(stored.inputs) == 2


def test_signing_up_keeps_the_sandbox_made_before(client):
    client.get("/simulator/")
    key = client.session[LEARNER_KEY]
    played(Learner(session_key=key), "PlaceOrder")

    response = client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    grace = get_user_model().objects.get(username="grace")
    assert len(Sandbox.objects.get(user=grace).inputs) == 1
    assert "Checkout sends the command PlaceOrder" in client.get("/simulator/").content.decode()


def test_signing_in_brings_the_anonymous_sandbox_into_the_account(client, user):
    played(Learner(user_id=user.pk), "ShipOrder", ago=timedelta(days=2))
    client.get("/simulator/")
    played(Learner(session_key=client.session[LEARNER_KEY]), "PlaceOrder")

    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 302
    stored = Sandbox.objects.get()
    assert stored.learner == Learner(user_id=user.pk)
    assert [i["name"] for i in stored.inputs] == ["PlaceOrder"]
    assert "Checkout sends the command PlaceOrder" in client.get("/simulator/").content.decode()


# -- saving --------------------------------------------------------------------------------------


def test_several_sockets_saves_are_written_together_each_to_its_own_sandbox():
    first, second = sandbox_for(Learner(session_key="s1")), sandbox_for(Learner(session_key="s2"))
    one, two = engine_for(first), engine_for(second)
    one.apply({"action": "send", "name": "PlaceOrder"})
    two.run(until=700)

    write_together(
        [
            partial(save_progress, first, Progress.of(one, [])),
            partial(save_progress, second, Progress.of(two, [])),
        ]
    )

    assert len(Sandbox.objects.get(session_key="s1").inputs) == 1
    assert Sandbox.objects.get(session_key="s2").until == 700


def test_a_save_with_nothing_new_writes_nothing():
    sandbox = played(Learner(session_key="quiet"), "PlaceOrder", ago=timedelta(hours=1))
    engine = engine_for(sandbox)
    stamp = sandbox.updated_at

    sandbox_save(sandbox=sandbox, engine=engine, scheduled=list(sandbox.scheduled))

    assert Sandbox.objects.get(pk=sandbox.pk).updated_at == stamp
    engine.run(until=engine.now + 100)
    sandbox_save(sandbox=sandbox, engine=engine, scheduled=list(sandbox.scheduled))
    assert Sandbox.objects.get(pk=sandbox.pk).updated_at > stamp


def test_a_save_keeps_its_own_copy_of_what_is_still_scheduled():
    sandbox = sandbox_for(Learner(session_key="sched"))
    engine = engine_for(sandbox)
    scheduled = [{"action": "send", "name": "PlaceOrder", "at": 500}]
    sandbox_save(sandbox=sandbox, engine=engine, scheduled=scheduled)
    scheduled.pop()  # the runner applies it; nothing was saved since

    sandbox_save(sandbox=sandbox, engine=engine, scheduled=scheduled)

    assert Sandbox.objects.get(pk=sandbox.pk).scheduled == []


def test_a_write_that_fails_fails_alone_and_the_others_are_stored():
    first, second, third = (sandbox_for(Learner(session_key=f"w{i}")) for i in range(3))
    engines = [engine_for(s) for s in (first, second, third)]
    for engine in engines:
        engine.apply({"action": "send", "name": "PlaceOrder"})

    def half_done_then_failed():
        # A write that reached the database and then failed: its row must not be kept either.
        save_progress(second, Progress.of(engines[1], []))
        raise ValueError("the database refused this row")

    results = write_together(
        [
            partial(save_progress, first, Progress.of(engines[0], [])),
            half_done_then_failed,
            partial(save_progress, third, Progress.of(engines[2], [])),
        ]
    )

    assert isinstance(results[1], ValueError)
    assert len(Sandbox.objects.get(session_key="w0").inputs) == 1
    assert Sandbox.objects.get(session_key="w1").inputs == []
    assert len(Sandbox.objects.get(session_key="w2").inputs) == 1
