"""Name smells: when a name and its use disagree, the trace says so."""

from simulator.engine import Engine
from simulator.engine.naming import simple_classify

from .conftest import steps


def test_an_imperative_name_published_as_an_event_smells(make_engine):
    engine = make_engine()
    engine.apply({"action": "publish", "name": "SendWelcomeEmail", "from": "Order"})
    (smell,) = steps(engine, "smell")
    assert smell.message == "SendWelcomeEmail"
    assert "command in disguise" in smell.detail["reason"]
    assert (smell.detail["reads_as"], smell.detail["used_as"]) == ("command", "event")


def test_a_past_tense_name_sent_as_a_command_smells(make_engine):
    engine = make_engine()
    engine.apply({"action": "send", "name": "OrderShipped", "to": "Fulfillment"})
    (smell,) = steps(engine, "smell")
    assert (smell.detail["reads_as"], smell.detail["used_as"]) == ("event", "command")


def test_a_contradictory_name_smells_whatever_its_use(make_engine):
    engine = make_engine()
    engine.apply({"action": "publish", "name": "OrderPlacedCommand"})
    (smell,) = steps(engine, "smell")
    assert smell.detail["reason"] == "a past-tense name with a Command suffix"


def test_a_well_named_flow_has_no_smell(make_engine):
    engine = make_engine()
    engine.apply({"action": "send", "name": "PlaceOrder"})
    engine.run()
    assert not steps(engine, "smell")


def test_the_classifier_is_asked_once_per_name():
    asked = []

    def classify(name):
        asked.append(name)
        from .conftest import fake_classify

        return fake_classify(name)

    engine = Engine(seed=0, classify_name=classify)
    for k in range(3):
        engine.apply({"action": "send", "name": "PlaceOrder", "at": k})
    engine.run()
    assert sorted(set(asked)) == sorted(asked)


def test_without_a_classifier_the_built_in_one_judges_names():
    engine = Engine(seed=0)
    engine.apply({"action": "publish", "name": "SendConfirmationEmail", "from": "Order"})
    engine.apply({"action": "send", "name": "OrderPlacedCommand", "to": "Order"})
    engine.apply({"action": "send", "name": "PlaceOrder", "at": 10})
    engine.run()
    smelly = [r for r in engine.trace if r.step == "smell"]
    assert [r.message for r in smelly] == ["SendConfirmationEmail", "OrderPlacedCommand"]
    assert smelly[0].detail["explanation"] == simple_classify("SendConfirmationEmail").explanation
