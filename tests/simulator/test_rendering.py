"""Frames leave out the panels a socket already has, and send them again when they change."""

import json
import re

from simulator import rendering
from simulator.engine import load_scenario
from simulator.models import Sandbox
from simulator.rendering import (
    state_text,
    steps_text,
    with_lateness,
)
from simulator.runner import Runner
from simulator.sandboxes import WorldChoice, engine_for
from tests.simulator.helpers import render_state, render_steps


def runner_for(sandbox: Sandbox) -> Runner:
    return Runner(engine_for(sandbox), emit=None)


def test_a_socket_is_sent_the_services_table_once_and_then_only_the_rows_that_change():
    sandbox = Sandbox()
    runner = runner_for(sandbox)
    memo: dict = {}
    first = render_state(sandbox, runner, full=True, memo=memo)
    assert 'id="sim-services"' in first["content"]
    again = render_steps(sandbox, runner, len(runner.engine.trace), full=False, memo=memo)
    assert 'id="sim-services"' not in again["content"]
    assert 'id="row-' not in again["content"]
    assert 'id="sim-transport"' in again["content"]
    runner.engine.apply({"action": "set_online", "service": "Email", "online": False})
    changed = render_steps(sandbox, runner, 0, full=False, memo=memo)
    assert 'id="sim-services"' not in changed["content"]
    assert re.findall(r'<hx-partial hx-target="#(row-[^"]+)"', changed["content"]) == [
        "row-svc-email"
    ]
    assert "Bring online" in changed["content"]


def test_a_table_of_other_services_is_replaced_whole():
    memo = {"services": ({"name": "Order"}, {"name": "Email"})}
    assert rendering._changed_rows(memo, ({"name": "Order"}, {"name": "Email"}), False) == ()
    assert rendering._changed_rows(memo, ({"name": "Order"}, {"name": "Bank"}), False) is None
    assert rendering._changed_rows({}, ({"name": "Order"},), False) is None


def test_without_a_memo_every_panel_is_sent():
    sandbox = Sandbox()
    runner = runner_for(sandbox)
    frame = render_steps(sandbox, runner, 0, full=False)
    for panel in ('id="sim-services"', 'id="sim-pause"', 'id="sim-question"'):
        assert panel in frame["content"]


def played_to(sandbox: Sandbox, instants: int) -> Runner:
    runner = runner_for(sandbox)
    runner.engine.apply({"action": "send", "name": "PlaceOrder"})
    for _ in range(instants):
        runner.step()
    return runner


def test_sockets_in_the_same_state_share_one_rendering_of_each_panel(monkeypatch):
    drawn = []
    real = rendering._draw
    monkeypatch.setattr(
        rendering, "_draw", lambda part, context: drawn.append(part) or real(part, context)
    )
    rendering.SHARED.clear()
    first, second = Sandbox(), Sandbox()
    one, two = played_to(first, 3), played_to(second, 3)

    a = render_steps(first, one, 0, full=True, memo={})
    drawn_once = len(drawn)
    b = render_steps(second, two, 0, full=True, memo={})

    assert drawn_once >= 4
    assert len(drawn) == drawn_once  # the second socket drew nothing of its own
    assert a == b


def test_a_different_state_is_drawn_afresh():
    rendering.SHARED.clear()
    first, second = Sandbox(), Sandbox()
    early, later = played_to(first, 1), played_to(second, 4)
    assert render_steps(first, early, 0, full=True) != render_steps(second, later, 0, full=True)
    second.seed = 7
    reseeded = played_to(second, 1)
    assert reseeded.engine.history_key() == early.engine.history_key()
    assert rendering._Panels(second, reseeded).key != rendering._Panels(first, early).key


def test_the_encoded_frame_is_the_frame_and_lateness_is_added_to_it():
    sandbox = Sandbox()
    runner = played_to(sandbox, 2)
    text = steps_text(sandbox, runner, 0, full=True)
    assert json.loads(text) == json.loads(json.dumps(render_steps(sandbox, runner, 0, full=True)))
    late = json.loads(with_lateness(text, 12.5))
    assert late["late_ms"] == 12.5
    assert late["length"] == len(runner.engine.trace)


def test_an_encoded_state_frame_is_the_frame_and_an_answer_is_never_shared():
    sandbox = Sandbox(scenario="order-flow", seed=0)
    runner = played_to(sandbox, 2)
    text = state_text(sandbox, runner, full=True)
    assert json.loads(text) == json.loads(json.dumps(render_state(sandbox, runner, full=True)))
    right = state_text(sandbox, runner, full=False, answer={"choice": 0, "correct": True})
    wrong = state_text(sandbox, runner, full=False, answer={"choice": 1, "correct": False})
    assert "Right, and the run" in json.loads(right)["content"]
    assert "Not quite" in json.loads(wrong)["content"]


