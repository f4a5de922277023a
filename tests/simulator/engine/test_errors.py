"""Bad input is refused with a clear message and changes nothing."""

import pytest

from simulator.engine import (
    ACTIONS,
    DomainError,
    InvalidInput,
    InvalidMessageName,
    UnknownAction,
    UnknownScenario,
    UnknownService,
    World,
    WorldError,
    load_scenario,
)

from .conftest import place_order

BAD_INPUTS = [
    ({"action": "explode"}, UnknownAction, "unknown action 'explode'"),
    ({}, UnknownAction, "the engine understands"),
    ("send", InvalidInput, "table of fields"),
    ({"action": "set_online", "service": "Mailer", "online": False}, UnknownService, "Mailer"),
    ({"action": "set_online", "service": "Email"}, InvalidInput, "needs 'online'"),
    ({"action": "set_online", "service": "Email", "online": "no"}, InvalidInput, "true or false"),
    (
        {"action": "set_instances", "service": "Payment", "count": 5},
        InvalidInput,
        "between 1 and 4",
    ),
    ({"action": "set_instances", "service": "Payment", "count": 0}, InvalidInput, "between 1"),
    ({"action": "set_instances", "service": "Payment", "count": True}, InvalidInput, "whole"),
    ({"action": "fail_next", "service": "Payment", "count": -1}, InvalidInput, "between 0"),
    ({"action": "send", "name": "Place Order!"}, InvalidMessageName, "letters, digits"),
    ({"action": "send", "name": "X" * 201}, InvalidMessageName, "200"),
    ({"action": "send", "name": "PlaceOrder", "to": "Nobody"}, UnknownService, "Nobody"),
    ({"action": "send", "name": "PlaceOrder", "payload": [1]}, InvalidInput, "a table"),
    ({"action": "send", "name": "PlaceOrder", "payload": {"a": [1]}}, InvalidInput, "'a'"),
    ({"action": "send", "name": "PlaceOrder", "priority": 1}, InvalidInput, "priority"),
    ({"action": "publish", "name": "OrderPlaced", "topic": "nowhere"}, InvalidInput, "topic"),
    ({"action": "delay_next", "by": 0}, InvalidInput, "between 1"),
    ({"action": "send", "name": "PlaceOrder", "at": 5}, InvalidInput, "not before now"),
    ({"action": "subscribe", "service": "Email", "topic": "order-events"}, InvalidInput, "already"),
    ({"action": "subscribe", "service": "Checkout"}, InvalidInput, "already subscribed"),
    ({"action": "set_funds", "amount": -5}, InvalidInput, "between 0"),
]


@pytest.mark.parametrize(("bad", "error", "words"), BAD_INPUTS)
def test_bad_input_raises_a_domain_error_and_changes_nothing(make_engine, bad, error, words):
    engine = make_engine()
    place_order(engine)
    engine.run(until=100)
    before = (engine.snapshot(), engine.state_view(), engine.counters(), len(engine.trace))
    with pytest.raises(error, match=words):
        engine.apply(bad)
    assert issubclass(error, DomainError)
    assert (engine.snapshot(), engine.state_view(), engine.counters(), len(engine.trace)) == before
    engine.run()
    assert engine.counters()["Email"]["emails_sent"] == 3  # and it carries on normally


def test_every_action_is_documented_in_the_error_message(make_engine):
    with pytest.raises(UnknownAction) as info:
        make_engine().apply({"action": "nope"})
    for action in ACTIONS:
        assert action in str(info.value)


def test_an_unknown_scenario_lists_the_valid_ones():
    with pytest.raises(UnknownScenario, match=r"order-flow.*command-in-disguise"):
        load_scenario("order-flood")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "at least one service"),
        ({"services": {"A": {}}, "topics": {"t": ["B"]}}, "unknown service 'B'"),
        ({"services": {"A": {"instances": 9}}}, "out of range"),
        ({"services": {"A": {}}, "events": {"E": {"topic": "missing"}}}, "unknown topic"),
        (
            {"services": {"A": {}}, "rules": [{"service": "A", "on": "X", "reject_if": "moon"}]},
            "moon",
        ),
        ({"services": {"A": {}}, "dispatch": "lottery"}, "dispatch"),
        ({"services": {"A": {}}, "latency_ms": "fast"}, "whole number"),
    ],
)
def test_inconsistent_world_data_is_refused(data, words):
    with pytest.raises(WorldError, match=words):
        World.from_data(data)
