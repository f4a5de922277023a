"""Idempotent consumers remember ids; naive ones repeat their side effects."""

import pytest

from .conftest import place_order, steps


@pytest.mark.parametrize(("idempotent", "emails"), [(True, 3), (False, 4)])
def test_a_duplicate_event_repeats_the_side_effect_only_for_a_naive_consumer(
    make_engine, idempotent, emails
):
    engine = make_engine()
    engine.apply({"action": "set_idempotent", "service": "Email", "idempotent": idempotent})
    engine.apply({"action": "duplicate_next", "service": "Email"})
    place_order(engine)
    engine.run()
    counts = engine.counters()["Email"]
    assert counts["emails_sent"] == emails
    assert counts["received"] == 4
    assert len(steps(engine, "duplicate_ignored", to="Email")) == (1 if idempotent else 0)


@pytest.mark.parametrize(("idempotent", "charges"), [(True, 1), (False, 2)])
def test_a_duplicate_command_charges_twice_only_when_the_handler_is_naive(
    make_engine, idempotent, charges
):
    engine = make_engine()
    engine.apply({"action": "set_idempotent", "service": "Payment", "idempotent": idempotent})
    engine.apply({"action": "duplicate_next", "service": "Payment"})
    place_order(engine, amount=100)
    engine.run()
    assert engine.counters()["Payment"]["cards_charged"] == charges
    assert engine.state_view()["funds"]["ada"] == 500 - 100 * charges
    # Either way the sender accepts one answer and ignores the other.
    assert len(steps(engine, "replied", message="ProcessPayment")) == 1
    assert len(steps(engine, "dropped", message="ProcessPayment")) == 1


def test_an_idempotent_handler_answers_a_repeat_with_the_original_result(make_engine):
    engine = make_engine()
    engine.apply({"action": "duplicate_next", "service": "Order"})
    place_order(engine)
    engine.run()
    (ignored,) = steps(engine, "duplicate_ignored", message="PlaceOrder")
    assert ignored.to == "Order"
    (late,) = steps(engine, "dropped", message="PlaceOrder")
    assert late.detail["reply"] == "accepted"
    assert engine.counters()["Order"]["orders_created"] == 1


def test_a_retried_command_to_a_slow_naive_handler_is_executed_twice(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_idempotent", "service": "Payment", "idempotent": False})
    engine.apply({"action": "set_slow", "service": "Payment", "slow": True})
    place_order(engine)
    engine.run()
    handled = steps(engine, "handled", message="ProcessPayment")
    assert len(handled) == 2
    assert len({r.id for r in handled}) == 1  # the same command, carried out twice
    assert engine.counters()["Payment"]["cards_charged"] == 2
