"""The room on the projector: which tokens fly where, each service's state, who plays what."""

from __future__ import annotations

import pytest

from classroom.projector import cast, diagrams_for, routes, view
from classroom.room import TEACHER
from tests.classroom.helpers import Room
from tests.purity import django_modules_loaded_by


@pytest.fixture
def room():
    room = Room()
    ana, ben, cy, dee = room.join("Ana", "Ben", "Cy", "Dee")
    room.subscribe(ana, "Email")
    room.subscribe(ben, "Email")
    room.subscribe(cy, "Inventory")
    room.instance(dee)
    room.people = (ana, ben, cy, dee)
    return room


def legs(found):
    return [(r["step"], r["source"], r["target"], r["moves"]) for r in found]


def test_an_event_flies_once_to_each_service_whose_learners_received_it(room):
    (record,) = room.act(TEACHER, "publish", name="OrderPlaced")
    assert legs(routes(record, room.state)) == [
        ("published", "svc-order", "topic-order-events", False),
        ("delivered", "topic-order-events", "svc-email", True),
        ("delivered", "topic-order-events", "svc-inventory", True),
    ]


def test_a_command_lands_on_the_instance_that_took_it(room):
    (record,) = room.act(TEACHER, "send", name="ProcessPayment")
    found = routes(record, room.state)
    assert legs(found) == [
        ("sent", "svc-order", "queue-payment", False),
        ("delivered", "queue-payment", "svc-payment", True),
    ]
    assert found[1]["instance"] == "Payment#1"
    assert found[1]["kind"] == "command"


def test_a_command_nobody_runs_stops_at_its_queue():
    room = Room()
    (record,) = room.act(TEACHER, "send", name="ProcessPayment")
    assert legs(routes(record, room.state)) == [("sent", "svc-order", "queue-payment", False)]


def test_answers_fly_back_and_a_time_out_flashes_at_the_queue(room):
    ana, _ben, _cy, dee = room.people
    event = room.message(room.act(TEACHER, "publish", name="OrderPlaced"))["mid"]
    (ack,) = room.act(ana, "ack", mid=event)
    assert legs(routes(ack, room.state)) == [("replied", "svc-email", "topic-order-events", True)]
    first = room.message(room.act(TEACHER, "send", name="ProcessPayment"))["mid"]
    (refusal,) = room.act(dee, "reject", mid=first, reason="Card declined")
    assert legs(routes(refusal, room.state)) == [("rejected", "svc-payment", "svc-order", True)]
    second = room.message(room.act(TEACHER, "send", name="ProcessPayment"))["mid"]
    (accepted,) = room.act(dee, "accept", mid=second)
    assert legs(routes(accepted, room.state)) == [("replied", "svc-payment", "svc-order", True)]
    room.act(TEACHER, "send", name="ProcessPayment")
    room.now += 60_000
    (timed_out,) = room.state.settle(room.now)
    assert legs(routes(timed_out, room.state)) == [("timed_out", None, "queue-payment", False)]


def test_records_that_move_nothing_have_no_route(room):
    for record in room.records:
        assert routes(record, room.state) == [], record["type"]


def test_every_route_ends_on_a_node_of_the_drawn_diagram(room):
    _ana, _ben, _cy, dee = room.people
    found = []
    for action, fields in [
        ("publish", {"name": "OrderPlaced"}),
        ("publish", {"name": "PaymentCompleted"}),
    ]:
        for record in room.act(TEACHER, action, **fields):
            found += routes(record, room.state)
    mid = room.message(room.act(TEACHER, "send", name="ProcessPayment"))["mid"]
    for record in room.act(dee, "reject", mid=mid, reason="No"):
        found += routes(record, room.state)
    for diagram in diagrams_for("order-flow"):
        nodes = {node.id for node in diagram.nodes}
        for route in found:
            assert {route["source"], route["target"]} - {None} <= nodes, route


def test_the_view_counts_instances_and_what_waits_for_the_learners_of_a_service(room):
    room.act(TEACHER, "publish", name="OrderPlaced")
    room.act(TEACHER, "send", name="ProcessPayment")
    services = view(room.state)["services"]
    assert services["svc-email"]["buffered"] == 2  # Ana's copy and Ben's
    assert services["svc-inventory"]["buffered"] == 1
    assert services["svc-payment"]["instances"] == 1
    assert services["svc-payment"]["buffered"] == 1
    assert services["svc-order"] == {
        "online": True,
        "slow": False,
        "instances": 0,
        "buffered": 0,
        "topics": services["svc-order"]["topics"],
    }


def test_the_cast_names_who_plays_each_service_in_instance_order(room):
    _ana, _ben, _cy, _dee = room.people
    (eve,) = room.join("Eve")
    room.instance(eve)
    rows = {row["service"]: row for row in cast(room.state)}
    assert [p["name"] for p in rows["Email"]["people"]] == ["Ana", "Ben"]
    assert [(p["instance"], p["name"]) for p in rows["Payment"]["people"]] == [
        (1, "Dee"),
        (2, "Eve"),
    ]
    assert rows["Payment"]["node"] == "svc-payment"
    assert "Order" not in rows  # nobody plays it


def test_the_projector_model_loads_no_django():
    assert django_modules_loaded_by("import classroom.projector") == "[]"


def test_the_projector_leaves_out_the_topic_nothing_in_a_room_publishes_to():
    for diagram in diagrams_for("order-flow"):
        topics = [node.id for node in diagram.nodes if node.kind == "topic"]
        assert topics == ["topic-order-events", "topic-payment-events", "topic-fulfillment-events"]
