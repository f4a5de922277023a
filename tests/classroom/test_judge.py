"""The room's branches against the engine's own runs: the learners answer as the simulated services
would, and the room must walk the flow the engine's trace shows, message for message."""

from __future__ import annotations

import pytest

from classroom import judge
from classroom.room import (
    COMMAND_TIMEOUT_MS,
    TEACHER,
    RoomRefused,
    RoomState,
    opened_record,
    script_for,
    world_for,
)
from simulator.engine import load_scenario
from tests.purity import django_modules_loaded_by

WORLD = world_for("order-flow")
PLAYERS = {"Order": "p-ana", "Payment": "p-ben", "Fulfillment": "p-cy"}


def engine_story(*faults: dict) -> list[tuple]:
    """The order flow as the engine runs it after `faults`: every message sent, retried or
    published, and every time-out with the sender's decision."""
    scenario = load_scenario("order-flow")
    engine = scenario.engine()
    for fault in faults:
        engine.apply(fault)
    for item in scenario.inputs:
        engine.apply(item)
    engine.run()
    story = []
    for record in engine.trace:
        if record.step in ("sent", "published", "retried"):
            story.append((record.step, record.message))
        elif record.step == "timed_out":
            story.append(("timed_out", record.message, record.detail["decision"]))
    return story


def room_story(answers: dict[str, list[str]]) -> list[tuple]:
    """The room walked by its teacher to the end, each command answered by the learner playing
    its handler: `answers[name]` lists what they do on each attempt (accept, reject or silent)."""
    state = RoomState()
    records = [state.record(opened_record("K7QMX2", "order-flow", ""), 0)]
    now = 0
    for service, pid in PLAYERS.items():
        records += state.act(pid, "join", {"name": pid[2:].title()}, now)
        records += state.act(pid, "role", {"kind": "handler", "service": service}, now)
    attempts: dict[str, int] = {}
    for _ in range(30):
        try:
            records += state.act(TEACHER, "next", {}, now)
        except RoomRefused as refusal:
            if "finished" in str(refusal):
                break
            now += COMMAND_TIMEOUT_MS  # nobody answered: the next request finds it timed out
            records += state.settle(now)
            continue
        sent = records[-1]
        if sent["type"] != "sent":
            continue
        tries = attempts[sent["name"]] = attempts.get(sent["name"], 0) + 1
        plan = answers.get(sent["name"], [])
        answer = plan[tries - 1] if tries <= len(plan) else "accept"
        if answer == "accept":
            records += state.act(sent["pid"], "accept", {"mid": sent["mid"]}, now)
        elif answer == "reject":
            fields = {"mid": sent["mid"], "reason": "Card declined"}
            records += state.act(sent["pid"], "reject", fields, now)
    story = []
    for record in records:
        if record["type"] == "sent":
            story.append(("retried" if record.get("attempt", 1) > 1 else "sent", record["name"]))
        elif record["type"] == "published":
            story.append(("published", record["name"]))
        elif record["type"] == "timed_out":
            name = state.messages[record["mid"]]["name"]
            story.append(("timed_out", name, record["decision"]))
    return story


def test_learners_who_accept_everything_walk_the_engines_happy_path():
    assert room_story({}) == engine_story()
    _, script = script_for("order-flow")
    assert [name for _, name in room_story({})] == [step["name"] for step in script]


def test_a_refused_payment_compensates_as_the_engine_does():
    story = room_story({"ProcessPayment": ["reject"]})
    no_money = {"action": "set_funds", "customer": "ada", "amount": 0}
    assert story == engine_story(no_money)
    names = [name for _, name, *_ in story]
    assert names[names.index("ProcessPayment") + 1 :] == ["PaymentDeclined", "OrderCancelled"]
    assert "PaymentCompleted" not in names
    assert "ShipOrder" not in names


def test_a_silent_payment_is_retried_then_given_up_as_the_engine_does():
    story = room_story({"ProcessPayment": ["silent", "silent"]})
    assert story == engine_story({"action": "set_online", "service": "Payment", "online": False})
    assert ("timed_out", "ProcessPayment", "retry") in story
    assert story[-2:] == [
        ("timed_out", "ProcessPayment", "compensate"),
        ("published", "OrderCancelled"),
    ]


def test_a_retry_that_is_answered_carries_on_along_the_happy_path():
    story = room_story({"ProcessPayment": ["silent", "accept"]})
    assert ("retried", "ProcessPayment") in story
    assert story[-1] == ("published", "OrderShipped")
    assert "OrderCancelled" not in [name for _, name, *_ in story]


def test_a_parcel_never_shipped_cancels_and_refunds_where_money_was_taken():
    story = room_story({"ShipOrder": ["silent"] * 3})
    assert story == engine_story(
        {"action": "set_online", "service": "Fulfillment", "online": False}
    )
    names = [name for _, name, *_ in story]
    assert names[-3:] == ["OrderCancelled", "RefundPayment", "PaymentRefunded"]


def test_a_refused_shipment_cancels_and_refunds():
    steps = judge.after_command(
        WORLD, command="ShipOrder", sender="Order", handler="Fulfillment", outcome="rejected"
    )
    assert [(s["verb"], s["name"]) for s in steps] == [
        ("publish", "OrderCancelled"),
        ("send", "RefundPayment"),
    ]


@pytest.mark.parametrize(
    ("status", "event", "allowed"),
    [
        ("", "OrderPlaced", True),
        ("placed", "PaymentCompleted", True),
        ("cancelled", "PaymentCompleted", False),
        ("cancelled", "OrderShipped", False),
        ("cancelled", "PaymentRefunded", True),
        ("refunded", "OrderPlaced", True),
        ("refunded", "OrderShipped", False),
    ],
)
def test_no_success_is_reported_on_an_order_called_off(status, event, allowed):
    assert judge.may_follow(WORLD, status, event) is allowed


def test_an_unknown_outcome_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown outcome"):
        judge.after_command(
            WORLD, command="ShipOrder", sender="Order", handler="Fulfillment", outcome="maybe"
        )


def test_the_judge_loads_no_django():
    code = "from classroom.room import world_for\nworld_for('order-flow')\n"
    assert django_modules_loaded_by(code) == "[]"
