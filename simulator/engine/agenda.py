"""The agenda: occurrences ordered by virtual time, and the clock that moves through them.

Time is virtual (whole milliseconds) and only moves when the engine processes the next scheduled
occurrence, so a run takes as long as the computer needs, not as long as the story. Ties in time
are broken by the order in which occurrences were scheduled, which (with the one seeded random
generator) makes the trace a pure function of the world, the seed and the inputs.

An occurrence is either a pair ``(function, argument)``, called as ``function(engine, argument)``,
or a bare instance of a service finishing its work, which the broker completes (``_on_done``):
the broker schedules a million of those in a big fan-out and a bare object is the cheapest entry.
The agenda hands whole slots to the broker's ``_run_slot``, which owns that fast path.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .trace import RECORD, TraceView

if TYPE_CHECKING:
    from .core import Engine

SEAL_EVERY = 1 << 16  # records between two seals of the trace (see trace.py)


class Agenda:
    """The engine's clock and its schedule (a part of ``Engine``, see core.py).

    A heap of distinct times, and for each time the occurrences due then, in the order they were
    scheduled. Equivalent to a heap of (time, sequence number), but the many occurrences sharing
    a millisecond cost one heap operation, not one each. An occurrence holds the plain function
    (``Commands._on_timeout``), never a method bound to the engine: that would be a cycle through
    the agenda, and an engine dropped with anything still scheduled (a learner resetting mid-run)
    would wait for a full garbage collection instead of being freed at once.
    """

    def _init_agenda(self) -> None:
        self.now = 0
        self._times: list[int] = []
        self._slots: dict[int, list[Any]] = {}
        self._cursor = 0  # occurrences of the earliest slot already processed (by ``step``)
        self._processed = 0

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
        if entry.__class__ is tuple:
            entry[0](self, entry[1])
        else:
            self._on_done(entry)
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
            if len(self._raw) >= SEAL_EVERY * RECORD:
                self.trace.seal()
                self._raw = self.trace._raw
        if until is not None and until > self.now:
            self.now = until

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

    def _at(self, t: int, fn: Callable[[Engine, Any], None], arg: Any) -> None:
        """Schedule ``fn(engine, arg)`` at virtual time ``t``, after everything already due then."""
        slot = self._slots.get(t)
        if slot is None:
            slot = self._slots[t] = []
            heapq.heappush(self._times, t)
        slot.append((fn, arg))
