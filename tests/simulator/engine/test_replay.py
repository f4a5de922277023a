"""Replaying events rebuilds state; replaying commands redoes the work."""

import ast
from pathlib import Path

from simulator.engine import replay

from .conftest import place_order, steps


def run_orders(make_engine, n=2):
    engine = make_engine()
    for k in range(n):
        place_order(engine, amount=50, at=k * 400)
    engine.run()
    return engine


def test_replaying_the_event_log_rebuilds_the_same_state_without_side_effects(make_engine):
    engine = run_orders(make_engine)
    before = engine.counters()
    engine.apply({"action": "replay_events"})
    engine.run()
    replayed = steps(engine, "replayed")
    assert [r.id for r in replayed] == [m.id for m in engine.event_log]
    (summary,) = steps(engine, "replay_finished")
    assert summary.detail["matches_live"] is True
    assert summary.detail["side_effects"] == {}
    assert summary.detail["state"] == engine.projection.state()
    assert summary.detail["state"]["orders"] == {"ord-1": "shipped", "ord-2": "shipped"}
    assert engine.counters() == before


def test_replaying_the_command_log_charges_and_emails_again(make_engine):
    engine = run_orders(make_engine)
    engine.apply({"action": "replay_commands"})
    (summary,) = steps(engine, "replay_finished")
    effects = summary.detail["side_effects"]
    assert effects["Payment"] == {"cards_charged": 2}
    assert effects["Email"] == {"emails_sent": 6}
    assert effects["Order"] == {"orders_created": 2}
    assert summary.detail["matches_live"] is False
    assert engine.counters()["Payment"]["cards_charged"] == 4
    assert engine.state_view()["funds"]["ada"] == 500 - 4 * 50
    replayed = steps(engine, "replayed")
    assert [r.message for r in replayed] == [m.name for m in engine.command_log]


def test_both_replays_can_be_compared_side_by_side(make_engine):
    engine = run_orders(make_engine, n=1)
    engine.apply({"action": "replay_events"})
    engine.apply({"action": "replay_commands"})
    events, commands = steps(engine, "replay_finished")
    assert (events.detail["log"], commands.detail["log"]) == ("events", "commands")
    assert not events.detail["side_effects"]
    assert commands.detail["side_effects"]


def test_command_replay_can_be_refused_now_where_it_was_accepted_then(make_engine):
    engine = run_orders(make_engine, n=1)
    engine.apply({"action": "set_funds", "amount": 0})
    engine.apply({"action": "replay_commands"})
    outcomes = {r.message: r.detail["outcome"] for r in steps(engine, "replayed")}
    assert outcomes["ProcessPayment"] == "rejected"
    assert outcomes["PlaceOrder"] == "accepted"


def test_replay_reads_the_engine_only_through_its_public_surface():
    source = Path(replay.__file__).read_text(encoding="utf-8")
    private = [
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "engine"
        and node.attr.startswith("_")
    ]
    assert private == []


def test_the_engine_tells_who_handled_a_command_and_redoes_its_work(make_engine):
    engine = run_orders(make_engine, n=1)
    (place,) = [m for m in engine.command_log if m.name == "PlaceOrder"]
    assert engine.handler_of(place.id) == "Order"
    assert engine.handler_of("no-such-command") is None
    rule = engine.world.rule_for("Order", "PlaceOrder")
    assert engine.next_result("Order", rule) == {"order_id": "ord-2"}
    charge = engine.world.rule_for("Payment", "ProcessPayment")
    assert engine.refusal(charge, {"customer": "ada", "amount": 50}) is None
    assert engine.refusal(charge, {"customer": "ada", "amount": 10_000})
    assert engine.refusal(rule, {}) is None  # placing an order has no business condition
    (pay,) = [m for m in engine.command_log if m.name == "ProcessPayment"]
    funds = engine.state_view()["funds"]["ada"]
    assert engine.apply_effects("Payment", charge, pay) == dict(charge.effects)
    assert engine.state_view()["funds"]["ada"] == funds - 50
