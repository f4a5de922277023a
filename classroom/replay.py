"""A room's log as the simulator's sequence view reads it: one lane per service, one row per
hand-over. Pure Python over the room's records.

The room's public records are folded again in order, so each line names the services as they
were played at that moment (a learner who changed role later is drawn where they were).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from classroom.room import RoomState, audience

LABELS = {
    "published": "event",
    "sent": "command",
    "accepted": "accepted",
    "rejected": "refused",
    "timed_out": "timed out",
}


def _entry(record: Mapping[str, Any], state: RoomState) -> dict[str, Any]:
    kind = record["type"]
    entry: dict[str, Any] = {
        "seq": record["seq"],
        "step": kind,
        "kind": None,
        "label": LABELS.get(kind, "room"),
        "sentence": record.get("text", ""),
        "hand_over": False,
    }
    message = state.messages.get(record.get("mid") or "")
    if kind == "published":
        services = [
            (state.participants.get(pid) or {}).get("role", {}) or {}
            for pid in record["deliveries"]
        ]
        receivers = list(dict.fromkeys(role["service"] for role in services if role))
        entry.update(kind="event", id=record["mid"], message=record["name"])
        if receivers:
            entry.update(step="delivered", hand_over=True, sender=record["from"])
            entry["receivers"] = receivers
    elif kind == "sent":
        entry.update(kind="command", id=record["mid"], message=record["name"])
        if record.get("pid"):
            entry.update(step="delivered", hand_over=True, sender=record["from"])
            entry["receivers"] = [record["instance"]]
    elif kind in ("accepted", "rejected") and message is not None:
        entry.update(
            kind="command",
            id=f"{record['mid']}-answer",
            cause=record["mid"],
            message=message["name"],
            step="replied" if kind == "accepted" else "rejected",
            hand_over=True,
            sender=message["instance"],
            receivers=[message["from"]],
        )
    elif kind == "timed_out" and message is not None:
        entry.update(kind="command", id=f"{record['mid']}-timeout", cause=record["mid"])
    return entry


def sequence_entries(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The log lines of a room's public records, with what the sequence view draws from."""
    state = RoomState()
    entries = []
    for record in records:
        state.apply(record)
        if audience(record) is None:
            entries.append(_entry(record, state))
    return entries
