"""A design as an engine world (``simulator.engine.world.World``), ready for the simulator.

Each message becomes an event on its channel's topic or a command for its one handler, by the
kind the judge settled on; each receiver gets a rule for what it handles, and a request's
handler emits the request's replies. The engine knows a message by name only, so a name the
design uses twice keeps its first route, and the note says so.
"""

from __future__ import annotations

from typing import Any

from simulator.engine.world import World

from .design import QUEUE, Design
from .judging import COMMAND, EVENT, Judgement, judge


def world_data(
    design: Design, judgements: list[Judgement] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The world's plain data and notes on what could not be carried over; ``judgements`` are
    the design's, when the caller already has them."""
    notes: list[str] = []
    kinds: dict[str, str] = {}
    topics: dict[str, list[str]] = {}
    events: dict[str, dict] = {}
    commands: dict[str, dict] = {}
    handled: set[tuple[str, str]] = set()
    for judgement in judgements if judgements is not None else judge(design):
        route = judgement.route
        kind = judgement.kind
        if kind not in (EVENT, COMMAND):
            kind = COMMAND if route.delivery == QUEUE and route.reply_to is None else EVENT
        if route.message in kinds and (kinds[route.message] != kind or route.message in commands):
            notes.append(
                f"{route.message} on {route.channel}: the simulator knows a message by its"
                " name, so only its first use is played."
            )
            continue
        kinds[route.message] = kind
        if kind == EVENT:
            subscribers = topics.setdefault(route.channel, [])
            for receiver in route.receivers:
                if receiver not in subscribers:
                    subscribers.append(receiver)
            events.setdefault(route.message, {"topic": route.channel, "publisher": route.sender})
        else:
            if not route.receivers:
                notes.append(f"{route.message} has no receiver to handle it, so it is left out.")
                del kinds[route.message]
                continue
            if len(route.receivers) > 1:
                notes.append(
                    f"{route.message} is a command, so only its first receiver,"
                    f" {route.receivers[0]}, handles it."
                )
            commands[route.message] = {"handler": route.receivers[0]}
        for receiver in route.receivers if kind == EVENT else route.receivers[:1]:
            handled.add((receiver, route.message))

    rules = []
    for service, message in sorted(handled):
        rule: dict[str, Any] = {"service": service, "on": message}
        then = []
        for reply in design.replies_to(message):
            if reply.sender == service and reply.message in kinds:
                verb = "publish" if kinds[reply.message] == EVENT else "send"
                then.append({verb: reply.message})
        if then:
            rule["then"] = then
        rules.append(rule)
    # The simulator's own "Send command" comes from the default sender: the sender of the first
    # command that nobody's rule sends, so that it starts where the design says the flow starts.
    sent_by_rules = {
        step for rule in rules for then in rule.get("then", []) for step in then.values()
    }
    starters = [
        r.sender for r in design.routes if r.message in commands and r.message not in sent_by_rules
    ]
    data = {
        "name": "your-system",
        "default_sender": starters[0] if starters else design.application,
        "services": {name: {} for name in design.services()},
        "topics": {topic: sorted(subscribers) for topic, subscribers in topics.items()},
        "events": events,
        "commands": commands,
        "rules": rules,
    }
    return data, notes


def to_world(design: Design, judgements: list[Judgement] | None = None) -> World:
    """The design as a checked engine world; raises ``WorldError`` if it cannot be one."""
    data, _ = world_data(design, judgements)
    return World.from_data(data)
