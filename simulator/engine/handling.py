"""A service's work once it handles a message: side effects, funds, and what comes next.

Shared by events (broker.py), commands (commands.py), a sender's policy and command replay
(replay.py), so that a rule means the same thing wherever it is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .instances import _Service
from .messages import COMMAND, EVENT, Message
from .world import Emit, Rule


class Handling:
    """Applying a world's rules (a part of ``Engine``, see core.py)."""

    def apply_effects(self, service: str, rule: Rule, msg: Message) -> dict[str, int]:
        """Do ``rule``'s side effects at ``service`` for ``msg`` again; return them as deltas."""
        return self._effects(self._services[service], rule, msg)

    def _follow(self, service: str, rule: Rule, msg: Message, result: dict[str, Any]) -> None:
        """Emit what the rule says comes next, choosing by the order's status when it asks to."""
        then = rule.then
        if rule.if_status:
            status = self.projection.status(msg.payload.get(self.world.projection_key))
            for wanted, emits in rule.if_status:
                if status == wanted:
                    then = emits
                    break
        if then:
            self._emit(service, then, msg, {**msg.payload, **result})

    def _effects(self, svc: _Service, rule: Rule, msg: Message) -> dict[str, int]:
        """Apply a rule's side effects; return them as counter deltas."""
        counters = svc.counters
        effect = {}
        for counter, amount in rule.effects:
            counters[counter] = counters.get(counter, 0) + amount
            effect[counter] = amount
        if rule.funds is not None:
            self._move_funds(rule.funds, msg.payload)
        return effect

    def _move_funds(self, operation: str, payload: Mapping[str, Any]) -> None:
        amount = payload.get("amount", 0)
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            customer = payload.get("customer")
            sign = -1 if operation == "charge" else 1
            self._funds[customer] = self._funds.get(customer, 0) + sign * amount

    def _emit(
        self, sender: str, emits: Iterable[Emit], cause: Message, payload: dict[str, Any]
    ) -> None:
        """Produce the messages a handler (or a sender's policy) emits after ``cause``."""
        for emit in emits:
            kind = EVENT if emit.verb == "publish" else COMMAND
            msg = self._new_message(emit.name, kind, sender, dict(payload), cause)
            if msg.depth > self.world.max_depth:
                self.record(
                    "dropped",
                    msg,
                    None,
                    reason=f"the chain of causes is longer than {self.world.max_depth}: a loop?",
                )
                continue
            if kind == EVENT:
                self._publish(msg, self.world.topic_of(emit.name))
            else:
                spec = self.world.commands.get(emit.name)
                self._send(msg, spec.handler if spec else None)
