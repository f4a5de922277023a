"""The broker: topics fan events out, each subscription with its own buffer, instances compete."""

from simulator.engine.order_flow import ORDER_FLOW

from .conftest import EMAILS_PER_ORDER, place_order, steps


def test_every_subscription_of_the_topic_receives_its_own_copy(make_engine):
    engine = make_engine()
    place_order(engine)
    engine.run()
    receivers = [r.to for r in steps(engine, "delivered", message="OrderPlaced")]
    assert sorted(receivers) == sorted(ORDER_FLOW["topics"]["order-events"])
    published = steps(engine, "published", message="OrderPlaced")
    assert len(published) == 1
    assert published[0].detail["subscribers"] == len(ORDER_FLOW["topics"]["order-events"])
    assert published[0].to == "order-events"


def test_an_offline_subscriber_gets_its_events_later_in_order(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_online", "service": "Email", "online": False})
    place_order(engine)
    engine.apply({"action": "set_online", "service": "Email", "online": True, "at": 2000})
    engine.run()
    buffered = steps(engine, "buffered", to="Email")
    in_order = ["OrderPlaced", "PaymentCompleted", "OrderShipped"]
    assert [r.message for r in buffered] == in_order
    late = [r for r in steps(engine, "delivered", to="Email")]
    assert [r.message for r in late] == in_order
    assert all(r.t >= 2000 for r in late)
    assert engine.counters()["Email"]["emails_sent"] == EMAILS_PER_ORDER


def test_one_subscribers_trouble_does_not_delay_the_others(make_engine):
    calm = make_engine()
    place_order(calm)
    calm.run()
    troubled = make_engine()
    troubled.apply({"action": "set_online", "service": "Email", "online": False})
    troubled.apply({"action": "fail_next", "service": "Fraud", "count": 2})
    place_order(troubled)
    troubled.run()

    def times(engine, service):
        return [(r.message, r.t) for r in steps(engine, "handled", to=service)]

    for service in ("Inventory", "Analytics", "Customer App", "Accounting"):
        assert times(troubled, service) == times(calm, service)
    assert troubled.counters()["Fraud"]["orders_screened"] == 1


def test_an_event_nobody_listens_to_is_still_published_and_logged(make_engine):
    engine = make_engine()
    engine.apply({"action": "publish", "name": "StockCounted", "payload": {"n": 3}})
    engine.run()
    (published,) = steps(engine, "published", message="StockCounted")
    assert published.to == "custom-events"
    assert published.detail["subscribers"] == 0
    assert [m.name for m in engine.event_log] == ["StockCounted"]
    assert not steps(engine, "delivered")


def test_a_late_subscriber_joins_without_any_producer_changing(make_engine):
    engine = make_engine()
    place_order(engine)
    engine.run()
    before = [r.to_dict() for r in engine.trace]
    engine.apply({"action": "subscribe", "service": "Loyalty", "catch_up": True})
    place_order(engine, amount=30)
    engine.run()
    assert [r.to_dict() for r in engine.trace[: len(before)]] == before
    (subscribed,) = steps(engine, "subscribed")
    assert subscribed.detail == {
        "service": "Loyalty",
        "topic": "order-events",
        "catch_up": True,
        "backlog": 1,
    }
    delivered = steps(engine, "delivered", to="Loyalty")
    assert [r.get("catch_up") for r in delivered] == [True, None]
    assert engine.counters()["Loyalty"]["points_awarded"] == 2
    assert engine.state_view()["topics"]["order-events"][-1] == "Loyalty"


def test_a_subscriber_without_catch_up_only_sees_new_events(make_engine):
    engine = make_engine()
    place_order(engine)
    engine.run()
    engine.apply({"action": "subscribe", "service": "Loyalty", "topic": "order-events"})
    engine.run()
    assert engine.counters()["Loyalty"]["received"] == 0


def test_a_subscriber_with_two_instances_splits_its_subscription(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_instances", "service": "Email", "count": 2})
    engine.apply({"action": "set_online", "service": "Email", "online": False})
    place_order(engine)
    place_order(engine, amount=10, at=1)
    engine.apply({"action": "set_online", "service": "Email", "online": True, "at": 1000})
    engine.run()
    handled = steps(engine, "handled", to="Email#1") + steps(engine, "handled", to="Email#2")
    # Two orders, three events each for Email: OrderPlaced, PaymentCompleted, OrderShipped.
    assert len(handled) == 6
    assert len({r.id for r in handled}) == 6
    assert {r.to for r in handled} == {"Email#1", "Email#2"}


def test_the_subscribers_of_a_topic_are_listed_in_the_order_they_subscribed(make_engine):
    engine = make_engine()
    assert engine.subscribers("order-events") == ORDER_FLOW["topics"]["order-events"]
    engine.apply({"action": "subscribe", "service": "Loyalty", "topic": "order-events"})
    assert engine.subscribers("order-events")[-1] == "Loyalty"
    assert engine.state_view()["topics"]["order-events"] == engine.subscribers("order-events")


def test_work_a_crash_abandons_waits_again_and_is_taken_once_the_service_is_back(make_engine):
    # The broker counts what waits in a service's buffers so that an instance going idle knows
    # whether to look for work. A crash puts the message in hand back without a delivery, so
    # the count must follow it there, or the message would wait for ever.
    engine = make_engine(
        {
            "latency_ms": 1,
            "work_ms": 100,
            "services": {"Source": {}, "Sink": {}},
            "topics": {"ticks": ["Sink"]},
            "events": {"TickHappened": {"topic": "ticks", "publisher": "Source"}},
            "rules": [{"service": "Sink", "on": "TickHappened", "effects": {"seen": 1}}],
        }
    )
    engine.apply({"action": "publish", "name": "TickHappened", "at": 0})
    engine.apply({"action": "publish", "name": "TickHappened", "at": 0})
    engine.apply({"action": "set_online", "service": "Sink", "online": False, "at": 50})
    assert engine._services["Sink"].queued == engine.state_view()["services"]["Sink"]["buffered"]
    assert engine.state_view()["services"]["Sink"]["buffered"] == 2
    engine.apply({"action": "set_online", "service": "Sink", "online": True, "at": 60})
    engine.run()
    assert engine.counters()["Sink"]["seen"] == 2
    assert engine._services["Sink"].queued == 0
    assert len(steps(engine, "redelivered", to="Sink")) == 1
