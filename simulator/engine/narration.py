"""One plain sentence per trace record.

The ``simulate`` command prints these and the live page reuses them for its log, so a sentence
must make sense on its own, read aloud by a screen reader, without the animation next to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .trace import Step


def narrate(step: Step | Mapping[str, Any]) -> str:
    """A sentence for one record (a ``Step`` or its ``to_dict()``), prefixed with ``t=``."""
    r = step.to_dict() if isinstance(step, Step) else step
    text = _SENTENCES.get(r["step"], _generic)(r)
    return f"t={r['t']} {text}"


def narrate_all(steps: Iterable[Step | Mapping[str, Any]]) -> list[str]:
    return [narrate(s) for s in steps]


def _msg(r: Mapping[str, Any]) -> str:
    return f"{r['message']} ({r['kind']})"


def _effect(effect: Mapping[str, int] | None) -> str:
    if not effect:
        return ""
    return ": " + ", ".join(f"{k} {'+' if v >= 0 else ''}{v}" for k, v in effect.items())


def _fields(values: Mapping[str, Any] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in (values or {}).items())


def _sent(r: Mapping[str, Any]) -> str:
    to = r["to"] or "nobody in particular"
    delay = f", held up {r['delayed_by']} ms on the way" if r.get("delayed_by") else ""
    return (
        f"{r['from']} sends the command {r['message']} to {to} "
        f"and waits up to {r.get('timeout_ms')} ms for a reply{delay}."
    )


def _published(r: Mapping[str, Any]) -> str:
    n = r.get("subscribers", 0)
    listeners = "nobody is subscribed" if n == 0 else f"{n} subscription{'s' if n != 1 else ''}"
    delay = f", held up {r['delayed_by']} ms on the way" if r.get("delayed_by") else ""
    return f"{r['from']} publishes the event {r['message']} to {r['to']} ({listeners}){delay}."


def _delivered(r: Mapping[str, Any]) -> str:
    extra = " from the log, catching up" if r.get("catch_up") else ""
    return f"{_msg(r)} from {r['from']} delivered to {r['to']}{extra}."


def _redelivered(r: Mapping[str, Any]) -> str:
    why = r.get("reason") or f"attempt {r.get('attempt')}"
    return f"{_msg(r)} delivered again to {r['to']} ({why})."


def _handled(r: Mapping[str, Any]) -> str:
    if r.get("outcome") == "rejected":
        if r.get("refused_by") == "validation":
            return (
                f"{r['to']} refuses {r['message']} before any business rule runs:"
                f" {r.get('reason')}."
            )
        return f"{r['to']} refuses {r['message']}: {r.get('reason')}."
    result = _fields(r.get("result"))
    result = f" ({result})" if result else ""
    if r.get("note"):
        return f"{r['to']} handled {r['message']}; {r['note']}."
    return f"{r['to']} handled {r['message']}{result}{_effect(r.get('effect'))}."


def _replied(r: Mapping[str, Any]) -> str:
    result = _fields(r.get("result"))
    return f"{r['to']} hears back from {r['from']}: {r['message']} accepted" + (
        f" ({result})." if result else "."
    )


def _rejected(r: Mapping[str, Any]) -> str:
    return f"{r['to']} hears back from {r['from']}: {r['message']} rejected, {r.get('reason')}."


def _timed_out(r: Mapping[str, Any]) -> str:
    head = f"{r['to']} stops waiting for a reply to {r['message']} (attempt {r.get('attempt')})"
    decision = r.get("decision")
    if decision == "retry":
        return f"{head}; it will try again in {r.get('backoff_ms')} ms."
    if decision == "compensate":
        return f"{head} and gives up; it compensates: {', '.join(r.get('compensation', []))}."
    return f"{head} and gives up."


def _buffered(r: Mapping[str, Any]) -> str:
    return f"{_msg(r)} waits in {r['to']}'s buffer: {r.get('reason')} ({r.get('waiting')} waiting)."


def _retried(r: Mapping[str, Any]) -> str:
    if r.get("by") == "sender":
        return f"{r['from']} sends {r['message']} to {r['to']} again (attempt {r.get('attempt')})."
    return (
        f"The broker will hand {r['message']} to {r['to']} again in {r.get('backoff_ms')} ms "
        f"(attempt {r.get('attempt')})."
    )


def _failed(r: Mapping[str, Any]) -> str:
    attempt = r.get("attempt")
    return f"{r['to']} failed while handling {r['message']} (attempt {attempt}): {r.get('reason')}."


def _duplicate(r: Mapping[str, Any]) -> str:
    return f"{r['to']} recognises {r['message']} ({r['id']}) as a duplicate and ignores it."


def _dropped(r: Mapping[str, Any]) -> str:
    if r.get("reply"):
        return (
            f"A reply to {r['message']} ({r['reply']}) from {r['from']} is dropped at {r['to']}: "
            f"{r.get('reason')}."
        )
    where = f" (to {r['to']})" if r.get("to") else ""
    return f"{_msg(r)}{where} is dropped: {r.get('reason')}."


def _smell(r: Mapping[str, Any]) -> str:
    suggestion, sender = r.get("suggestion"), r.get("from")
    if r.get("used_as") == "event" and r.get("reads_as") == "command" and sender:
        # Renaming to the past tense is only honest in the mouth of whoever did the work.
        hint = (
            f" If {sender} wants it done, send it as a command to the service that does it;"
            f" if {sender} is telling news, publish what {sender} itself did."
        )
        if suggestion:
            hint += f" {suggestion} would be a fair name only from the service that did it."
    else:
        hint = f" A better name: {suggestion}." if suggestion else ""
    return f"Naming smell on {r['message']}: {r.get('reason')}.{hint}"


def _subscribed(r: Mapping[str, Any]) -> str:
    catch_up = (
        f", catching up on {r.get('backlog')} earlier event(s) from the log"
        if r.get("catch_up")
        else ", from now on"
    )
    return f"{r.get('service')} subscribes to {r.get('topic')}{catch_up}; no producer changed."


def _replayed(r: Mapping[str, Any]) -> str:
    if r.get("log") == "events":
        return f"Replay: {r['message']} folded into a fresh projection."
    effect = _effect(r.get("effect"))
    return f"Replay: {r['message']} handed to {r['to']} again, {r.get('outcome')}{effect}."


def _replay_finished(r: Mapping[str, Any]) -> str:
    same = "the same state as before" if r.get("matches_live") else "a different state"
    effects = r.get("side_effects") or {}
    if effects:
        listed = "; ".join(f"{s} {_effect(c)[2:]}" for s, c in effects.items())
        extra = f" Side effects happened again: {listed}."
    else:
        extra = " No side effect happened again."
    return f"Replay of {r.get('messages')} {r.get('log')} finished with {same}.{extra}"


def _offline(r: Mapping[str, Any]) -> str:
    return f"{r.get('service')} goes offline."


def _online(r: Mapping[str, Any]) -> str:
    return f"{r.get('service')} is back online."


def _configured(r: Mapping[str, Any]) -> str:
    setting, value, who = r.get("setting"), r.get("value"), r.get("service")
    if setting == "slow":
        return f"{who} is now {'slow' if value else 'back to normal speed'}."
    if setting == "fail_next":
        return f"{who} will fail the next {value} message(s) it handles."
    if setting == "instances":
        return f"{who} now runs {value} instance(s)."
    if setting == "idempotent":
        return f"{who} is now {'idempotent' if value else 'naive about duplicates'}."
    if setting == "duplicate_next":
        return f"The next delivery{f' to {who}' if who else ''} will arrive twice."
    if setting == "drop_next":
        target = f"delivery to {who}" if who else "message on the wire"
        return f"The next {target} will be lost."
    if setting == "delay_next":
        return f"The next message will be held up {value} ms."
    if setting == "funds":
        return f"{r.get('customer')} now has {value} to spend."
    if setting == "online":
        return f"{who} is already {'online' if value else 'offline'}."
    return f"{who or 'The world'}: {setting} set to {value}."


def _generic(r: Mapping[str, Any]) -> str:
    return f"{r['step']} {r.get('message') or ''}".strip() + "."


_SENTENCES = {
    "sent": _sent,
    "published": _published,
    "delivered": _delivered,
    "redelivered": _redelivered,
    "handled": _handled,
    "replied": _replied,
    "rejected": _rejected,
    "timed_out": _timed_out,
    "buffered": _buffered,
    "retried": _retried,
    "failed": _failed,
    "duplicate_ignored": _duplicate,
    "dropped": _dropped,
    "smell": _smell,
    "subscribed": _subscribed,
    "replayed": _replayed,
    "replay_finished": _replay_finished,
    "service_offline": _offline,
    "service_online": _online,
    "configured": _configured,
}
