"""Projections and replay: why rebuilding from events works and from commands does not.

A projection folds events into a read model (here, each order's status) and nothing else: it has
no side effects, so folding the same log twice gives the same state. Replaying the *command* log
means asking every handler to do its work again, and work has consequences: cards are charged
again, emails go out again, new ids are handed out. ``replay_events`` and ``replay_commands``
both end with a ``replay_finished`` record holding the rebuilt state and the side-effect deltas,
so the two outcomes can be set side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .messages import EVENT, Message
from .world import World

if TYPE_CHECKING:
    from .core import Engine


class Projection:
    """Each order's status, folded from events by the world's transition table.

    A transition applies only from the statuses it lists, so a late fact (money that arrived for
    an order already cancelled) is recorded in the event counts without rewriting the status.
    """

    __slots__ = ("events", "key", "orders", "transitions")

    def __init__(self, world: World) -> None:
        self.key = world.projection_key
        self.transitions = world.transitions
        self.orders: dict[str, str] = {}
        self.events: dict[str, int] = {}

    def apply(self, msg: Message) -> None:
        name = msg.name
        events = self.events
        events[name] = events.get(name, 0) + 1
        transition = self.transitions.get(name)
        if transition is None:
            return
        key = msg.payload.get(self.key)
        if key is None:
            return
        key = str(key)
        allowed, status = transition
        if self.orders.get(key, "") in allowed:
            self.orders[key] = status

    def status(self, key: Any) -> str:
        return self.orders.get(str(key), "") if key is not None else ""

    def state(self) -> dict[str, Any]:
        return {
            "orders": dict(sorted(self.orders.items())),
            "events": dict(sorted(self.events.items())),
        }


def replay_events(engine: Engine) -> None:
    """Fold the whole event log into a fresh projection and compare it with the live one."""
    fresh = Projection(engine.world)
    record = engine.record
    for msg in engine.event_log:
        fresh.apply(msg)
        record("replayed", msg, "projection", log="events")
    state = fresh.state()
    record(
        "replay_finished",
        None,
        "projection",
        log="events",
        messages=len(engine.event_log),
        state=state,
        matches_live=state == engine.projection.state(),
        side_effects={},
    )


def replay_commands(engine: Engine) -> None:
    """Hand every logged command to its handler again, as command sourcing would.

    The handler's work is real work: its side effects are counted again, funds move again, and the
    events it emits reach their subscribers, whose side effects happen again too. The next
    commands those events would trigger are not sent, because they are in the log already and
    get their own turn.
    """
    world = engine.world
    before = engine.counters()
    fresh = Projection(world)
    commands = list(engine.command_log)
    for n, msg in enumerate(commands, start=1):
        owner = engine.handler_of(msg.id)
        effect: dict[str, int] = {}
        rule = world.rule_for(owner, msg.name) if owner else None
        outcome = "rejected"
        if rule is not None and engine.refusal(rule, msg.payload) is None:
            outcome = "accepted"
            for counter, amount in engine.apply_effects(owner, rule, msg).items():
                effect[f"{owner}.{counter}"] = amount
            # Doing the work again hands out a new id: the rebuilt world is not the old one.
            payload = {**msg.payload, **engine.next_result(owner, rule)}
            for emit in rule.then:
                if emit.verb != "publish":
                    continue
                event = Message(
                    f"{msg.id}.r{n}",
                    emit.name,
                    EVENT,
                    owner,
                    msg.correlation_id,
                    msg.id,
                    payload,
                    replay=True,
                )
                fresh.apply(event)
                topic = world.topic_of(emit.name)
                for sub in engine.subscribers(topic):
                    sub_rule = world.rule_for(sub, emit.name)
                    if sub_rule is None:
                        continue
                    for counter, amount in engine.apply_effects(sub, sub_rule, event).items():
                        name = f"{sub}.{counter}"
                        effect[name] = effect.get(name, 0) + amount
        engine.record("replayed", msg, owner, log="commands", outcome=outcome, effect=effect)
    after = engine.counters()
    deltas: dict[str, dict[str, int]] = {}
    for service, counts in after.items():
        changed = {
            k: v - before[service].get(k, 0)
            for k, v in counts.items()
            if v != before[service].get(k, 0)
        }
        if changed:
            deltas[service] = changed
    state = fresh.state()
    engine.record(
        "replay_finished",
        None,
        None,
        log="commands",
        messages=len(commands),
        state=state,
        matches_live=state == engine.projection.state(),
        side_effects=deltas,
    )
