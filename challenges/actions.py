"""Turning a level page's form into one engine input, and back into words.

Each allowed action has a small form. The form's fields are read here, with a clear sentence for
anything wrong; the engine then checks the input against the world as it does for the simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.engine.world import World

MAX_TEXT = 200

# What each action's form shows, in the order a learner reads the controls.
LABELS = {
    "send": "Send a command",
    "publish": "Publish an event",
    "set_online": "Take a service offline or bring it back",
    "set_idempotent": "Make a service remember what it handled",
    "set_instances": "Run more or fewer instances",
    "subscribe": "Subscribe a service to its topics",
    "replay_events": "Replay the event log",
    "replay_commands": "Replay the command log",
    "set_funds": "Set what a customer can spend",
}


class ActionError(ValueError):
    """A form that does not make an input; the sentence is for the learner."""


def _text(form: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = str(form.get(key, "") or "").strip()
    if not value:
        if required:
            raise ActionError(f"Fill in the {key.replace('_', ' ')}.")
        return None
    if len(value) > MAX_TEXT or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
        raise ActionError(f"The {key.replace('_', ' ')} must be short plain text.")
    return value


def _service(form: Mapping[str, Any], world: World, key: str = "service") -> str:
    value = _text(form, key, required=True)
    if value not in world.services:
        raise ActionError(f"{value} is not a service of this shop.")
    return value


def _flag(form: Mapping[str, Any], key: str) -> bool:
    value = str(form.get(key, "")).strip().lower()
    if value in ("true", "on", "1", "yes"):
        return True
    if value in ("false", "off", "0", "no", ""):
        return False
    raise ActionError(f"Choose yes or no for {key.replace('_', ' ')}.")


def _payload(form: Mapping[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    customer = _text(form, "customer")
    if customer:
        payload["customer"] = customer
    amount = _text(form, "amount")
    if amount is not None:
        try:
            number = float(amount)
        except ValueError:
            raise ActionError("The amount must be a number, such as 120 or -5.") from None
        if not -(10**9) <= number <= 10**9 or number != number:
            raise ActionError(
                "The amount must be a number between -1,000,000,000 and 1,000,000,000."
            )
        payload["amount"] = int(number) if number.is_integer() else number
    order_id = _text(form, "order_id")
    if order_id:
        payload["order_id"] = order_id
    return payload


def action_from_form(action: str, form: Mapping[str, Any], world: World) -> dict[str, Any]:
    """The engine input a level page's form asks for."""
    if action in ("send", "publish"):
        data: dict[str, Any] = {"action": action, "name": _text(form, "name", required=True)}
        sender = _text(form, "from")
        if sender:
            if sender not in world.services:
                raise ActionError(f"{sender} is not a service of this shop.")
            data["from"] = sender
        payload = _payload(form)
        if payload:
            data["payload"] = payload
        return data
    if action == "set_online":
        return {"action": action, "service": _service(form, world), "online": _flag(form, "online")}
    if action == "set_idempotent":
        return {
            "action": action,
            "service": _service(form, world),
            "idempotent": _flag(form, "idempotent"),
        }
    if action == "set_instances":
        try:
            count = int(str(form.get("count", "")).strip())
        except ValueError:
            raise ActionError("Choose how many instances, from 1 to 4.") from None
        return {"action": action, "service": _service(form, world), "count": count}
    if action == "subscribe":
        return {
            "action": action,
            "service": _service(form, world),
            "catch_up": _flag(form, "catch_up"),
        }
    if action in ("replay_events", "replay_commands"):
        return {"action": action}
    raise ActionError("This level does not offer that action.")


MAX_TIMES = 9


def repeat_count(action: str, form: Mapping[str, Any]) -> int:
    """How many times to send: one, unless a send form asks for up to nine."""
    if action != "send" or not str(form.get("times", "")).strip():
        return 1
    try:
        times = int(str(form["times"]).strip())
    except ValueError:
        raise ActionError(f"Choose how many times, from 1 to {MAX_TIMES}.") from None
    if not 1 <= times <= MAX_TIMES:
        raise ActionError(f"Choose how many times, from 1 to {MAX_TIMES}.")
    return times


def describe(action: Mapping[str, Any]) -> str:
    """One action in words, for the list of what the learner did."""
    kind = action.get("action")
    payload = action.get("payload") or {}
    details = ", ".join(f"{k} {v}" for k, v in payload.items())
    details = f" ({details})" if details else ""
    sender = f" from {action['from']}" if action.get("from") else ""
    if kind == "send":
        return f"Sent {action.get('name')}{sender}{details}"
    if kind == "publish":
        return f"Published {action.get('name')}{sender}{details}"
    if kind == "set_online":
        return f"{'Brought' if action.get('online') else 'Took'} {action.get('service')} " + (
            "back online" if action.get("online") else "offline"
        )
    if kind == "set_idempotent":
        state = "remember" if action.get("idempotent") else "forget"
        return f"Made {action.get('service')} {state} what it handled"
    if kind == "set_instances":
        return f"Ran {action.get('count')} instance(s) of {action.get('service')}"
    if kind == "subscribe":
        catch_up = ", reading the log from the start" if action.get("catch_up") else ""
        return f"Subscribed {action.get('service')}{catch_up}"
    if kind == "replay_events":
        return "Replayed the event log"
    if kind == "replay_commands":
        return "Replayed the command log"
    return str(kind)
