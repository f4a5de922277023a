"""The guided scenarios load, run, and bear out their own answers."""

import json

import pytest

from simulator.engine import ScenarioError, list_scenarios, load_scenario
from simulator.engine.scenarios import parse_scenario

from .conftest import fake_classify

NAMES = [
    "order-flow",
    "competing-consumers",
    "email-down",
    "handler-crash",
    "payment-down",
    "invalid-data",
    "insufficient-funds",
    "duplicate-delivery",
    "replay",
    "late-subscriber",
    "command-in-disguise",
]


def test_the_scenarios_are_listed_in_course_order():
    assert list_scenarios() == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_a_scenarios_answer_holds_in_its_own_trace(name):
    scenario = load_scenario(name)
    engine = scenario.run(classify_name=fake_classify)
    question = scenario.question
    assert question.holds(engine), f"{name}: the check of the right answer fails"
    assert question.grade(question.answer, engine)
    wrong = next(i for i in range(len(question.choices)) if i != question.answer)
    assert not question.grade(wrong, engine)
    assert len(scenario.pause_points(engine)) == len(scenario.pauses)
    assert not engine.pending()


@pytest.mark.parametrize("name", NAMES)
def test_a_scenario_is_plain_data(name):
    scenario = load_scenario(name)
    data = json.loads(json.dumps(scenario.to_dict()))
    assert data["title"]
    assert data["summary"]
    assert data["notice"]
    assert data["question"]["explanation"]


def test_a_scenario_can_be_run_with_another_seed():
    scenario = load_scenario("order-flow")
    assert scenario.run(seed=42, classify_name=fake_classify).seed == 42


@pytest.mark.parametrize("name", NAMES)
def test_every_pause_explains_itself_at_the_instant_it_stops(name):
    scenario = load_scenario(name)
    engine = scenario.engine()
    # As the live runner does: each input waits for its virtual time, one instant at a time.
    waiting = [dict(item, at=item.get("at", 0)) for item in scenario.inputs]
    points = set(scenario.pause_points(scenario.run()))
    explained = []
    while waiting or engine.next_time() is not None:
        due = min(
            t for t in (engine.next_time(), waiting[0]["at"] if waiting else None) if t is not None
        )
        first = len(engine.trace)
        while waiting and waiting[0]["at"] <= due:
            engine.apply(waiting.pop(0))
        engine.run(until=due)
        stopped_here = any(step.seq in points for step in engine.trace.since(first))
        notes = scenario.pauses_at_now(engine)
        assert bool(notes) == stopped_here, f"{name} at t={engine.now}"
        explained += notes
    assert explained == sorted(scenario.pauses, key=lambda p: p.first_match(engine))
    for pause in scenario.pauses:
        assert 40 < len(pause.text) <= 600


MINIMAL = {
    "title": "t",
    "summary": "s",
    "seed": 1,
    "inputs": [{"action": "send", "name": "PlaceOrder"}],
    "question": {
        "prompt": "p",
        "choices": ["a", "b"],
        "answer": 0,
        "explanation": "e",
        "check": {"where": {"step": "sent"}, "min": 1},
    },
}


@pytest.mark.parametrize(
    ("pauses", "message"),
    [
        ([{"after": {"step": "sent"}}], "pause 1 has no text"),
        ([{"after": {"step": "sent"}, "text": "   "}], "pause 1 has no text"),
        ([{"after": {"step": "sent"}, "text": 7}], "pause 1 has no text"),
        ([{"step": "sent"}], "unknown keys: step"),
        ([{"text": "Why it stopped."}], "'after' must be"),
        ([{"after": {}, "text": "Why it stopped."}], "'after' must be"),
        ([{"after": True, "text": "Why it stopped."}], "'after' must be"),
        ([{"after": -1, "text": "Why it stopped."}], "'after' must be"),
        ([{"after": {"step": "sent"}, "text": "x" * 601}], "longer than 600"),
        ([3], "must be a table"),
        ({"after": 0}, "must be an array"),
    ],
)
def test_a_pause_without_its_explanation_is_refused(pauses, message):
    with pytest.raises(ScenarioError, match=message):
        parse_scenario("broken", {**MINIMAL, "pauses": pauses})


def test_a_pause_text_is_one_paragraph_whatever_its_line_breaks():
    text = "Checkout has\nsent PlaceOrder.\n  Watch the queue. "
    scenario = parse_scenario("ok", {**MINIMAL, "pauses": [{"after": 0, "text": text}]})
    assert scenario.pauses[0].text == "Checkout has sent PlaceOrder. Watch the queue."
    assert scenario.to_dict()["pauses"] == [{"after": 0, "text": scenario.pauses[0].text}]


def test_an_edited_scenario_file_is_read_again(tmp_path, monkeypatch):
    from simulator.engine import scenarios

    copy = tmp_path / "order-flow.toml"
    copy.write_text((scenarios.SCENARIO_DIR / "order-flow.toml").read_text())
    monkeypatch.setattr(scenarios, "SCENARIO_DIR", tmp_path)
    monkeypatch.setattr(scenarios, "_recently_checked", {})
    before = scenarios.load_scenario("order-flow")
    assert scenarios.load_scenario("order-flow") is before  # parsed once

    copy.write_text(copy.read_text().replace(before.title, "A retitled flow"))
    assert scenarios.load_scenario("order-flow") is before  # not looked at again at once
    monkeypatch.setattr(scenarios, "RECHECK_S", 0.0)
    assert scenarios.load_scenario("order-flow").title == "A retitled flow"
