"""Flow facts: what a world and one run of it say about each message, and claims held to them."""

import pytest

from simulator.engine import load_scenario
from simulator.engine.facts import (
    check_claim,
    claimed_names,
    claimed_number,
    flow_facts,
    steps_table,
)

from .conftest import fake_classify


@pytest.fixture(scope="module")
def facts():
    engine = load_scenario("order-flow").run(classify_name=fake_classify)
    return flow_facts(engine.world, engine)


def test_the_run_decides_who_sent_what_and_why(facts):
    payment = facts.messages["ProcessPayment"]
    assert payment.senders == ("Order",)
    assert payment.receivers == ("Payment",)
    assert payment.cause == "OrderPlaced"
    assert facts.messages["ShipOrder"].cause == "PaymentCompleted"
    assert facts.messages["OrderShipped"].cause == "ShipOrder"


def test_events_reach_every_subscription_of_their_topic(facts):
    placed = facts.messages["OrderPlaced"]
    assert placed.topic == "order-events"
    assert set(placed.receivers) == {"Order", "Email", "Inventory", "Analytics", "Fraud"}
    assert "Email" in facts.messages["PaymentCompleted"].receivers


def test_messages_the_run_never_played_come_from_the_world(facts):
    assert facts.messages["PaymentDeclined"].senders == ("Payment",)
    assert facts.messages["RefundPayment"].senders == ("Order",)
    assert "PaymentDeclined" not in facts.played


def test_prose_lists_and_numbers_are_read_like_a_person_writes_them():
    assert claimed_names("Order, Email and the Customer App") == ["Order", "Email", "Customer App"]
    assert claimed_names("**Email** & Analytics") == ["Email", "Analytics"]
    assert claimed_number("five copies") == 5
    assert claimed_number("12") == 12
    assert claimed_number("several") is None


@pytest.mark.parametrize(
    ("kind", "message", "text", "problem"),
    [
        ("sender", "ProcessPayment", "Order", None),
        ("sender", "ProcessPayment", "Checkout", "sender"),
        ("handler", "ShipOrder", "Fulfillment", None),
        ("handler", "ShipOrder", "Order", "handler"),
        ("subscribers", "OrderShipped", "Email, Analytics and Customer App", None),
        ("subscribers", "OrderShipped", "Email and Analytics", "subscribers"),
        ("subscribers", "OrderShipped", "Email, Email, Analytics, Customer App", "subscribers"),
        ("copies", "PaymentCompleted", "four", None),
        ("copies", "PaymentCompleted", "three", "copies"),
        ("topic", "OrderShipped", "fulfillment-events", None),
        ("topic", "OrderShipped", "order-events", "topic"),
        ("cause", "ShipOrder", "PaymentCompleted", None),
        ("cause", "ShipOrder", "PlaceOrder", "cause"),
        ("copies", "ShipOrder", "one", "unreadable"),
        ("handler", "OrderPlaced", "Order", "unreadable"),
        ("sender", "Teleport", "Order", "unreadable"),
        ("owner", "OrderPlaced", "Order", "unreadable"),
    ],
)
def test_claims_are_checked_by_kind(facts, kind, message, text, problem):
    found = check_claim(facts, kind, message, text)
    assert (found[0] if found else None) == problem


def test_the_steps_table_has_one_row_per_played_message(facts):
    rows = steps_table(facts).splitlines()[2:]
    assert len(rows) == len(facts.played) == 6
    assert rows[0].startswith("| 1 | PlaceOrder | command | Checkout | Order, the single handler")
    assert "accepted with an order id" in rows[0]
    assert "topic `order-events`: Order, Email, Inventory, Analytics, Fraud" in rows[1]
