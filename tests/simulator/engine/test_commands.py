"""Commands: one handler, one instance, one answer (or a timeout and a decision)."""

from .conftest import place_order, steps


def test_the_order_flow_follows_command_event_command_event(make_engine):
    engine = make_engine()
    place_order(engine)
    engine.run()
    chain = [(r.step, r.message, r.kind) for r in engine.trace if r.step in ("sent", "published")]
    assert chain == [
        ("sent", "PlaceOrder", "command"),
        ("published", "OrderPlaced", "event"),
        ("sent", "ProcessPayment", "command"),
        ("published", "PaymentCompleted", "event"),
        ("sent", "ShipOrder", "command"),
        ("published", "OrderShipped", "event"),
    ]


def test_causation_links_each_message_to_the_one_before(make_engine):
    engine = make_engine()
    place_order(engine)
    engine.run()
    emitted = {r.message: r for r in engine.trace if r.step in ("sent", "published")}
    order = ["PlaceOrder", "OrderPlaced", "ProcessPayment", "PaymentCompleted", "ShipOrder"]
    assert emitted["PlaceOrder"].causation_id is None
    for cause, effect in zip(order, [*order[1:], "OrderShipped"], strict=True):
        assert emitted[effect].causation_id == emitted[cause].id
    assert len({r.correlation_id for r in engine.trace if r.id}) == 1


def test_the_sender_hears_back_with_a_result(make_engine):
    engine = make_engine()
    place_order(engine)
    engine.run()
    (reply,) = steps(engine, "replied", message="PlaceOrder")
    assert reply.to == "Checkout"
    assert reply.get("from") == "Order"
    assert reply.detail["result"] == {"order_id": "ord-1"}


