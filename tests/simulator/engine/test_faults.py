"""Faults: failures with back-off, drops, delays, crashes; nothing disappears unrecorded."""

from simulator.engine.broker import DUPLICATE_REASON

from .conftest import EMAILS_PER_ORDER, place_order, steps


def test_failing_handlers_are_retried_with_growing_back_off(make_engine):
    engine = make_engine()
    engine.apply({"action": "fail_next", "service": "Email", "count": 2})
    place_order(engine)
    engine.run()
    failed = steps(engine, "failed", to="Email")
    retried = steps(engine, "retried", to="Email")
    assert [r.detail["attempt"] for r in failed] == [1, 2]
    assert [(r.detail["attempt"], r.detail["backoff_ms"]) for r in retried] == [(2, 100), (3, 200)]
    redelivered = steps(engine, "redelivered", to="Email")
    assert [r.t - f.t for r, f in zip(redelivered, retried, strict=True)] == [100, 200]
    assert engine.counters()["Email"]["emails_sent"] == EMAILS_PER_ORDER
    assert engine.counters()["Email"]["failed"] == 2


def test_after_too_many_failures_a_message_is_dead_lettered_not_lost(make_engine):
    engine = make_engine()
    engine.apply({"action": "fail_next", "service": "Fraud", "count": 10})
    place_order(engine)
    engine.run()
    (dropped,) = steps(engine, "dropped", to="Fraud")
    assert "dead-letter" in dropped.detail["reason"]
    assert len(steps(engine, "failed", to="Fraud")) == 5


def test_a_message_dropped_on_the_wire_is_recorded_and_the_sender_retries(make_engine):
    engine = make_engine()
    engine.apply({"action": "drop_next"})
    place_order(engine)
    engine.run()
    (dropped,) = steps(engine, "dropped", message="PlaceOrder")
    assert "lost" in dropped.detail["reason"]
    assert steps(engine, "timed_out", message="PlaceOrder", decision="retry")
    assert steps(engine, "replied", message="PlaceOrder")
    assert engine.counters()["Order"]["orders_created"] == 1


def test_a_dropped_event_reaches_nobody_but_says_so(make_engine):
    engine = make_engine()
    engine.apply({"action": "drop_next"})
    engine.apply({"action": "publish", "name": "OrderPlaced", "payload": {"order_id": "x"}})
    engine.run()
    assert steps(engine, "dropped", message="OrderPlaced", to="order-events")
    assert not steps(engine, "delivered")
    assert engine.event_log == []


def test_drop_aimed_at_one_service_spares_the_others(make_engine):
    engine = make_engine()
    engine.apply({"action": "drop_next", "service": "Inventory"})
    place_order(engine)
    engine.run()
    (dropped,) = steps(engine, "dropped", to="Inventory")
    assert dropped.message == "OrderPlaced"
    assert engine.counters()["Inventory"].get("items_reserved", 0) == 0
    assert engine.counters()["Email"]["emails_sent"] == EMAILS_PER_ORDER


def test_delay_holds_the_next_message_back(make_engine):
    engine = make_engine()
    engine.apply({"action": "delay_next", "by": 300})
    place_order(engine)
    engine.run()
    (sent,) = steps(engine, "sent", message="PlaceOrder")
    assert sent.detail["delayed_by"] == 300
    (delivered,) = steps(engine, "delivered", message="PlaceOrder")
    assert delivered.t >= 300
    assert steps(engine, "replied", message="PlaceOrder")  # still inside Checkout's patience


def test_duplicate_delivery_is_announced_as_such(make_engine):
    engine = make_engine()
    engine.apply({"action": "duplicate_next", "service": "Analytics"})
    place_order(engine)
    engine.run()
    (again,) = steps(engine, "redelivered", to="Analytics")
    assert again.detail["reason"] == DUPLICATE_REASON
    assert steps(engine, "duplicate_ignored", to="Analytics")


def test_going_offline_mid_work_puts_the_message_back(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_slow", "service": "Email", "slow": True})
    place_order(engine)
    engine.apply({"action": "set_online", "service": "Email", "online": False, "at": 100})
    engine.apply({"action": "set_slow", "service": "Email", "slow": False, "at": 101})
    engine.apply({"action": "set_online", "service": "Email", "online": True, "at": 3000})
    engine.run()
    put_back = [r for r in steps(engine, "buffered", to="Email") if r.t == 100]
    assert [r.message for r in put_back] == ["OrderPlaced"]
    again = steps(engine, "redelivered", to="Email")
    assert again[0].t == 3000
    assert engine.counters()["Email"]["emails_sent"] == EMAILS_PER_ORDER
    # The abandoned piece of work never finished on its own.
    assert all(r.t >= 3000 for r in steps(engine, "handled", to="Email"))


def test_scaling_down_keeps_work_in_progress(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_instances", "service": "Payment", "count": 4})
    for k in range(4):
        place_order(engine, amount=1, at=k)
    engine.apply({"action": "set_instances", "service": "Payment", "count": 1, "at": 75})
    engine.run()
    assert engine.counters()["Payment"]["cards_charged"] == 4
    assert engine.state_view()["services"]["Payment"]["instances"] == 1
