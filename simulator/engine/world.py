"""A world: the services, topics, endpoints and handler rules the engine plays with.

A world is plain data (a dict, or a TOML table) turned into a ``World`` by ``World.from_data``,
which checks every cross-reference once so the engine's hot path can trust it. The default world,
the order flow, lives in ``order_flow.py``; a scenario can bring its own.

The data has these parts (see ``order_flow.ORDER_FLOW`` for a complete example):

``services``
    name -> ``{instances, idempotent}``; every participant, including pure senders like Checkout.
``topics``
    topic -> list of subscribing services. Each (topic, subscriber) pair is a subscription with
    its own buffer.
``events`` / ``commands``
    what the world knows by name: an event's topic and usual publisher, a command's handler and
    its default payload.
``rules``
    what a service does when it handles a message: side effects to count, a business rule that
    may reject a command, a result to reply with, and the messages to emit next. ``if_status``
    lets a process manager choose other messages from the order's current status.
``policies``
    what a sender does when its wait for a reply runs out: how long it waits, how many retries,
    the back-off, and what it emits when it gives up (its compensation).
``replies``
    what a sender emits when a reply comes back accepted or rejected.
``projection``
    how the event log folds into a read model (an order's status), used by replay.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import WorldError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,200}$")
# Services may contain a space ("Customer App"); message names may not.
SERVICE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9 _.\-]{0,59}$")

MAX_INSTANCES = 4


@dataclass(frozen=True, slots=True)
class Emit:
    """One message a rule emits: ``publish`` an event or ``send`` a command."""

    verb: str
    name: str


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """What ``service`` does when it handles a message called ``on`` (``"*"``: any message)."""

    service: str
    on: str
    effects: tuple[tuple[str, int], ...] = ()
    reject_if: str | None = None
    result_field: str | None = None
    result_prefix: str = "id"
    funds: str | None = None
    then: tuple[Emit, ...] = ()
    # What the handler announces when its business rule refuses the command.
    on_reject: tuple[Emit, ...] = ()
    if_status: tuple[tuple[str, tuple[Emit, ...]], ...] = ()
    # The ``handled`` record's detail for an event, built once and shared (read-only).
    detail: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Policy:
    """A sender's patience with one command, and what it does when that runs out."""

    timeout_ms: int = 500
    retries: int = 0
    backoff_ms: int = 200
    on_give_up: tuple[Emit, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    instances: int = 1
    idempotent: bool = True
    description: str = ""


@dataclass(frozen=True, slots=True)
class EventSpec:
    topic: str
    publisher: str | None


@dataclass(frozen=True, slots=True)
class CommandSpec:
    handler: str
    payload: tuple[tuple[str, Any], ...] = ()
    # Field -> kind of value the handler requires; checked before any business rule runs.
    requires: tuple[tuple[str, str], ...] = ()

    def invalid(self, payload: Mapping[str, Any]) -> str | None:
        """Why ``payload`` is not a well-formed request, or None when it is."""
        for field_name, kind in self.requires:
            value = payload.get(field_name)
            if not FIELD_KINDS[kind][0](value):
                return f"invalid data: {field_name} must be {FIELD_KINDS[kind][1]}"
        return None


# Named business rules a world can use in ``reject_if``. They receive the payload and the world's
# current funds and answer with a rejection reason, or None to accept.
def _insufficient_funds(payload: Mapping[str, Any], funds: Mapping[str, int]) -> str | None:
    amount = payload.get("amount", 0)
    customer = payload.get("customer")
    if customer is None and "funds" not in payload:
        return "invalid data: the payment names no customer"
    available = payload["funds"] if "funds" in payload else funds.get(customer, 0)
    if isinstance(amount, int | float) and isinstance(available, int | float):
        if amount > available:
            return f"insufficient funds: {customer} has {available}, the order costs {amount}"
        return None
    return "the payment's amount or funds are not numbers"


CONDITIONS = {"insufficient_funds": _insufficient_funds}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


# The kinds of value a command can require, each with its test and how a refusal words it.
FIELD_KINDS = {
    "text": (lambda v: isinstance(v, str) and bool(v.strip()), "some text"),
    "positive_number": (lambda v: _is_number(v) and v > 0, "a number above zero"),
}
FUNDS_OPERATIONS = ("charge", "refund")


class World:
    """A validated, read-only world. Build it with ``World.from_data``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data: dict[str, Any] = copy.deepcopy(dict(data))
        d = self.data
        self.name: str = str(d.get("name", "custom"))
        self.latency_ms: int = _int(d, "latency_ms", 10, low=0)
        self.jitter_ms: int = _int(d, "jitter_ms", 0, low=0)
        self.work_ms: int = _int(d, "work_ms", 20, low=0)
        self.slow_extra_ms: int = _int(d, "slow_extra_ms", 2000, low=0)
        self.max_attempts: int = _int(d, "max_attempts", 5, low=1)
        self.retry_backoff_ms: int = _int(d, "retry_backoff_ms", 100, low=0)
        self.max_depth: int = _int(d, "max_depth", 64, low=1)
        self.dispatch: str = str(d.get("dispatch", "round_robin"))
        if self.dispatch not in ("round_robin", "random"):
            raise WorldError("dispatch must be 'round_robin' or 'random'")

        self.services: dict[str, ServiceSpec] = {}
        for name, spec in _table(d, "services").items():
            if not SERVICE_PATTERN.match(name):
                raise WorldError(f"invalid service name {name!r}")
            spec = spec or {}
            instances = _int(spec, "instances", 1, low=1, high=MAX_INSTANCES)
            self.services[name] = ServiceSpec(
                name, instances, bool(spec.get("idempotent", True)), str(spec.get("about", ""))
            )
        if not self.services:
            raise WorldError("a world needs at least one service")

        self.default_sender: str = str(d.get("default_sender", next(iter(self.services))))
        self._service(self.default_sender, "default_sender")
        self.default_topic: str = str(d.get("default_topic", "custom-events"))

        self.topics: dict[str, tuple[str, ...]] = {}
        for topic, subscribers in _table(d, "topics").items():
            for s in subscribers:
                self._service(s, f"topic {topic}")
            if len(set(subscribers)) != len(subscribers):
                raise WorldError(f"topic {topic} lists a subscriber twice")
            self.topics[topic] = tuple(subscribers)
        self.topics.setdefault(self.default_topic, ())

        self.events: dict[str, EventSpec] = {}
        for name, spec in _table(d, "events").items():
            topic = spec.get("topic", self.default_topic)
            if topic not in self.topics:
                raise WorldError(f"event {name} uses unknown topic {topic!r}")
            publisher = spec.get("publisher")
            if publisher is not None:
                self._service(publisher, f"event {name}")
            self.events[name] = EventSpec(topic, publisher)

        self.commands: dict[str, CommandSpec] = {}
        for name, spec in _table(d, "commands").items():
            handler = spec.get("handler")
            self._service(handler, f"command {name}")
            payload = spec.get("payload", {})
            requires = spec.get("requires", {})
            for field_name, kind in requires.items():
                if kind not in FIELD_KINDS:
                    raise WorldError(
                        f"command {name}: {field_name} requires an unknown kind {kind!r};"
                        f" known: {sorted(FIELD_KINDS)}"
                    )
            self.commands[name] = CommandSpec(
                handler, tuple(payload.items()), tuple(requires.items())
            )
        overlap = set(self.events) & set(self.commands)
        if overlap:
            raise WorldError(f"names used both as event and command: {sorted(overlap)}")

        self.rules: dict[tuple[str, str], Rule] = {}
        for raw in d.get("rules", []):
            rule = self._rule(raw)
            key = (rule.service, rule.on)
            if key in self.rules:
                raise WorldError(f"two rules for {rule.service} on {rule.on}")
            self.rules[key] = rule

        self.default_policy: Policy = self._policy(d.get("default_policy", {}), "default_policy")
        self.policies: dict[tuple[str, str], Policy] = {}
        for sender, per_command in _table(d, "policies").items():
            self._service(sender, "policies")
            for command, raw in per_command.items():
                self.policies[(sender, command)] = self._policy(raw, f"policy {sender}/{command}")

        self.replies: dict[tuple[str, str, str], tuple[Emit, ...]] = {}
        for raw in d.get("replies", []):
            service = raw.get("service")
            self._service(service, "replies")
            outcome = raw.get("outcome")
            if outcome not in ("accepted", "rejected"):
                raise WorldError("a reply rule's outcome is 'accepted' or 'rejected'")
            key = (service, str(raw.get("command")), outcome)
            self.replies[key] = self._emits(raw.get("then", []), "replies")

        funds = d.get("funds", {})
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in funds.values()):
            raise WorldError("funds are whole numbers")
        self.funds: dict[str, int] = dict(funds)

        projection = d.get("projection", {})
        self.projection_key: str = str(projection.get("key", "order_id"))
        self.transitions: dict[str, tuple[frozenset[str], str]] = {}
        for event, spec in projection.get("transitions", {}).items():
            self.transitions[event] = (frozenset(spec.get("from", [""])), str(spec["to"]))

        self.subscriptions_of: dict[str, tuple[str, ...]] = {}
        for topic, subscribers in self.topics.items():
            for s in subscribers:
                self.subscriptions_of[s] = (*self.subscriptions_of.get(s, ()), topic)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> World:
        """Build and check a world from plain data; raises ``WorldError`` when inconsistent."""
        try:
            return cls(data)
        except WorldError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise WorldError(f"malformed world data: {error!r}") from error

    def to_data(self) -> dict[str, Any]:
        """The plain data this world was built from."""
        return copy.deepcopy(self.data)

    # -- queries used by the engine ----------------------------------------------------------

    def rule_for(self, service: str, message: str) -> Rule | None:
        """The rule for this service and message, falling back on the service's ``*`` rule."""
        return self.rules.get((service, message)) or self.rules.get((service, "*"))

    def policy_for(self, sender: str, command: str) -> Policy:
        return self.policies.get((sender, command), self.default_policy)

    def topic_of(self, event: str) -> str:
        spec = self.events.get(event)
        return spec.topic if spec else self.default_topic

    def topics_wanted_by(self, service: str) -> list[str]:
        """Topics carrying events the service has rules for, in the world's topic order."""
        names = {on for (s, on) in self.rules if s == service}
        wanted = []
        for topic in self.topics:
            carried = {e for e, spec in self.events.items() if spec.topic == topic}
            if ("*" in names and carried) or names & carried:
                wanted.append(topic)
        return wanted

    # -- checks --------------------------------------------------------------------------------

    def _service(self, name: Any, where: str) -> None:
        if name not in self.services:
            raise WorldError(f"{where} refers to unknown service {name!r}")

    def _emits(self, raw: list[Mapping[str, str]], where: str) -> tuple[Emit, ...]:
        emits = []
        for item in raw:
            if len(item) != 1 or next(iter(item)) not in ("publish", "send"):
                raise WorldError(
                    f"{where}: each emitted message is {{publish=...}} or {{send=...}}"
                )
            verb, name = next(iter(item.items()))
            if not NAME_PATTERN.match(str(name)):
                raise WorldError(f"{where}: invalid message name {name!r}")
            emits.append(Emit(verb, name))
        return tuple(emits)

    def _rule(self, raw: Mapping[str, Any]) -> Rule:
        service = raw.get("service")
        self._service(service, "rules")
        on = str(raw.get("on"))
        where = f"rule {service}/{on}"
        effects = raw.get("effects", {})
        if not all(isinstance(v, int) for v in effects.values()):
            raise WorldError(f"{where}: effects count whole numbers")
        reject_if = raw.get("reject_if")
        if reject_if is not None and reject_if not in CONDITIONS:
            raise WorldError(
                f"{where}: unknown condition {reject_if!r}; known: {sorted(CONDITIONS)}"
            )
        funds = raw.get("funds")
        if funds is not None and funds not in FUNDS_OPERATIONS:
            raise WorldError(f"{where}: funds is one of {FUNDS_OPERATIONS}")
        result = raw.get("result", {})
        if_status = tuple(
            (status, self._emits(emits, where))
            for status, emits in raw.get("if_status", {}).items()
        )
        return Rule(
            service=service,
            on=on,
            effects=tuple(effects.items()),
            reject_if=reject_if,
            result_field=result.get("field"),
            result_prefix=str(result.get("prefix", "id")),
            funds=funds,
            then=self._emits(raw.get("then", []), where),
            on_reject=self._emits(raw.get("on_reject", []), where),
            if_status=if_status,
            detail={"effect": dict(effects)} if effects else None,
        )

    def _policy(self, raw: Mapping[str, Any], where: str) -> Policy:
        return Policy(
            timeout_ms=_int(raw, "timeout_ms", 500, low=1),
            retries=_int(raw, "retries", 0, low=0, high=10),
            backoff_ms=_int(raw, "backoff_ms", 200, low=0),
            on_give_up=self._emits(raw.get("on_give_up", []), where),
        )


def _table(d: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = d.get(key, {})
    if not isinstance(value, Mapping):
        raise WorldError(f"{key} must be a table")
    return dict(value)


def _int(d: Mapping[str, Any], key: str, default: int, *, low: int, high: int | None = None) -> int:
    value = d.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise WorldError(f"{key} must be a whole number, not {value!r}")
    if value < low or (high is not None and value > high):
        raise WorldError(f"{key}={value} is out of range")
    return value
