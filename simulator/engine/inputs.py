"""Checking learner inputs before they touch the engine.

An input is a plain dict with an ``action`` key. ``validate`` either returns a clean copy (with
the virtual time ``at`` filled in) or raises a ``DomainError`` naming the problem; it never changes
the engine, which is what lets ``Engine.apply`` promise that a refused input changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import InvalidInput, InvalidMessageName, UnknownAction, UnknownService
from .world import MAX_INSTANCES, NAME_PATTERN, World

MAX_TIME = 10**12
MAX_PAYLOAD_KEYS = 20
MAX_TEXT = 200

# action -> {field: (type, required)}; "service" and "name" get their own checks below.
_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], bool]]] = {
    "send": {
        "name": (str, True),
        "payload": (dict, False),
        "from": (str, False),
        "to": (str, False),
    },
    "publish": {
        "name": (str, True),
        "payload": (dict, False),
        "from": (str, False),
        "topic": (str, False),
    },
    "set_online": {"service": (str, True), "online": (bool, True)},
    "set_slow": {"service": (str, True), "slow": (bool, True)},
    "fail_next": {"service": (str, True), "count": (int, True)},
    "set_instances": {"service": (str, True), "count": (int, True)},
    "set_idempotent": {"service": (str, True), "idempotent": (bool, True)},
    "duplicate_next": {"service": (str, False)},
    "drop_next": {"service": (str, False)},
    "delay_next": {"by": (int, True)},
    "subscribe": {"service": (str, True), "topic": (str, False), "catch_up": (bool, False)},
    "replay_events": {},
    "replay_commands": {},
    "set_funds": {"amount": (int, True), "customer": (str, False)},
}

ACTIONS: tuple[str, ...] = tuple(_SCHEMA)
_SERVICE_FIELDS = {
    action: tuple(f for f in ("service", "from", "to") if f in schema)
    for action, schema in _SCHEMA.items()
}

_RANGES = {
    ("fail_next", "count"): (0, 10),
    ("set_instances", "count"): (1, MAX_INSTANCES),
    ("delay_next", "by"): (1, 60_000),
    ("set_funds", "amount"): (0, 10**9),
}

# The schema read the way ``validate`` walks it, worked out once: an input is checked for every
# message a learner or a bench sends, so per-call lookups add up.
_ALLOWED = {action: frozenset((*schema, "action", "at")) for action, schema in _SCHEMA.items()}
_FIELDS = {
    action: tuple(
        (field, kind, required, _RANGES.get((action, field)))
        for field, (kind, required) in schema.items()
    )
    for action, schema in _SCHEMA.items()
}
_EXPECTED = {int: "a whole number", bool: "true or false", str: "text", dict: "a table"}


def validate(raw: Any, world: World, now: int, subscribed: set[tuple[str, str]]) -> dict[str, Any]:
    """Return a checked copy of ``raw`` with ``at`` set, or raise a ``DomainError``."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise InvalidInput(f"an input is a table of fields, not {type(raw).__name__}")
    action = raw.get("action")
    if not isinstance(action, str) or action not in _SCHEMA:
        raise UnknownAction(
            f"unknown action {action!r}; the engine understands: {', '.join(ACTIONS)}"
        )
    if not raw.keys() <= _ALLOWED[action]:
        schema = _SCHEMA[action]
        extra = sorted(str(k) for k in raw if k not in schema and k not in ("action", "at"))
        raise InvalidInput(f"{action} does not take {', '.join(extra)}")
    clean: dict[str, Any] = {"action": action}
    at = raw.get("at", now)
    if not (type(at) is int or _is_int(at)) or not now <= at <= MAX_TIME:
        raise InvalidInput(f"'at' must be a whole number of ms, not before now (t={now})")
    clean["at"] = at
    for field, kind, required, bounds in _FIELDS[action]:
        if field not in raw:
            if required:
                raise InvalidInput(f"{action} needs '{field}'")
            continue
        value = raw[field]
        ok = type(value) is kind or (
            _is_int(value) if kind is int else kind is not bool and isinstance(value, kind)
        )
        if not ok:
            raise InvalidInput(f"{action}: '{field}' must be {_EXPECTED.get(kind, kind)}")
        if bounds and not bounds[0] <= value <= bounds[1]:
            raise InvalidInput(
                f"{action}: '{field}' must be between {bounds[0]} and {bounds[1]}, not {value}"
            )
        clean[field] = value

    for field in _SERVICE_FIELDS[action]:
        if field in clean and clean[field] not in world.services:
            raise UnknownService(
                f"unknown service {clean[field]!r}; this world has: {', '.join(world.services)}"
            )
    if "name" in clean and not NAME_PATTERN.match(clean["name"]):
        raise InvalidMessageName(
            "a message name uses letters, digits, '_', '-' or '.', at most 200 characters"
        )
    if "payload" in clean:
        clean["payload"] = _payload(clean["payload"])
    if "topic" in clean and clean["topic"] not in world.topics:
        raise InvalidInput(
            f"unknown topic {clean['topic']!r}; this world has: {', '.join(world.topics)}"
        )
    if "customer" in clean and not 0 < len(clean["customer"]) <= MAX_TEXT:
        raise InvalidInput("set_funds: 'customer' must be a short non-empty text")
    if action == "subscribe":
        topics = [clean["topic"]] if "topic" in clean else world.topics_wanted_by(clean["service"])
        topics = [t for t in topics if (t, clean["service"]) not in subscribed]
        if not topics:
            raise InvalidInput(
                f"{clean['service']} is already subscribed to every topic it has rules for"
                if "topic" not in clean
                else f"{clean['service']} is already subscribed to {clean['topic']}"
            )
    return clean


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _payload(payload: Mapping[Any, Any]) -> dict[str, Any]:
    if len(payload) > MAX_PAYLOAD_KEYS:
        raise InvalidInput(f"a payload has at most {MAX_PAYLOAD_KEYS} fields")
    clean = {}
    for key, value in payload.items():
        if not isinstance(key, str) or not 0 < len(key) <= 50:
            raise InvalidInput("payload field names are short texts")
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise InvalidInput(f"payload field {key!r} is longer than {MAX_TEXT} characters")
        if not (value is None or isinstance(value, str | int | float | bool)):
            raise InvalidInput(f"payload field {key!r} must be text, a number, true/false or null")
        if isinstance(value, float) and not math.isfinite(value):  # JSON cannot carry these
            raise InvalidInput(f"payload field {key!r} is not a number")
        clean[key] = value
    return clean
