"""Checks a frame from the browser before anything acts on it.

Frames are JSON objects with an `action`. Buttons send typed values, but form fields arrive as
text, so a whole number or true/false written as text is accepted for the fields that want one;
anything else of the wrong type is refused with a message that names the field.
"""

from __future__ import annotations

from typing import Any

from live.boundary import INT_TEXT, TRANSPORT_FIELDS, FrameError, parse_object
from simulator.engine import ACTIONS as ENGINE_ACTIONS
from simulator.runner import SPEEDS

INT_FIELDS = {"count", "by", "amount", "seq", "choice"}
BOOL_FIELDS = {"online", "slow", "idempotent", "catch_up", "skip"}
FLOAT_FIELDS = {"value"}
CONTROL_ACTIONS = {
    "ping": {},
    "sync": {},
    "play": {},
    "pause": {},
    "step": {},
    "reset": {},
    "speed": {"value": True},
    "seek": {"seq": True},
    "scenario": {"name": False},
    "answer": {"choice": True},
    "predict": {"choice": False, "skip": False},
    "now": {},
    "next": {"kind": True},
    "fork": {},
    "undo_fork": {},
    "share": {},
}
# Longer than any scenario's name; a longer one is refused before it reaches the file system.
MAX_NAME = 100
NEXT_KINDS = ("event", "delivery")


def decode(text: str | None, data: bytes | None) -> dict[str, Any]:
    """The frame as a dict with a known action, or a FrameError saying what is wrong."""
    frame = parse_object(text, data)
    action = frame.get("action")
    if not isinstance(action, str) or (
        action not in CONTROL_ACTIONS and action not in ENGINE_ACTIONS
    ):
        raise FrameError("unknown_action", f"Unknown action {action!r}.")
    fields = {k: _coerce(k, v) for k, v in frame.items() if k not in TRANSPORT_FIELDS}
    if action in CONTROL_ACTIONS:
        _check_control(action, fields)
    return fields


def _coerce(field: str, value: Any) -> Any:
    if isinstance(value, str):
        if field in INT_FIELDS and INT_TEXT.match(value):
            return int(value)
        if field in BOOL_FIELDS and value in ("true", "false"):
            return value == "true"
        if field in FLOAT_FIELDS:
            try:
                return float(value)
            except ValueError:
                return value
    return value


def _check_control(action: str, fields: dict[str, Any]) -> None:
    allowed = CONTROL_ACTIONS[action]
    extra = set(fields) - set(allowed) - {"action"}
    if extra:
        raise FrameError("bad_field", f"{action} does not take {', '.join(sorted(extra))}.")
    for name, required in allowed.items():
        if required and name not in fields:
            raise FrameError("bad_field", f"{action} needs '{name}'.")
    if action == "speed" and fields["value"] not in SPEEDS:
        speeds = ", ".join(f"{s:g}" for s in SPEEDS)
        raise FrameError("bad_field", f"speed must be one of {speeds}.")
    for name in ("seq", "choice"):
        if name in fields and (not isinstance(fields[name], int) or isinstance(fields[name], bool)):
            raise FrameError("bad_field", f"'{name}' must be a whole number.")
    if action == "next" and fields["kind"] not in NEXT_KINDS:
        raise FrameError("bad_field", f"next takes a kind: {' or '.join(NEXT_KINDS)}.")
    if action == "predict" and "choice" not in fields and fields.get("skip") is not True:
        raise FrameError("bad_field", "predict needs a 'choice', or 'skip': true.")
    if "name" in fields and fields["name"] is not None and not isinstance(fields["name"], str):
        raise FrameError("bad_field", "'name' must be text.")
    if isinstance(fields.get("name"), str) and len(fields["name"]) > MAX_NAME:
        raise FrameError("bad_field", f"'name' must be at most {MAX_NAME} characters.")
