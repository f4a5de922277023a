"""The course's classifier as the site hands it to engines: the grammar, shared per process."""

import pytest

import naming
from naming import shared
from naming.shared import course_classifier
from simulator.engine import Engine, load_scenario


@pytest.fixture
def fresh_verdicts():
    course_classifier.cache_clear()
    yield
    course_classifier.cache_clear()  # later tests get verdicts of the real grammar back


def test_the_course_grammar_judges_the_names_of_an_engine_built_with_it():
    engine = Engine(seed=0, classify_name=course_classifier)
    engine.apply({"action": "publish", "name": "SendConfirmationEmail", "from": "Order"})
    engine.apply({"action": "send", "name": "OrderPlacedCommand", "to": "Order"})
    engine.apply({"action": "send", "name": "PlaceOrder", "at": 10})
    engine.run()
    smelly = [r for r in engine.trace if r.step == "smell"]
    assert [r.message for r in smelly] == ["SendConfirmationEmail", "OrderPlacedCommand"]
    assert smelly[0].detail["explanation"] == naming.classify("SendConfirmationEmail").explanation


def test_engines_of_one_process_share_the_course_grammar_verdicts(monkeypatch, fresh_verdicts):
    asked = []
    real = shared.classify

    def classify(name):
        asked.append(name)
        return real(name)

    monkeypatch.setattr(shared, "classify", classify)
    for seed in range(3):
        engine = Engine(seed=seed, classify_name=course_classifier)
        engine.apply({"action": "publish", "name": "SendConfirmationEmail", "from": "Order"})
        engine.run()
        assert [r.message for r in engine.trace if r.step == "smell"] == ["SendConfirmationEmail"]
    assert asked == ["SendConfirmationEmail"]


def test_a_scenario_run_with_the_course_classifier_explains_with_the_grammar():
    engine = load_scenario("order-flow").run(classify_name=course_classifier)
    engine.apply({"action": "publish", "name": "ShipOrder", "from": "Order"})
    engine.run()
    (smell,) = [r for r in engine.trace if r.step == "smell"]
    assert smell.detail["explanation"] == naming.classify("ShipOrder").explanation