def test_competing_instances_take_one_command_each(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_instances", "service": "Payment", "count": 3})
    for k in range(6):
        place_order(engine, amount=10, at=k)
    engine.run()
    handled = steps(engine, "handled", message="ProcessPayment")
    assert len(handled) == 6
    assert len({r.id for r in handled}) == 6
    assert {r.to for r in handled} == {"Payment#1", "Payment#2", "Payment#3"}
    assert engine.counters()["Payment"]["cards_charged"] == 6


def test_random_dispatch_is_seeded(order_flow_data, make_engine):
    order_flow_data["dispatch"] = "random"

    def instances(seed):
        engine = make_engine(order_flow_data, seed=seed)
        engine.apply({"action": "set_instances", "service": "Payment", "count": 4})
        for k in range(8):
            place_order(engine, amount=10, at=k * 50)
        engine.run()
        return [r.to for r in steps(engine, "handled", message="ProcessPayment")]

    assert instances(3) == instances(3)
    assert len(set(instances(3))) > 1


def test_insufficient_funds_is_a_rejection_and_the_flow_compensates(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_funds", "customer": "ada", "amount": 50})
    place_order(engine, amount=120)
    engine.run()
    (rejected,) = steps(engine, "rejected", message="ProcessPayment")
    assert "insufficient funds" in rejected.detail["reason"]
    (cancelled,) = steps(engine, "published", message="OrderCancelled")
    assert cancelled.causation_id == rejected.id
    assert steps(engine, "published", message="OrderPlaced")  # the fact stays
    assert engine.projection.state()["orders"] == {"ord-1": "cancelled"}
    assert engine.counters()["Payment"].get("cards_charged", 0) == 0
    assert engine.state_view()["funds"]["ada"] == 50


def test_funds_in_the_payload_take_precedence(make_engine):
    engine = make_engine()
    place_order(engine, amount=120, payload={"amount": 120, "funds": 5})
    engine.run()
    assert steps(engine, "rejected", message="ProcessPayment")


def test_an_offline_handler_makes_the_sender_time_out_retry_and_give_up(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_online", "service": "Payment", "online": False})
    place_order(engine)
    engine.run()
    timeouts = steps(engine, "timed_out", message="ProcessPayment")
    assert [(r.detail["attempt"], r.detail["decision"]) for r in timeouts] == [
        (1, "retry"),
        (2, "compensate"),
    ]
    (retry,) = steps(engine, "retried", message="ProcessPayment")
    assert retry.detail == {"attempt": 2, "by": "sender"}
    assert retry.t == timeouts[0].t + 200
    assert steps(engine, "published", message="OrderCancelled")
    assert len(steps(engine, "buffered", to="Payment")) == 2


def test_a_slow_handler_charges_after_the_sender_gave_up_and_the_flow_refunds(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_slow", "service": "Payment", "slow": True})
    place_order(engine)
    engine.run()
    assert steps(engine, "timed_out", message="ProcessPayment", decision="compensate")
    late = steps(engine, "dropped", message="ProcessPayment")
    assert late
    assert all(r.detail["reply"] == "accepted" for r in late)
    assert engine.counters()["Payment"]["cards_charged"] == 1  # the retry was recognised
    assert engine.counters()["Payment"]["refunds_issued"] == 1
    assert steps(engine, "published", message="PaymentRefunded")
    assert engine.projection.state()["orders"] == {"ord-1": "refunded"}
    assert engine.state_view()["funds"]["ada"] == 500


def test_shipping_that_never_answers_is_compensated_with_a_refund(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_online", "service": "Fulfillment", "online": False})
    place_order(engine)
    engine.run()
    final = steps(engine, "timed_out", message="ShipOrder", decision="compensate")
    assert final[0].detail["compensation"] == ["publish OrderCancelled", "send RefundPayment"]
    assert steps(engine, "published", message="PaymentRefunded")
    assert engine.projection.status("ord-1") == "refunded"


def test_a_command_nobody_handles_is_dropped_and_times_out(make_engine):
    engine = make_engine()
    engine.apply({"action": "send", "name": "DoTheDishes"})
    engine.run()
    (dropped,) = steps(engine, "dropped", message="DoTheDishes")
    assert "no handler" in dropped.detail["reason"]
    (timeout,) = steps(engine, "timed_out", message="DoTheDishes")
    assert timeout.detail["decision"] == "give_up"


def test_a_command_sent_to_a_service_that_does_not_know_it_is_rejected(make_engine):
    engine = make_engine()
    engine.apply({"action": "send", "name": "DoTheDishes", "to": "Email", "from": "Order"})
    engine.run()
    (rejected,) = steps(engine, "rejected", message="DoTheDishes")
    assert rejected.to == "Order"
    assert rejected.detail["reason"] == "Email has no handler for DoTheDishes"


def test_a_malformed_request_is_refused_before_any_business_rule(make_engine):
    engine = make_engine()
    place_order(engine, amount=-5)
    engine.run()
    (handled,) = steps(engine, "handled", message="PlaceOrder")
    assert handled.detail["outcome"] == "rejected"
    assert handled.detail["refused_by"] == "validation"
    assert "amount must be a number above zero" in handled.detail["reason"]
    (reply,) = steps(engine, "rejected", message="PlaceOrder")
    assert reply.to == "Checkout"
    # Nothing happened, so nothing is announced and nothing is counted.
    assert not steps(engine, "published")
    assert engine.counters()["Order"].get("orders_created", 0) == 0


def test_a_business_refusal_is_announced_as_a_fact_by_the_refuser(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_funds", "customer": "ada", "amount": 10})
    place_order(engine)
    engine.run()
    (handled,) = steps(engine, "handled", message="ProcessPayment")
    assert handled.detail["refused_by"] == "business rule"
    (declined,) = steps(engine, "published", message="PaymentDeclined")
    assert declined.from_ == "Payment"
    assert declined.causation_id == handled.id
    assert engine.counters()["Accounting"]["declines_noted"] == 1
    # The sender heard the refusal as a reply and compensated with its own fact.
    assert steps(engine, "published", message="OrderCancelled")
