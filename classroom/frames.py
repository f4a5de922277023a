"""Checks a classroom frame before the room sees it: the action exists and its fields have the
right types. Whether the action is allowed (who may do it, and when) is the room's decision."""

from __future__ import annotations

from typing import Any

from live.boundary import INT_TEXT, TRANSPORT_FIELDS, FrameError, parse_object

# action -> {field: type}; every listed field is required unless marked optional below.
ACTIONS: dict[str, dict[str, type]] = {
    "ping": {},
    "sync": {},
    "role": {"kind": str, "service": str, "topic": str},
    "leave_role": {},
    "ack": {"mid": str},
    "accept": {"mid": str},
    "reject": {"mid": str, "reason": str},
    "answer": {"choice": int},
    "publish": {"name": str},
    "send": {"name": str},
    "next": {},
    "restart_script": {},
    "poll": {"question": str},
    "reveal": {},
    "close": {},
    "remove": {"pid": str},
    "lock_out": {"pid": str},
    "lock": {},
    "unlock": {},
}
OPTIONAL = {("role", "topic"), ("reject", "reason")}


def decode(text: str | None, data: bytes | None) -> tuple[str, dict[str, Any]]:
    """(action, fields) from a frame, or a FrameError naming what is wrong."""
    frame = parse_object(text, data)
    action = frame.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        raise FrameError("unknown_action", f"Unknown action {action!r}.")
    wanted = ACTIONS[action]
    fields = {k: v for k, v in frame.items() if k not in TRANSPORT_FIELDS and k != "action"}
    extra = set(fields) - set(wanted)
    if extra:
        raise FrameError("bad_field", f"{action} does not take {', '.join(sorted(extra))}.")
    for name, kind in wanted.items():
        if name not in fields or fields[name] in ("", None):
            if (action, name) in OPTIONAL:
                fields.pop(name, None)
                continue
            raise FrameError("bad_field", f"{action} needs '{name}'.")
        fields[name] = _typed(name, fields[name], kind)
    return action, fields


def _typed(name: str, value: Any, kind: type) -> Any:
    # Form fields arrive as text, so a whole number written as text is read as one.
    if kind is int and isinstance(value, str) and INT_TEXT.match(value.strip()):
        value = int(value)
    if kind is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise FrameError("bad_field", f"'{name}' must be a whole number.")
    if kind is str and not isinstance(value, str):
        raise FrameError("bad_field", f"'{name}' must be text.")
    if kind is str and len(value) > 500:
        raise FrameError("bad_field", f"'{name}' is too long.")
    return value
