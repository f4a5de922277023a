"""Trace records: everything the learner sees is one of these.

The live page animates them, the tests assert on them and ``manage.py simulate`` prints them, so a
record carries enough to be narrated on its own without looking anything else up.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

# Every value ``Step.step`` can take, in the order a reader meets them.
STEP_KINDS: tuple[str, ...] = (
    "sent",  # a command left its sender for a named handler
    "published",  # an event reached its topic and was fanned out to the subscriptions
    "buffered",  # a message waits in a buffer because its consumer cannot take it now
    "delivered",  # a consumer instance took a message from its buffer (first time)
    "redelivered",  # the same message handed over again: after a failure, a crash or a duplicate
    "handled",  # the consumer finished with the message; side effects listed in ``effect``
    "replied",  # an accepted reply reached the command's sender
    "rejected",  # a rejection reached the command's sender, with the reason
    "timed_out",  # the sender stopped waiting for a reply; ``decision`` says what it does next
    "retried",  # a message is tried again (the broker after a failure, or a sender after a timeout)
    "failed",  # the handler crashed while processing; nothing was changed
    "duplicate_ignored",  # an idempotent consumer recognised an id it had already handled
    "dropped",  # a message was lost or refused; ``reason`` says why. Nothing vanishes silently.
    "smell",  # the message's name and the way it is used disagree
    "subscribed",  # a new subscription was added to a topic
    "replayed",  # one message of a log was replayed
    "replay_finished",  # summary of a replay: rebuilt state and side-effect deltas
    "service_offline",
    "service_online",
    "configured",  # any other change a learner made to the world (slow, instances, funds, faults)
)

STEP_FIELDS: tuple[str, ...] = (
    "seq",
    "t",
    "step",
    "message",
    "kind",
    "id",
    "correlation_id",
    "causation_id",
    "from",
    "to",
)


@dataclass(slots=True)
class Step:
    """One record of the trace.

    The message fields are ``None`` for records that are not about a message (a service going
    offline, for example). Step-specific fields live in ``detail`` and are merged into
    ``to_dict()``.
    ``detail`` is shared between records of the same kind (a rule's side effects, for example)
    and must be treated as read-only.
    """

    seq: int
    t: int
    step: str
    message: str | None = None
    kind: str | None = None
    id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    from_: str | None = None
    to: str | None = None
    detail: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-able form; ``from_`` becomes ``from``."""
        record: dict[str, Any] = {
            "seq": self.seq,
            "t": self.t,
            "step": self.step,
            "message": self.message,
            "kind": self.kind,
            "id": self.id,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "from": self.from_,
            "to": self.to,
        }
        if self.detail:
            record.update(self.detail)
        return record

    def get(self, key: str, default: Any = None) -> Any:
        """Read a top-level or detail field by its ``to_dict()`` name."""
        if key == "from":
            return self.from_
        if key in _TOP_LEVEL:
            return getattr(self, key)
        if self.detail:
            return self.detail.get(key, default)
        return default


_TOP_LEVEL = frozenset(
    ("seq", "t", "step", "message", "kind", "id", "correlation_id", "causation_id", "to")
)


def matches(step: Step, where: dict[str, Any]) -> bool:
    """True when every ``field = value`` of ``where`` holds for the step.

    ``to`` also matches the bare service name of an instance (``to="Payment"`` matches
    ``"Payment#2"``), because a question rarely cares which instance took the message.
    """
    for key, expected in where.items():
        actual = step.get(key)
        if actual == expected:
            continue
        # TOML has no null: an empty text stands for "none", as in a message nobody caused.
        if expected == "" and actual is None:
            continue
        if key in ("to", "from") and isinstance(actual, str) and actual.split("#")[0] == expected:
            continue
        return False
    return True


# The engine does not build a ``Step`` per record as it goes: it appends six integers (time,
# step kind, message, from, to, detail) to one flat list, and the trace builds ``Step`` objects
# only when someone reads them. A busy world produces millions of records of which a page shows
# a handful. Messages, details and names are stored once in side tables and referred to by
# position. Plain integers are nothing the garbage collector watches, so a record adds no object
# for it to visit (a tuple per record would: each one is watched until a collection looks at it,
# and a million of them set off thousands of collections). Every so
# often the engine seals the numbers so far into one tuple, which the collector stops watching
# the first time it sees it, so a long trace is not walked again by every full collection.
NONE = -1
RECORD = 6  # integers per record in the flat storage
STEP_CODES: dict[str, int] = {name: code for code, name in enumerate(STEP_KINDS)}


class Trace(Sequence[Step]):
    """The engine's trace: a read-only, list-like sequence of ``Step`` records.

    Indexing, slicing (which returns a ``list``), ``len``, iteration and comparison with a list
    all behave as for a list of steps.
    """

    __slots__ = (
        "_details",
        "_labels",
        "_messages",
        "_names",
        "_raw",
        "_sealed",
        "_sealed_len",
        "_starts",
        "_steps",
    )

    def __init__(self) -> None:
        self._raw: list[int] = []  # the open records, ``RECORD`` integers each
        self._sealed: list[tuple[int, ...]] = []
        self._starts: list[int] = []
        self._sealed_len = 0
        self._steps: list[Step] = []
        self._messages: list[Any] = []
        self._details: list[dict[str, Any]] = []
        self._names: list[str] = []
        self._labels: dict[str, int] = {}

    def label(self, name: str | None) -> int:
        """The code of a service, instance or topic name in this trace."""
        if name is None:
            return NONE
        code = self._labels.get(name)
        if code is None:
            code = self._labels[name] = len(self._names)
            self._names.append(name)
        return code

    def seal(self) -> None:
        """Freeze the records so far (see the comment above); the engine calls this."""
        if self._raw:
            self._starts.append(self._sealed_len)
            self._sealed.append(tuple(self._raw))
            self._sealed_len += len(self._raw) // RECORD
            self._raw = []

    def __len__(self) -> int:
        return self._sealed_len + len(self._raw) // RECORD

    def _records(self, start: int, stop: int) -> Iterator[tuple[int, int, int, int, int, int]]:
        """Raw records ``start`` to ``stop``, walking the sealed chunks, then the open one."""
        k = start
        if k < self._sealed_len:
            chunk = bisect_right(self._starts, k) - 1
            while k < stop and chunk < len(self._sealed):
                base = self._starts[chunk]
                block = self._sealed[chunk]
                end = min(stop - base, len(block) // RECORD)
                yield from _rows(block, k - base, end)
                k = base + end
                chunk += 1
        if k < stop:
            yield from _rows(self._raw, k - self._sealed_len, stop - self._sealed_len)

    def _fill(self, upto: int) -> None:
        steps, messages = self._steps, self._messages
        details, names = self._details, self._names
        append = steps.append
        k = len(steps)
        for t, code, ref, frm, to, key in self._records(k, upto):
            step = STEP_KINDS[code]
            detail = details[key] if key != NONE else None
            target = names[to] if to != NONE else None
            if ref == NONE:
                sender = names[frm] if frm != NONE else None
                append(Step(k, t, step, None, None, None, None, None, sender, target, detail))
            else:
                msg = messages[ref]
                append(
                    Step(
                        k,
                        t,
                        step,
                        msg.name,
                        msg.kind,
                        msg.id,
                        msg.correlation_id,
                        msg.causation_id,
                        names[frm] if frm != NONE else msg.sender,
                        target,
                        detail,
                    )
                )
            k += 1

    @overload
    def __getitem__(self, index: int) -> Step: ...
    @overload
    def __getitem__(self, index: slice) -> list[Step]: ...
    def __getitem__(self, index: int | slice) -> Step | list[Step]:
        n = len(self)
        if isinstance(index, slice):
            start, stop, stride = index.indices(n)
            if stride < 0:
                self._fill(n)
                return self._steps[:n][index]
            self._fill(stop)
            return self._steps[start:stop:stride]
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("trace index out of range")
        self._fill(index + 1)
        return self._steps[index]

    def __iter__(self) -> Iterator[Step]:
        n = len(self)
        self._fill(n)
        return iter(self._steps[:n])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Trace of {len(self)} records>"

    def since(self, start: int) -> TraceView:
        """The records from index ``start`` on, as a lazy view."""
        return TraceView(self, start, len(self))

    def to_dicts(self) -> list[dict[str, Any]]:
        return [step.to_dict() for step in self]


def _rows(
    flat: Sequence[int], start: int, stop: int
) -> Iterator[tuple[int, int, int, int, int, int]]:
    """Records ``start`` to ``stop`` of a flat run of integers, one tuple each."""
    numbers = iter(flat[start * RECORD : stop * RECORD])
    return zip(numbers, numbers, numbers, numbers, numbers, numbers, strict=True)


class TraceView(Sequence[Step]):
    """A fixed window of a trace (what one ``run`` or ``step`` produced), built lazily."""

    __slots__ = ("_start", "_stop", "_trace")

    def __init__(self, trace: Trace, start: int, stop: int) -> None:
        self._trace, self._start, self._stop = trace, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    @overload
    def __getitem__(self, index: int) -> Step: ...
    @overload
    def __getitem__(self, index: slice) -> list[Step]: ...
    def __getitem__(self, index: int | slice) -> Step | list[Step]:
        if isinstance(index, slice):
            return self._trace[self._start : self._stop][index]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("trace index out of range")
        return self._trace[self._start + index]

    def __iter__(self) -> Iterator[Step]:
        return iter(self._trace[self._start : self._stop])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} trace records from #{self._start}>"
