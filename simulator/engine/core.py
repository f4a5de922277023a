"""The engine: a deterministic discrete-event model of a message broker and its services.

Time is virtual (whole milliseconds) and only moves when the engine processes the next scheduled
occurrence, so a run takes as long as the computer needs, not as long as the story. The only
randomness comes from one ``random.Random`` seeded at construction; ties in time are broken by the
order in which occurrences were scheduled. Together these make the trace a pure function of the
world, the seed and the inputs.

How messages move:

* a command is ``sent`` to the endpoint of its handler; after the network latency it lands in the
  handler's command buffer, where the handler's instances compete for it. The sender waits for a
  reply and applies its policy when the wait runs out.
* an event is ``published`` towards its topic; when it arrives, the broker appends it to the event
  log and puts a copy into the buffer of every subscription of that topic.
* an instance takes the oldest message from its service's buffers, works on it, and either
  handles it (side effects, reply, next messages), fails (the broker retries it with back-off) or
  recognises it as a duplicate. A service that is offline takes nothing; its buffers fill up.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import random
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from . import replay as _replay
from .errors import InvalidInput
from .faults import Fault, Faults
from .inputs import validate
from .messages import COMMAND, EVENT, Message
from .naming import Classifier, simple_classify
from .order_flow import ORDER_FLOW
from .trace import NONE, STEP_CODES, Trace, TraceView
from .world import CONDITIONS, Emit, Rule, World

SNAPSHOT_FORMAT = 1
SEAL_EVERY = 1 << 16  # records between two seals of the trace (see trace.py)
DUPLICATE_REASON = "the broker delivered this message a second time"


_UNSET: Any = object()
_DELIVERED = STEP_CODES["delivered"]
_HANDLED = STEP_CODES["handled"]
_PUBLISHED = STEP_CODES["published"]


class _Item:
    """A message waiting in (or taken from) a buffer, with its delivery history."""

    __slots__ = ("attempt", "catch_up", "duplicate", "msg", "order", "redelivery")

    def __init__(self, msg: Message, order: int) -> None:
        self.msg = msg
        self.order = order  # global arrival order: an instance serves the oldest message first
        self.attempt = 1
        self.duplicate = False
        self.catch_up = False
        self.redelivery = False


class _Buffer:
    """A subscription's buffer (``topic`` set) or a handler's command buffer (``topic`` None)."""

    __slots__ = ("items", "topic")

    def __init__(self, topic: str | None) -> None:
        self.topic = topic
        self.items: deque[_Item] = deque()


class _Instance:
    """One running copy of a service. It handles one message at a time.

    When its service crashes, the instance object is retired (``dead``) and replaced, so that
    completions it had scheduled are recognised as stale and ignored.
    """

    __slots__ = ("buffer", "busy", "code", "dead", "index", "item", "label", "svc")

    def __init__(self, svc: _Service, index: int, label: str) -> None:
        self.svc = svc
        self.index = index
        self.label = label
        self.code = -2  # the label's code in the trace, looked up on first use
        self.busy = False
        self.dead = False
        self.item: _Item | None = None
        self.buffer: _Buffer | None = None


class _Service:
    __slots__ = (
        "buffers",
        "capacity",
        "commands",
        "counters",
        "fail_next",
        "idempotent",
        "instances",
        "name",
        "online",
        "results",
        "rr",
        "rules",
        "seen",
        "slow",
    )

    def __init__(self, name: str, instances: int, idempotent: bool) -> None:
        self.name = name
        self.online = True
        self.slow = False
        self.fail_next = 0
        self.idempotent = idempotent
        self.capacity = instances
        self.instances: list[_Instance] = []
        # The command buffer is created on the first command, so pure subscribers keep one
        # buffer per subscription and nothing else to look at.
        self.commands: _Buffer | None = None
        self.buffers: list[_Buffer] = []
        self.seen: set[str] = set()
        # Remembered replies, so an idempotent handler answers a repeated command the same way.
        self.results: dict[str, tuple[str, Any]] = {}
        self.counters: dict[str, int] = {"received": 0, "handled": 0}
        # event name -> what ``Engine._compile_rule`` says about it, filled on first use
        self.rules: dict[str, tuple[Any, int, Any]] = {}
        self.rr = 0
        self.resize(instances)

    def resize(self, count: int) -> None:
        self.capacity = count
        while len(self.instances) < count:
            self.instances.append(_Instance(self, len(self.instances), ""))
        for inst in self.instances:
            inst.label = self.name if count == 1 else f"{self.name}#{inst.index + 1}"
            inst.code = -2

    def command_buffer(self) -> _Buffer:
        if self.commands is None:
            self.commands = _Buffer(None)
            self.buffers.append(self.commands)
        return self.commands


class _Pending:
    """A sender waiting for the reply to one command."""

    __slots__ = ("attempt", "handler", "msg", "policy", "state")

    def __init__(self, msg: Message, handler: str | None, policy: Any) -> None:
        self.msg = msg
        self.handler = handler
        self.policy = policy
        self.attempt = 1
        self.state = "waiting"  # then "answered" or "gave_up"


def _extend_history(history: str, clean: Mapping[str, Any]) -> str:
    item = json.dumps(clean, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(f"{history}|{item}".encode(), digest_size=16).hexdigest()


@cache
def default_world() -> World:
    """The order-flow world, built once: engines read their world and never change it."""
    return World.from_data(ORDER_FLOW)


class Engine:
    """A simulated broker with its services, driven by learner inputs and virtual time.

    ``classify_name`` judges message names for the ``smell`` step. The site passes the course's
    classifier; without one the engine uses its small built-in ``simple_classify``.
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        seed: int = 0,
        classify_name: Callable[[str], Any] | None = None,
    ) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise InvalidInput("the seed is a whole number")
        self.world: World = world if world is not None else default_world()
        self.seed = seed
        self.now = 0
        self.trace: Trace = Trace()
        self._raw = self.trace._raw  # the hot paths append raw records directly
        self._messages = self.trace._messages
        self._details = self.trace._details
        self._shared_details: dict[int, int] = {}  # id(rule) -> its detail's position
        self.event_log: list[Message] = []
        self.command_log: list[Message] = []
        self._rng = random.Random(seed)
        self._classify: Classifier = classify_name or simple_classify
        self._verdicts: dict[str, Any] = {}
        self._clean_names: set[str] = set()  # names already judged fine for events
        # The agenda: a heap of distinct times, and for each time the occurrences due then, in
        # the order they were scheduled. Equivalent to a heap of (time, sequence number), but
        # the many occurrences sharing a millisecond cost one heap operation, not one each.
        # An occurrence holds the plain function (``Engine._on_timeout``), never a method bound
        # to this engine: that would be a cycle through the agenda, and an engine dropped with
        # anything still scheduled (a learner resetting mid-run) would wait for a full garbage
        # collection instead of being freed at once.
        self._times: list[int] = []
        self._slots: dict[int, list[tuple[Callable[[Engine, Any], None], Any]]] = {}
        self._cursor = 0  # occurrences of the earliest slot already processed (by ``step``)
        self._processed = 0
        self._ids = 0
        self._flows = 0
        self._arrivals = 0
        self._results: dict[str, int] = {}
        self._inputs: list[dict[str, Any]] = []
        self._history = ""  # see history_key; covers the first _history_covers inputs
        self._history_covers = 0
        self._pending: dict[str, _Pending] = {}
        self._handled_by: dict[str, str] = {}
        self._faults = Faults()
        self._funds: dict[str, int] = dict(self.world.funds)
        self.projection = _replay.Projection(self.world)
        self._services: dict[str, _Service] = {
            name: _Service(name, spec.instances, spec.idempotent)
            for name, spec in self.world.services.items()
        }
        self._topic_subs: dict[str, list[tuple[_Service, _Buffer]]] = {
            t: [] for t in self.world.topics
        }
        self._subscribed: set[tuple[str, str]] = set()
        for topic, subscribers in self.world.topics.items():
            for name in subscribers:
                self._add_subscription(topic, self._services[name])

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

    def step(self) -> TraceView | None:
        """Process the next scheduled occurrence; return the records it produced.

        Returns ``None`` when nothing is scheduled.
        """
        if not self._times:
            return None
        start = len(self.trace)
        t = self._times[0]
        slot = self._slots[t]
        self.now = t
        entry = slot[self._cursor]
        self._cursor += 1
        self._processed += 1
        if entry.__class__ is _Instance:
            self._on_done(entry)
        else:
            entry[0](self, entry[1])
        if self._cursor >= len(slot):
            self._close_slot(t)
        return self.trace.since(start)

    def run(self, until: int | None = None) -> TraceView:
        """Process occurrences up to and including ``until`` (all of them when ``None``).

        The clock ends at ``until`` even if nothing happened at that instant, as in SimPy.
        Returns the records produced by this call, as a list-like view of ``Step``.
        """
        start = len(self.trace)
        self._advance(until)
        return self.trace.since(start)

    def _advance(self, until: int | None) -> None:
        times, slots = self._times, self._slots
        while times:
            t = times[0]
            if until is not None and t > until:
                break
            self.now = t
            first = self._cursor
            self._processed += self._run_slot(slots[t], first) - first
            self._close_slot(t)
            if len(self._raw) >= SEAL_EVERY:
                self.trace.seal()
                self._raw = self.trace._raw
        if until is not None and until > self.now:
            self.now = until

    def _run_slot(self, slot: list[Any], i: int) -> int:
        """Process a slot's occurrences from index ``i``; return how far it got.

        The slot may grow while it is processed (something due "now"), so its length is read
        again on every turn. Completions are stored as bare instances, and the most frequent of
        them, an event handled by a rule that only counts side effects, is finished right here:
        a fan-out to many subscribers spends most of its time in this loop.
        """
        on_done = self._on_done
        record = self._raw.append
        now = self.now
        while i < len(slot):
            entry = slot[i]
            i += 1
            if entry.__class__ is not _Instance:
                entry[0](self, entry[1])
                continue
            svc = entry.svc
            msg = entry.item.msg
            known = svc.rules.get(msg.name)
            if (
                entry.dead
                or svc.fail_next
                or msg.kind != EVENT
                or known is None
                or known[2] is None
                or (svc.idempotent and msg.id in svc.seen)
            ):
                on_done(entry)
                continue
            _rule, key, effects = known
            counters = svc.counters
            counters["handled"] += 1
            if svc.idempotent:
                svc.seen.add(msg.id)
            for counter, amount in effects:
                counters[counter] = counters.get(counter, 0) + amount
            code = entry.code
            if code < 0:
                code = entry.code = self.trace.label(entry.label)
            record((now, _HANDLED, msg.ref, NONE, code, key))
            entry.busy = False
            for buffer in svc.buffers:
                if buffer.items:
                    self._dispatch(svc)
                    break
        self._cursor = i
        return i

    def _close_slot(self, t: int) -> None:
        heapq.heappop(self._times)
        del self._slots[t]
        self._cursor = 0

    def pending(self) -> bool:
        """True while something is still scheduled."""
        return bool(self._times)

    def next_time(self) -> int | None:
        """Virtual time of the next scheduled occurrence, or ``None``."""
        return self._times[0] if self._times else None

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
            "topics": {t: [s.name for s, _ in subs] for t, subs in self._topic_subs.items()},
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
        cls, snapshot: Mapping[str, Any], *, classify_name: Callable[[str], Any] | None = None
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
        classify_name: Callable[[str], Any] | None = None,
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
            self._record("service_online", None, svc.name, service=svc.name)
            self._dispatch(svc)
        else:
            self._record("service_offline", None, svc.name, service=svc.name)
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
            self._record(
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

    def _at(self, t: int, fn: Callable[[Engine, Any], None], arg: Any) -> None:
        slot = self._slots.get(t)
        if slot is None:
            slot = self._slots[t] = []
            heapq.heappush(self._times, t)
        slot.append((fn, arg))

    def _record(
        self,
        step: str,
        msg: Message | None,
        to: str | None,
        from_: str | None = None,
        **detail: Any,
    ) -> None:
        key = NONE
        if detail:
            key = len(self._details)
            self._details.append(detail)
        label = self.trace.label
        self._raw.append(
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
        self._record(
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

    # -- naming ----------------------------------------------------------------------------------

    def _check_name(self, msg: Message) -> None:
        verdict = self._verdicts.get(msg.name)
        if verdict is None:
            verdict = self._verdicts[msg.name] = self._classify(msg.name)
        kind = getattr(verdict, "kind", "unclear")
        smell = getattr(verdict, "smell", None)
        if msg.kind == COMMAND and kind == "event":
            reason = (
                f"{msg.name} reads as a fact that already happened, yet it is sent as a request"
            )
        elif msg.kind == EVENT and kind == "command":
            reason = (
                f"{msg.name} reads as an order, yet it is published as a fact: "
                "a command in disguise"
            )
        elif smell:
            reason = str(smell)
        else:
            if msg.kind == EVENT:
                self._clean_names.add(msg.name)
            return
        self._record(
            "smell",
            msg,
            None,
            msg.sender,
            reason=reason,
            reads_as=kind,
            used_as=msg.kind,
            explanation=getattr(verdict, "explanation", None),
            suggestion=getattr(verdict, "suggestion", None),
        )

    # -- commands ----------------------------------------------------------------------------------

    def _send(self, msg: Message, handler: str | None) -> None:
        policy = self.world.policy_for(msg.sender, msg.name)
        pending = self._pending[msg.id] = _Pending(msg, handler, policy)
        extra = {"timeout_ms": policy.timeout_ms}
        delay = self._faults.take_in_transit("delay") if self._faults else None
        if delay:
            extra["delayed_by"] = delay.by
        self._record("sent", msg, handler, **extra)
        self._check_name(msg)
        self._transmit_command(pending, delay.by if delay else 0)
        self._at(self.now + policy.timeout_ms, Engine._on_timeout, (msg.id, 1))

    def _transmit_command(self, pending: _Pending, extra_ms: int) -> None:
        dropped = bool(self._faults) and self._faults.take_in_transit("drop") is not None
        self._at(
            self.now + self._latency() + extra_ms, Engine._on_command_arrival, (pending, dropped)
        )

    def _on_command_arrival(self, arg: tuple[_Pending, bool]) -> None:
        pending, dropped = arg
        msg = pending.msg
        if dropped:
            self._record("dropped", msg, pending.handler, reason="lost on the way (injected fault)")
            return
        if pending.handler is None:
            self._record("dropped", msg, None, reason=f"no handler: no service accepts {msg.name}")
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
            self._record(
                "timed_out",
                msg,
                msg.sender,
                from_=pending.handler,
                attempt=attempt,
                decision="retry",
                backoff_ms=backoff,
                waited_ms=policy.timeout_ms,
            )
            self._at(self.now + backoff, Engine._on_resend, (msg_id, attempt + 1))
            return
        pending.state = "gave_up"
        compensation = [f"{e.verb} {e.name}" for e in policy.on_give_up]
        self._record(
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
        self._record("retried", pending.msg, pending.handler, attempt=attempt, by="sender")
        self._transmit_command(pending, 0)
        self._at(self.now + pending.policy.timeout_ms, Engine._on_timeout, (msg_id, attempt))

    def _reply(self, msg: Message, label: str, outcome: str, value: Any) -> None:
        self._at(self.now + self._latency(), Engine._on_reply, (msg, label, outcome, value))

    def _on_reply(self, arg: tuple[Message, str, str, Any]) -> None:
        msg, label, outcome, value = arg
        pending = self._pending.get(msg.id)
        if pending is None or pending.state != "waiting":
            why = (
                f"{msg.sender} had already given up waiting"
                if pending is not None and pending.state == "gave_up"
                else f"{msg.sender} already had its answer"
            )
            self._record(
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
            self._record("replied", msg, msg.sender, from_=label, outcome=outcome, result=value)
            payload = {**msg.payload, **value}
        else:
            self._record("rejected", msg, msg.sender, from_=label, outcome=outcome, reason=value)
            payload = {**msg.payload, "reason": value}
        then = self.world.replies.get((msg.sender, msg.name, outcome))
        if then:
            self._emit(msg.sender, then, msg, payload)

    # -- events ------------------------------------------------------------------------------------

    def _publish(self, msg: Message, topic: str) -> None:
        delay = dropped = None
        if self._faults:
            delay = self._faults.take_in_transit("delay")
            dropped = self._faults.take_in_transit("drop")
        detail = {"topic": topic, "subscribers": len(self._topic_subs[topic])}
        if delay:
            detail["delayed_by"] = delay.by
        key = len(self._details)
        self._details.append(detail)
        label = self.trace.label
        self._raw.append((self.now, _PUBLISHED, msg.ref, label(msg.sender), label(topic), key))
        if msg.name not in self._clean_names:
            self._check_name(msg)
        self._at(
            self.now + self._latency() + (delay.by if delay else 0),
            Engine._on_topic_arrival,
            (msg, topic, dropped is not None),
        )

    def _on_topic_arrival(self, arg: tuple[Message, str, bool]) -> None:
        msg, topic, dropped = arg
        if dropped:
            self._record(
                "dropped", msg, topic, reason="lost on the way to the topic (injected fault)"
            )
            return
        self.event_log.append(msg)
        self.projection.apply(msg)
        faults = self._faults.armed
        now = self.now
        ref = msg.ref
        world = self.world
        work, slow_extra = world.work_ms, world.slow_extra_ms
        slots = self._slots
        record = self._raw.append
        last_t = last_slot = None
        for svc, buffer in self._topic_subs[topic]:
            # Fast lane for the common case: a single idle instance, online, no armed fault.
            # An idle online instance implies empty buffers (``_dispatch`` keeps it so), so
            # starting at once is exactly what queueing and dispatching would do. This is
            # ``_start`` written out, because a fan-out runs it once per subscriber.
            if svc.capacity == 1 and svc.online and not faults:
                inst = svc.instances[0]
                if not inst.busy:
                    self._arrivals += 1
                    # The instance's previous item is done with: reuse it rather than allocate.
                    item = inst.item
                    if item is None or item.redelivery or item.catch_up:
                        item = inst.item = _Item(msg, self._arrivals)
                    else:
                        item.msg = msg
                        item.order = self._arrivals
                    inst.busy = True
                    inst.buffer = buffer
                    svc.counters["received"] += 1
                    code = inst.code
                    if code < 0:
                        code = inst.code = self.trace.label(inst.label)
                    record((now, _DELIVERED, ref, NONE, code, NONE))
                    t = now + work + (slow_extra if svc.slow else 0)
                    if t != last_t:
                        last_slot = slots.get(t)
                        if last_slot is None:
                            last_slot = slots[t] = []
                            heapq.heappush(self._times, t)
                        last_t = t
                    last_slot.append(inst)
                    continue
            self._enqueue(svc, buffer, msg)
            self._dispatch(svc)
            last_t = None  # dispatching may have created slots; look them up again

    def _add_subscription(self, topic: str, svc: _Service) -> _Buffer:
        buffer = _Buffer(topic)
        svc.buffers.append(buffer)
        self._topic_subs[topic].append((svc, buffer))
        self._subscribed.add((topic, svc.name))
        return buffer

    # -- buffers and instances ---------------------------------------------------------------------

    def _enqueue(
        self, svc: _Service, buffer: _Buffer, msg: Message, catch_up: bool = False
    ) -> None:
        duplicate = None
        if self._faults:
            if self._faults.take_on_delivery("drop", svc.name, unaimed=False):
                self._record("dropped", msg, svc.name, reason="delivery lost (injected fault)")
                return
            duplicate = self._faults.take_on_delivery("duplicate", svc.name, unaimed=True)
        self._arrivals += 1
        item = _Item(msg, self._arrivals)
        item.catch_up = catch_up
        buffer.items.append(item)
        if duplicate:
            self._arrivals += 1
            copy = _Item(msg, self._arrivals)
            copy.duplicate = copy.redelivery = True
            copy.catch_up = catch_up
            buffer.items.append(copy)
        if not svc.online:
            self._record(
                "buffered",
                msg,
                svc.name,
                reason=f"{svc.name} is offline",
                waiting=len(buffer.items),
                topic=buffer.topic,
            )

    def _dispatch(self, svc: _Service) -> None:
        """Hand buffered messages to idle instances, oldest message first."""
        if not svc.online:
            return
        buffers = svc.buffers
        while True:
            best = None
            for buffer in buffers:
                if buffer.items and (best is None or buffer.items[0].order < best.items[0].order):
                    best = buffer
            if best is None:
                return
            inst = self._idle_instance(svc)
            if inst is None:
                return
            self._start(svc, inst, best, best.items.popleft())

    def _idle_instance(self, svc: _Service) -> _Instance | None:
        instances = svc.instances
        capacity = svc.capacity
        if capacity == 1:
            first = instances[0]
            return None if first.busy else first
        if self.world.dispatch == "random":
            idle = [inst for inst in instances[:capacity] if not inst.busy]
            return self._rng.choice(idle) if idle else None
        for k in range(capacity):
            inst = instances[(svc.rr + k) % capacity]
            if not inst.busy:
                svc.rr = (inst.index + 1) % capacity
                return inst
        return None

    def _start(self, svc: _Service, inst: _Instance, buffer: _Buffer, item: _Item) -> None:
        inst.busy = True
        inst.item = item
        inst.buffer = buffer
        svc.counters["received"] += 1
        now = self.now
        if item.redelivery or item.catch_up:
            detail: dict[str, Any] = {"attempt": item.attempt}
            if item.duplicate:
                # Said once, on the copy's first delivery; later ones are ordinary redeliveries.
                detail["reason"] = DUPLICATE_REASON
                item.duplicate = False
            if item.catch_up:
                detail["catch_up"] = True
            step = "redelivered" if item.redelivery else "delivered"
            self._record(step, item.msg, inst.label, **detail)
        else:
            code = inst.code
            if code < 0:
                code = inst.code = self.trace.label(inst.label)
            self._raw.append((now, _DELIVERED, item.msg.ref, NONE, code, NONE))
        world = self.world
        t = now + world.work_ms + (world.slow_extra_ms if svc.slow else 0)
        slot = self._slots.get(t)
        if slot is None:
            slot = self._slots[t] = []
            heapq.heappush(self._times, t)
        slot.append(inst)

    def _on_redeliver(self, inst: _Instance) -> None:
        if inst.dead:
            return
        svc, item, buffer = inst.svc, inst.item, inst.buffer
        item.redelivery = True
        inst.busy = False
        if inst.index >= svc.capacity:
            # The instance was scaled away during the back-off: let another one take it.
            inst.item = inst.buffer = None
            buffer.items.appendleft(item)
            self._dispatch(svc)
            return
        self._start(svc, inst, buffer, item)

    def _free(self, svc: _Service, inst: _Instance) -> None:
        inst.busy = False
        inst.item = None
        inst.buffer = None
        for buffer in svc.buffers:
            if buffer.items:
                self._dispatch(svc)
                return

    def _crash(self, svc: _Service) -> None:
        """The service went offline: work in progress is abandoned and goes back to its buffer.

        Nothing was acknowledged, so the broker keeps the message (at-least-once delivery) and
        hands it over again when the service is back.
        """
        abandoned = [inst for inst in svc.instances if inst.busy]
        # Put the newest back first so the oldest ends up at the head of its buffer.
        abandoned.sort(key=lambda inst: inst.item.order, reverse=True)
        for inst in abandoned:
            item, buffer = inst.item, inst.buffer
            inst.dead = True
            fresh = svc.instances[inst.index] = _Instance(svc, inst.index, inst.label)
            fresh.label = inst.label
            item.redelivery = True
            buffer.items.appendleft(item)
            self._record(
                "buffered",
                item.msg,
                svc.name,
                reason=f"{svc.name} went offline before finishing it; it stays in the buffer",
                waiting=len(buffer.items),
                topic=buffer.topic,
            )

    # -- handling ----------------------------------------------------------------------------------

    def _on_done(self, inst: _Instance) -> None:
        if inst.dead:
            return  # abandoned when the service went offline
        svc = inst.svc
        item = inst.item
        msg = item.msg
        if svc.fail_next:
            self._fail(svc, inst, item)
            return
        if svc.idempotent and msg.id in svc.seen:
            svc.counters["duplicates_ignored"] = svc.counters.get("duplicates_ignored", 0) + 1
            self._record(
                "duplicate_ignored", msg, inst.label, reason=f"{svc.name} already handled {msg.id}"
            )
            if msg.kind == COMMAND:
                outcome, value = svc.results[msg.id]
                self._reply(msg, inst.label, outcome, value)
        elif msg.kind == EVENT:
            # The hot path of every fan-out: kept free of anything an event never needs.
            known = svc.rules.get(msg.name)
            if known is None:
                known = svc.rules[msg.name] = self._compile_rule(svc, msg.name)
            rule, key, _plain = known
            counters = svc.counters
            counters["handled"] += 1
            if svc.idempotent:
                svc.seen.add(msg.id)
            if rule is None:
                self._record(
                    "handled", msg, inst.label, note=f"{svc.name} has nothing to do with it"
                )
            else:
                for counter, amount in rule.effects:
                    counters[counter] = counters.get(counter, 0) + amount
                if rule.funds is not None:
                    self._move_funds(rule.funds, msg.payload)
                code = inst.code
                if code < 0:
                    code = inst.code = self.trace.label(inst.label)
                self._raw.append((self.now, _HANDLED, msg.ref, NONE, code, key))
                if rule.then:
                    self._follow(svc.name, rule, msg, {})
        else:
            self._handle_command(svc, inst.label, msg)
        # ``item`` and ``buffer`` are left behind on purpose: they mean nothing once the
        # instance is not busy, and the fast lane reuses the item for the next delivery.
        inst.busy = False
        for buffer in svc.buffers:
            if buffer.items:
                self._dispatch(svc)
                return

    def _compile_rule(self, svc: _Service, name: str) -> tuple[Rule | None, int, Any]:
        """The rule for an event at this service, the position of its shared record detail,
        and, when handling amounts to counting side effects, those effects (else ``None``)."""
        rule = self.world.rule_for(svc.name, name)
        key = NONE
        if rule is not None and rule.detail is not None:
            key = self._shared_details.get(id(rule), NONE)
            if key == NONE:
                key = self._shared_details[id(rule)] = len(self._details)
                self._details.append(rule.detail)
        plain = rule is not None and rule.funds is None and not rule.then and not rule.if_status
        return rule, key, rule.effects if plain else None

    def _fail(self, svc: _Service, inst: _Instance, item: _Item) -> None:
        """The handler crashes on this message; the broker tries again after a back-off."""
        msg = item.msg
        label = inst.label
        svc.fail_next -= 1
        svc.counters["failed"] = svc.counters.get("failed", 0) + 1
        self._record("failed", msg, label, attempt=item.attempt, reason="the handler crashed")
        if item.attempt < self.world.max_attempts:
            backoff = self.world.retry_backoff_ms * 2 ** (item.attempt - 1)
            item.attempt += 1
            self._record(
                "retried", msg, label, attempt=item.attempt, by="broker", backoff_ms=backoff
            )
            self._at(self.now + backoff, Engine._on_redeliver, inst)
            return
        self._record(
            "dropped",
            msg,
            label,
            reason=f"moved to the dead-letter queue after {item.attempt} failed attempts",
        )
        self._free(svc, inst)

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
        if reason is None and rule is not None and rule.reject_if is not None:
            reason = CONDITIONS[rule.reject_if](msg.payload, self._funds)
            refused_by = "business rule"
        if reason is not None:
            self._record(
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
        result: dict[str, Any] = {}
        if rule.result_field:
            key = f"{svc.name}.{rule.result_field}"
            number = self._results[key] = self._results.get(key, 0) + 1
            result[rule.result_field] = f"{rule.result_prefix}-{number}"
        self._record("handled", msg, label, outcome="accepted", effect=effect, result=result)
        if svc.idempotent:
            svc.seen.add(msg.id)
            svc.results[msg.id] = ("accepted", result)
        self._reply(msg, label, "accepted", result)
        self._follow(svc.name, rule, msg, result)

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
                self._record(
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
