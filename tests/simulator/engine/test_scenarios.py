"""The guided scenarios load, run, and bear out their own answers."""

import json

import pytest

from simulator.engine import list_scenarios, load_scenario

from .conftest import fake_classify

NAMES = [
    "order-flow",
    "competing-consumers",
    "email-down",
    "payment-down",
    "insufficient-funds",
    "duplicate-delivery",
    "replay",
    "late-subscriber",
    "command-in-disguise",
]


def test_the_nine_scenarios_are_listed_in_course_order():
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