def status_of(content: str) -> str:
    return re.search(r'class="transport__status" role="status" data-status="(\w+)"', content)[1]


def test_an_empty_sandbox_that_is_played_does_not_say_playing():
    sandbox = Sandbox()
    runner = runner_for(sandbox)
    runner.playing = True
    frame = render_state(sandbox, runner, full=False)
    assert status_of(frame["content"]) == "empty"
    assert "Playing" not in frame["content"]
    assert ">Play<" in frame["content"]


def test_a_run_that_has_nothing_left_to_do_says_finished():
    sandbox = Sandbox()
    runner = runner_for(sandbox)
    runner.engine.apply({"action": "send", "name": "PlaceOrder"})
    runner.playing = True
    assert status_of(render_state(sandbox, runner, full=False)["content"]) == "playing"
    while runner.step():
        pass
    content = render_state(sandbox, runner, full=False)["content"]
    assert status_of(content) == "finished"
    # The free sandbox keeps its Play button: the learner's next message plays at once.
    assert ">Play<" in content
    assert ">Pause<" not in content


def test_a_finished_guided_run_offers_a_replay_and_shows_its_question():
    sandbox = Sandbox(scenario="order-flow", seed=0, prediction=1)
    sandbox.scheduled = [dict(i, at=i.get("at", 0)) for i in load_scenario("order-flow").inputs]
    runner = Runner(engine_for(sandbox), emit=None, scheduled=sandbox.scheduled)
    assert 'id="sim-question"' in render_state(sandbox, runner, full=False)["content"]
    assert re.search(
        r'<section id="sim-question"[^>]* hidden',
        render_state(sandbox, runner, full=False)["content"],
    )
    while runner.step():
        pass
    content = render_state(sandbox, runner, full=False)["content"]
    assert status_of(content) == "finished"
    assert ">Replay<" in content
    assert not re.search(r'<section id="sim-question"[^>]* hidden', content)


def test_the_view_names_only_the_subscriptions_taken_during_the_run():
    sandbox = Sandbox()
    runner = runner_for(sandbox)
    view = render_state(sandbox, runner, full=False)["view"]["services"]
    assert all("topics" not in state for state in view.values())
    runner.engine.apply({"action": "subscribe", "service": "Loyalty", "catch_up": False})
    view = render_state(sandbox, runner, full=False)["view"]["services"]
    assert view["svc-loyalty"]["topics"] == ["topic-order-events"]
    assert "topics" not in view["svc-email"]


def test_a_prediction_past_the_end_of_a_rewritten_question_is_asked_again():
    choices = load_scenario("order-flow").question.choices
    sandbox = Sandbox(scenario="order-flow", seed=0, prediction=len(choices))
    content = render_state(sandbox, runner_for(sandbox), full=False)["content"]
    assert status_of(content) == "waiting"
    assert 'id="predict-title"' in content


# A small world of the kind a learner's own system becomes: the till only sends, the kitchen
# handles and publishes, the waiter listens, and the critic has a rule but joins later.
DINER = {
    "name": "diner",
    "default_sender": "Till",
    "services": {"Till": {}, "Kitchen": {}, "Waiter": {}, "Critic": {}},
    "topics": {"kitchen-events": ["Waiter"]},
    "events": {"MealCooked": {"topic": "kitchen-events", "publisher": "Kitchen"}},
    "commands": {"CookMeal": {"handler": "Kitchen"}},
    "rules": [
        {"service": "Kitchen", "on": "CookMeal", "then": [{"publish": "MealCooked"}]},
        {"service": "Waiter", "on": "MealCooked"},
        {"service": "Critic", "on": "MealCooked"},
    ],
}


def subscribe_buttons(sandbox: Sandbox, runner: Runner) -> list[str]:
    content = render_state(sandbox, runner, full=True)["content"]
    return re.findall(r">Subscribe ([^<]+)</button>", content)


def test_only_a_service_with_a_topic_to_join_is_offered_a_subscription():
    sandbox = Sandbox()
    sandbox.world_choice = WorldChoice.of("system:diner", "Diner", DINER)
    runner = runner_for(sandbox)
    # The till only sends: nothing it could subscribe to would give it anything to do.
    assert subscribe_buttons(sandbox, runner) == ["Critic"]
    runner.engine.apply({"action": "subscribe", "service": "Critic", "catch_up": False})
    assert subscribe_buttons(sandbox, runner) == []


def test_the_order_flow_offers_a_subscription_to_loyalty_alone():
    sandbox = Sandbox()
    assert subscribe_buttons(sandbox, runner_for(sandbox)) == ["Loyalty"]
