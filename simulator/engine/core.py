"""The engine's façade: a deterministic discrete-event model of a message broker and its services.

``Engine`` is assembled from the parts of the engine package, each owning one seam and the state
that goes with it:

* agenda.py: the clock and the time-ordered schedule (``step``, ``run``);
* broker.py and instances.py: topics, buffers, competing instances, delivery, redelivery, faults
  on the way;
* commands.py: sending, waiting for replies, timeouts, retries, and the handler's verdict;
* handling.py: what a rule does once a message is handled (side effects, funds, next messages);
* naming.py: the ``smell`` step, with the classifier the engine's builder passes in.

This module keeps what a caller talks to: learner inputs (``apply``), the records, history and
snapshots, and the read-only views (``state_view``, ``counters``, and the surface replay.py
uses). The parts are mixins of one object rather than objects of their own because a fan-out
crosses several of them for every delivery, and a hop from one object to another on each crossing
would be paid a million times in a big run. The only randomness comes from one
``random.Random`` seeded at construction, so the trace is a pure function of the world, the seed
and the inputs.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from . import replay as _replay
from .agenda import Agenda
from .broker import Broker
from .commands import Commands
from .errors import InvalidInput
from .faults import Fault, Faults
from .handling import Handling
from .inputs import validate
from .messages import COMMAND, EVENT, Message
from .naming import Classifier, NameChecks
from .order_flow import ORDER_FLOW
from .trace import NONE, STEP_CODES, Trace
from .world import World

SNAPSHOT_FORMAT = 1


def _extend_history(history: str, clean: Mapping[str, Any]) -> str:
    item = json.dumps(clean, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(f"{history}|{item}".encode(), digest_size=16).hexdigest()


@cache
def default_world() -> World:
    """The order-flow world, built once: engines read their world and never change it."""
    return World.from_data(ORDER_FLOW)


class Engine(Agenda, Broker, Commands, Handling, NameChecks):
    """A simulated broker with its services, driven by learner inputs and virtual time.

    ``classify_name`` judges message names for the ``smell`` step. The site passes the course's
    classifier; without one the engine uses its small built-in ``simple_classify``.
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        seed: int = 0,
        classify_name: Classifier | None = None,
    ) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise InvalidInput("the seed is a whole number")
        self.world: World = world if world is not None else default_world()
        self.seed = seed
        self.trace: Trace = Trace()
        self._raw = self.trace._raw  # the hot paths extend the raw records directly
        self._messages = self.trace._messages
        self._details = self.trace._details
        self.event_log: list[Message] = []
        self._rng = random.Random(seed)
        self._ids = 0
        self._flows = 0
        self._inputs: list[dict[str, Any]] = []
        self._history = ""  # see history_key; covers the first _history_covers inputs
        self._history_covers = 0
        self._faults = Faults()
        self._funds: dict[str, int] = dict(self.world.funds)
        self.projection = _replay.Projection(self.world)
        self._init_naming(classify_name)
        self._init_agenda()
        self._init_commands()
        self._init_broker()

    def __del__(self) -> None:
        # A service and its instances point at each other. Left alone, every engine dropped (a
        # learner resetting, a sandbox parking) would wait for a full garbage collection, and a
        # server with a thousand learners collected millions of such objects a second at a time.
        # Unlinking them here lets reference counting free the whole engine at once.
        for svc in getattr(self, "_services", {}).values():
            svc.instances.clear()

    # -- public API --------------------------------------------------------------------------

    @property
    def inputs(self) -> list[dict[str, Any]]:
        """Every input applied so far, each with the virtual time ``at`` it took effect."""
        return [dict(i) for i in self._inputs]

    def history_key(self) -> str:
        """Short text that two engines of one world and seed share exactly when they were given
        the same inputs at the same times, which (the trace being a pure function of those) makes
        them hold the same trace wherever their clocks agree. Callers use it to share work between
        engines that are running the same story. Worked out only when asked for, so that runs
        nobody asks about pay nothing for it."""
        for clean in self._inputs[self._history_covers :]:
            self._history = _extend_history(self._history, clean)
        self._history_covers = len(self._inputs)
        return self._history

    def apply(self, input: Mapping[str, Any]) -> None:
        """Validate one learner input and apply it at its time ``at`` (default: now).

        Occurrences scheduled up to and including ``at`` are processed first, so an input always
        lands after everything already due at that instant; this is what lets ``from_inputs``
        reproduce a live session exactly. A refused input raises a ``DomainError`` and changes
        nothing.
        """
        clean = validate(input, self.world, self.now, self._subscribed)
        self._advance(clean["at"])
        self._inputs.append(clean)
        getattr(self, "_do_" + clean["action"])(clean)

    def counters(self) -> dict[str, dict[str, int]]:
        """Per service: messages received and handled, failures, and every side effect."""
        return {name: dict(svc.counters) for name, svc in self._services.items()}

    def state_view(self) -> dict[str, Any]:
        """Plain data describing the world's current condition, for a page to draw."""
        services = {}
        for name, svc in self._services.items():
            services[name] = {
                "online": svc.online,
                "slow": svc.slow,
                "instances": svc.capacity,
                "idempotent": svc.idempotent,
                "fail_next": svc.fail_next,
                "busy": sum(1 for i in svc.instances if i.busy),
                "buffered": sum(len(b.items) for b in svc.buffers),
                "commands_waiting": len(svc.commands.items) if svc.commands else 0,
                "subscriptions": {
                    b.topic: len(b.items) for b in svc.buffers if b.topic is not None
                },
            }
        return {
            "now": self.now,
            "services": services,
            "topics": {t: self.subscribers(t) for t in self._topic_subs},
            "funds": dict(self._funds),
            "faults": self._faults.to_list(),
            "waiting_for_reply": sum(1 for p in self._pending.values() if p.state == "waiting"),
            "event_log": len(self.event_log),
            "command_log": len(self.command_log),
            "projection": self.projection.state(),
        }

    def snapshot(self) -> dict[str, Any]:
        """Plain, JSON-able data from which ``restore`` rebuilds this exact engine.

        The sandbox is event-sourced: the snapshot is the world, the seed and the learner's
        inputs, plus how far the clock and the processing had gone.
        """
        return {
            "format": SNAPSHOT_FORMAT,
            "seed": self.seed,
            "world": self.world.to_data(),
            "inputs": self.inputs,
            "now": self.now,
            "processed": self._processed,
        }

    @classmethod
    def restore(
        cls, snapshot: Mapping[str, Any], *, classify_name: Classifier | None = None
    ) -> Engine:
        """Rebuild an engine from ``snapshot()``'s data."""
        if not isinstance(snapshot, Mapping) or snapshot.get("format") != SNAPSHOT_FORMAT:
            raise InvalidInput("not an engine snapshot (or one of another format)")
        try:
            world = World.from_data(snapshot["world"])
            engine = cls.from_inputs(
                snapshot["inputs"], seed=snapshot["seed"], world=world, classify_name=classify_name
            )
            processed, now = int(snapshot["processed"]), int(snapshot["now"])
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"incomplete engine snapshot: {error!r}") from error
        while engine._processed < processed and engine.step() is not None:
            pass  # the live engine had been stepped further than its last input
        engine.now = max(engine.now, now)
        return engine

    @classmethod
    def from_inputs(
        cls,
        inputs: Iterable[Mapping[str, Any]],
        *,
        seed: int,
        world: World | None = None,
        classify_name: Classifier | None = None,
        until: int | None = None,
    ) -> Engine:
        """Rebuild an engine by applying ``inputs`` in order; run on to ``until`` if given."""
        engine = cls(world, seed=seed, classify_name=classify_name)
        for item in inputs:
            engine.apply(item)
        if until is not None:
            engine.run(until=until)
        return engine

    # -- inputs --------------------------------------------------------------------------------

    def _do_send(self, i: dict[str, Any]) -> None:
        name = i["name"]
        spec = self.world.commands.get(name)
        handler = i.get("to") or (spec.handler if spec else None)
        payload = dict(spec.payload) if spec else {}
        payload.update(i.get("payload", {}))
        msg = self._new_message(name, COMMAND, i.get("from", self.world.default_sender), payload)
        self._send(msg, handler)

    def _do_publish(self, i: dict[str, Any]) -> None:
        name = i["name"]
        spec = self.world.events.get(name)
        sender = i.get("from") or (spec.publisher if spec and spec.publisher else None)
        msg = self._new_message(
            name, EVENT, sender or self.world.default_sender, dict(i.get("payload", {}))
        )
        self._publish(msg, i.get("topic") or self.world.topic_of(name))

    def _do_set_online(self, i: dict[str, Any]) -> None:
        svc = self._services[i["service"]]
        if i["online"] == svc.online:
            self._configured(svc.name, "online", svc.online, note="no change")
            return
        svc.online = i["online"]
        if svc.online:
            self.record("service_online", None, svc.name, service=svc.name)
            self._dispatch(svc)
        else:
            self.record("service_offline", None, svc.name, service=svc.name)
            self._crash(svc)

    def _do_set_slow(self, i: dict[str, Any]) -> None:
        svc = self._services[i["service"]]
        svc.slow = i["slow"]
        self._configured(svc.name, "slow", svc.slow, extra_ms=self.world.slow_extra_ms)

    def _do_fail_next(self, i: dict[str, Any]) -> None:
        svc = self._services[i["service"]]
        svc.fail_next = i["count"]
        self._configured(svc.name, "fail_next", svc.fail_next)

    def _do_set_instances(self, i: dict[str, Any]) -> None:
        svc = self._services[i["service"]]
        svc.resize(i["count"])
        self._configured(svc.name, "instances", i["count"])
        self._dispatch(svc)

    def _do_set_idempotent(self, i: dict[str, Any]) -> None:
        svc = self._services[i["service"]]
        svc.idempotent = i["idempotent"]
        self._configured(svc.name, "idempotent", svc.idempotent)

    def _do_duplicate_next(self, i: dict[str, Any]) -> None:
        self._faults.arm(Fault("duplicate", i.get("service")))
        self._configured(i.get("service"), "duplicate_next", True)

    def _do_drop_next(self, i: dict[str, Any]) -> None:
        self._faults.arm(Fault("drop", i.get("service")))
        self._configured(i.get("service"), "drop_next", True)

    def _do_delay_next(self, i: dict[str, Any]) -> None:
        self._faults.arm(Fault("delay", None, i["by"]))
        self._configured(None, "delay_next", i["by"])

    def _do_set_funds(self, i: dict[str, Any]) -> None:
        customer = i.get("customer") or next(iter(self._funds), "ada")
        self._funds[customer] = i["amount"]
        self._configured(None, "funds", i["amount"], customer=customer)

    def _do_subscribe(self, i: dict[str, Any]) -> None:
        svc = self._services[i["service"]]
        topics = [i["topic"]] if "topic" in i else self.world.topics_wanted_by(svc.name)
        catch_up = i.get("catch_up", False)
        for topic in topics:
            if (topic, svc.name) in self._subscribed:
                continue
            buffer = self._add_subscription(topic, svc)
            backlog = [m for m in self.event_log if self.world.topic_of(m.name) == topic]
            self.record(
                "subscribed",
                None,
                topic,
                from_=svc.name,
                service=svc.name,
                topic=topic,
                catch_up=catch_up,
                backlog=len(backlog) if catch_up else 0,
            )
            if catch_up:
                for msg in backlog:
                    self._enqueue(svc, buffer, msg, catch_up=True)
        self._dispatch(svc)

    def _do_replay_events(self, i: dict[str, Any]) -> None:
        _replay.replay_events(self)

    def _do_replay_commands(self, i: dict[str, Any]) -> None:
        _replay.replay_commands(self)

    # -- scheduling and records ------------------------------------------------------------------

    def record(
        self,
        step: str,
        msg: Message | None,
        to: str | None,
        from_: str | None = None,
        **detail: Any,
    ) -> None:
        """Append a record at the current virtual time: ``step`` happened to ``msg`` (if any),
        towards ``to``, from ``from_``, with ``detail``."""
        key = NONE
        if detail:
            key = len(self._details)
            self._details.append(detail)
        label = self.trace.label
        self._raw.extend(
            (
                self.now,
                STEP_CODES[step],
                msg.ref if msg is not None else NONE,
                label(from_),
                label(to),
                key,
            )
        )

    def _configured(self, service: str | None, setting: str, value: Any, **extra: Any) -> None:
        self.record(
            "configured", None, service, service=service, setting=setting, value=value, **extra
        )

    def _new_message(
        self,
        name: str,
        kind: str,
        sender: str,
        payload: dict[str, Any],
        cause: Message | None = None,
    ) -> Message:
        self._ids += 1
        if cause is None:
            self._flows += 1
            msg = Message(f"m{self._ids}", name, kind, sender, f"flow-{self._flows}", None, payload)
        else:
            msg = Message(
                f"m{self._ids}",
                name,
                kind,
                sender,
                cause.correlation_id,
                cause.id,
                payload,
                cause.depth + 1,
            )
        msg.ref = len(self._messages)
        self._messages.append(msg)
        return msg

    def _latency(self) -> int:
        jitter = self.world.jitter_ms
        return self.world.latency_ms + (self._rng.randint(0, jitter) if jitter else 0)
