"""Turns trace records into what the page shows: a sentence for the log and a route to animate.

The sentence is the engine's own narration, so the log, the `simulate` command and the tests
all say the same thing. The route names the diagram nodes a token travels between; the browser
only moves shapes from one node to the other and never decides anything about the flow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from diagram import queue_id, service_id, topic_id
from simulator.engine import World, narrate

HAND_OVERS = {"delivered", "redelivered", "replied", "rejected"}
MOVES = {"sent", "published", "delivered", "redelivered", "replied", "rejected", "dropped"}


def _service(name: str | None) -> str | None:
    return name.split("#")[0] if name else None


def _channel(record: Mapping[str, Any], world: World) -> str | None:
    """The broker node a message passes through: its topic or its handler's queue."""
    if record.get("kind") == "event":
        topic = record.get("topic")
        if not topic:
            spec = world.events.get(record.get("message") or "")
            topic = spec.topic if spec else world.default_topic
        return topic_id(topic)
    handler = _service(record.get("to")) if record.get("step") in ("sent", "delivered") else None
    if record.get("step") in ("redelivered", "retried", "buffered", "dropped"):
        handler = _service(record.get("to"))
    return queue_id(handler) if handler else None


def route(record: Mapping[str, Any], world: World) -> dict[str, Any]:
    """Where the animation of one record starts and ends, and how it looks."""
    step = record["step"]
    source = target = None
    if step == "sent":
        source, target = service_id(record["from"]), _channel(record, world)
    elif step == "published":
        source, target = service_id(record["from"]), topic_id(record["topic"])
    elif step in ("delivered", "redelivered", "buffered"):
        source, target = _channel(record, world), service_id(_service(record["to"]))
    elif step in ("replied", "rejected"):
        source, target = service_id(_service(record["from"])), service_id(record["to"])
    elif step == "dropped":
        source = service_id(_service(record.get("from"))) if record.get("from") else None
        target = service_id(_service(record["to"])) if record.get("to") in world.services else None
    else:
        # Everything else happens at one place: the service named by the record.
        where = _service(record.get("to")) or _service(record.get("from"))
        if step in ("smell",):
            where = _service(record.get("from"))
        if step in ("service_offline", "service_online", "configured", "subscribed"):
            where = record.get("service") or where
        target = service_id(where) if where in world.services else None
    return {
        "seq": record["seq"],
        "step": step,
        "kind": record.get("kind"),
        "message": record.get("message"),
        "source": source if source != target else None,
        "target": target,
        "instance": record.get("to") if "#" in str(record.get("to") or "") else None,
        "moves": step in MOVES,
    }


def log_line(record: Mapping[str, Any], world: World) -> dict[str, Any]:
    return {
        "seq": record["seq"],
        "step": record["step"],
        "kind": record.get("kind"),
        "sentence": narrate(record),
        "route": route(record, world),
    }


def log_lines(records: Iterable[Mapping[str, Any]], world: World) -> list[dict[str, Any]]:
    return [log_line(record, world) for record in records]


def group_fan_out(lines: list[dict[str, Any]], records: list[Mapping[str, Any]]) -> list[dict]:
    """Joins the deliveries of one event at one instant into a single log entry.

    "OrderPlaced (event) from Order delivered to Email, Inventory, Fraud" says in one line what
    fan-out means; the individual routes stay attached so every token is still animated.
    """
    grouped: list[dict[str, Any]] = []
    for line, record in zip(lines, records, strict=True):
        previous = grouped[-1] if grouped else None
        if (
            previous is not None
            and record["step"] == "delivered"
            and record.get("kind") == "event"
            and previous["key"] == (record["id"], record["t"])
        ):
            previous["receivers"].append(record["to"])
            previous["routes"].append(line["route"])
            previous["seqs"].append(line["seq"])
            previous["sentence"] = (
                f"t={record['t']} {record['message']} (event) from {record['from']} "
                f"delivered to {', '.join(previous['receivers'])}."
            )
            continue
        is_fan_out = record["step"] == "delivered" and record.get("kind") == "event"
        grouped.append(
            {
                "key": (record.get("id"), record["t"]) if is_fan_out else None,
                "receivers": [record.get("to")],
                "seqs": [line["seq"]],
                "seq": line["seq"],
                "step": line["step"],
                "label": line["step"].replace("_", " "),
                "kind": line["kind"],
                "sentence": line["sentence"],
                "routes": [line["route"]],
                # What the sequence view draws: who handed which message to whom (an arrow), and
                # which message caused which.
                "hand_over": record["step"] in HAND_OVERS and bool(record.get("from")),
                "message": record.get("message"),
                "sender": record.get("from"),
                "id": record.get("id"),
                "cause": record.get("causation_id"),
            }
        )
    return grouped
