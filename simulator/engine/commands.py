"""Commands: sending to one handler, waiting for its reply, timeouts, retries and replies.

A command is ``sent`` to the endpoint of its handler; after the network latency it lands in the
handler's command buffer (broker.py), where the handler's instances compete for it. The sender
waits for a reply and applies its policy when the wait runs out: send again after a back-off, or
give up and compensate. The handler's side of a command (validation, business rules, the result
it hands back) is here too, so everything a command goes through reads in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .instances import _Service
from .messages import Message
from .world import CONDITIONS, Rule


class _Pending:
    """A sender waiting for the reply to one command."""

    __slots__ = ("attempt", "handler", "msg", "policy", "state")

    def __init__(self, msg: Message, handler: str | None, policy: Any) -> None:
        self.msg = msg
        self.handler = handler
        self.policy = policy
        self.attempt = 1
        self.state = "waiting"  # then "answered" or "gave_up"


class Commands:
    """Pending commands and their replies (a part of ``Engine``, see core.py)."""

    def _init_commands(self) -> None:
        self.command_log: list[Message] = []
        self._pending: dict[str, _Pending] = {}
        self._handled_by: dict[str, str] = {}  # command id -> the service that handled it
        self._results: dict[str, int] = {}  # "Service.field" -> the last number handed out

    def handler_of(self, command_id: str) -> str | None:
        """The service that handled the command ``command_id``, if one did."""
        return self._handled_by.get(command_id)

    def refusal(self, rule: Rule, payload: Mapping[str, Any]) -> str | None:
        """Why ``rule``'s business condition refuses ``payload`` as things stand, or ``None``."""
        if rule.reject_if is None:
            return None
        return CONDITIONS[rule.reject_if](payload, self._funds)

    def next_result(self, service: str, rule: Rule) -> dict[str, str]:
        """Hand out the next id ``rule`` produces at ``service`` (empty if it produces none)."""
        if not rule.result_field:
            return {}
        key = f"{service}.{rule.result_field}"
        number = self._results[key] = self._results.get(key, 0) + 1
        return {rule.result_field: f"{rule.result_prefix}-{number}"}

    def _send(self, msg: Message, handler: str | None) -> None:
        policy = self.world.policy_for(msg.sender, msg.name)
        pending = self._pending[msg.id] = _Pending(msg, handler, policy)
        extra = {"timeout_ms": policy.timeout_ms}
        delay = self._faults.take_in_transit("delay") if self._faults else None
        if delay:
            extra["delayed_by"] = delay.by
        self.record("sent", msg, handler, **extra)
        self._check_name(msg)
        self._transmit_command(pending, delay.by if delay else 0)
        self._at(self.now + policy.timeout_ms, Commands._on_timeout, (msg.id, 1))

    def _transmit_command(self, pending: _Pending, extra_ms: int) -> None:
        dropped = bool(self._faults) and self._faults.take_in_transit("drop") is not None
        self._at(
            self.now + self._latency() + extra_ms, Commands._on_command_arrival, (pending, dropped)
        )

    def _on_command_arrival(self, arg: tuple[_Pending, bool]) -> None:
        pending, dropped = arg
        msg = pending.msg
        if dropped:
            self.record("dropped", msg, pending.handler, reason="lost on the way (injected fault)")
            return
        if pending.handler is None:
            self.record("dropped", msg, None, reason=f"no handler: no service accepts {msg.name}")
            return
        svc = self._services[pending.handler]
        self._enqueue(svc, svc.command_buffer(), msg)
        self._dispatch(svc)

    def _on_timeout(self, arg: tuple[str, int]) -> None:
        msg_id, attempt = arg
        pending = self._pending[msg_id]
        if pending.state != "waiting" or pending.attempt != attempt:
            return
        policy = pending.policy
        msg = pending.msg
        if attempt <= policy.retries:
            backoff = policy.backoff_ms * 2 ** (attempt - 1)
            self.record(
                "timed_out",
                msg,
                msg.sender,
                from_=pending.handler,
                attempt=attempt,
                decision="retry",
                backoff_ms=backoff,
                waited_ms=policy.timeout_ms,
            )
            self._at(self.now + backoff, Commands._on_resend, (msg_id, attempt + 1))
            return
        pending.state = "gave_up"
        compensation = [f"{e.verb} {e.name}" for e in policy.on_give_up]
        self.record(
            "timed_out",
            msg,
            msg.sender,
            from_=pending.handler,
            attempt=attempt,
            decision="compensate" if compensation else "give_up",
            compensation=compensation,
            waited_ms=policy.timeout_ms,
            final=True,
        )
        self._emit(msg.sender, policy.on_give_up, msg, dict(msg.payload))

    def _on_resend(self, arg: tuple[str, int]) -> None:
        msg_id, attempt = arg
        pending = self._pending[msg_id]
        if pending.state != "waiting":
            return  # the answer came in during the back-off
        pending.attempt = attempt
        self.record("retried", pending.msg, pending.handler, attempt=attempt, by="sender")
        self._transmit_command(pending, 0)
        self._at(self.now + pending.policy.timeout_ms, Commands._on_timeout, (msg_id, attempt))

    def _reply(self, msg: Message, label: str, outcome: str, value: Any) -> None:
        self._at(self.now + self._latency(), Commands._on_reply, (msg, label, outcome, value))

    def _on_reply(self, arg: tuple[Message, str, str, Any]) -> None:
        msg, label, outcome, value = arg
        pending = self._pending.get(msg.id)
        if pending is None or pending.state != "waiting":
            why = (
                f"{msg.sender} had already given up waiting"
                if pending is not None and pending.state == "gave_up"
                else f"{msg.sender} already had its answer"
            )
            self.record(
                "dropped",
                msg,
                msg.sender,
                from_=label,
                reason=why,
                reply=outcome,
            )
            return
        pending.state = "answered"
        if outcome == "accepted":
            self.record("replied", msg, msg.sender, from_=label, outcome=outcome, result=value)
            payload = {**msg.payload, **value}
        else:
            self.record("rejected", msg, msg.sender, from_=label, outcome=outcome, reason=value)
            payload = {**msg.payload, "reason": value}
        then = self.world.replies.get((msg.sender, msg.name, outcome))
        if then:
            self._emit(msg.sender, then, msg, payload)

    def _handle_command(self, svc: _Service, label: str, msg: Message) -> None:
        svc.counters["handled"] += 1
        rule = self.world.rule_for(svc.name, msg.name)
        self.command_log.append(msg)
        self._handled_by[msg.id] = svc.name
        reason = refused_by = None
        spec = self.world.commands.get(msg.name)
        if rule is None:
            reason, refused_by = f"{svc.name} has no handler for {msg.name}", "no handler"
        elif spec is not None and spec.requires:
            reason, refused_by = spec.invalid(msg.payload), "validation"
        if reason is None and rule is not None:
            reason = self.refusal(rule, msg.payload)
            refused_by = "business rule"
        if reason is not None:
            self.record(
                "handled", msg, label, outcome="rejected", reason=reason, refused_by=refused_by
            )
            if svc.idempotent:
                svc.seen.add(msg.id)
                svc.results[msg.id] = ("rejected", reason)
            self._reply(msg, label, "rejected", reason)
            if refused_by == "business rule" and rule.on_reject:
                self._emit(svc.name, rule.on_reject, msg, {**msg.payload, "reason": reason})
            return
        effect = self._effects(svc, rule, msg)
        result = self.next_result(svc.name, rule)
        self.record("handled", msg, label, outcome="accepted", effect=effect, result=result)
        if svc.idempotent:
            svc.seen.add(msg.id)
            svc.results[msg.id] = ("accepted", result)
        self._reply(msg, label, "accepted", result)
        self._follow(svc.name, rule, msg, result)
