"""Plays an engine in wall-clock time, so that a person can watch it.

The engine knows only virtual milliseconds and never sleeps. The runner decides when the next
virtual instant is shown: the gap between two instants is stretched to a pace a person can
follow (and squeezed when nothing happens for a long while), then divided by the speed. Inputs
scheduled for a later virtual time (a scenario's "Email comes back at t=1000") are applied when
the clock reaches them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from simulator.engine import Engine

# Wall-clock milliseconds per virtual millisecond at 1x, and the bounds of one gap.
SCALE = 25.0
MIN_GAP_MS = 350.0
MAX_GAP_MS = 1800.0
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)

Emit = Callable[[float], Awaitable[None]]


def gap_seconds(virtual_ms: int, speed: float) -> float:
    """How long the page waits before showing an instant `virtual_ms` after the last one."""
    stretched = min(max(virtual_ms * SCALE, MIN_GAP_MS), MAX_GAP_MS)
    return stretched / speed / 1000.0


class Runner:
    """Steps `engine` one virtual instant at a time while playing; `emit` shows the result.

    `emit(scheduled)` is awaited after every instant with the monotonic time the instant was
    due, so the caller can send the new trace records and measure how late they went out.
    """

    def __init__(
        self,
        engine: Engine,
        emit: Emit,
        *,
        scheduled: list[Mapping[str, Any]] | None = None,
        pause_at: set[int] | None = None,
        on_pause: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.engine = engine
        self.emit = emit
        self.scheduled: list[dict[str, Any]] = [dict(i) for i in scheduled or ()]
        self.pause_at = set(pause_at or ())
        self.on_pause = on_pause
        self.speed = 1.0
        self.playing = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._last_shown = time.monotonic()

    # -- controls ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def play(self) -> None:
        self.playing = True
        self._last_shown = time.monotonic()
        self._wake.set()

    def pause(self) -> None:
        self.playing = False
        self._wake.set()

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        self._wake.set()

    def nudge(self) -> None:
        """Something new may be due (an input arrived): look again.

        The input's own records have just been shown, so the pace starts over from now. Counted
        from the last instant shown, which may be seconds old, what the input caused would go
        out at once, with no gap to follow it by, and late by that whole quiet spell.
        """
        self._last_shown = max(self._last_shown, time.monotonic())
        self._wake.set()

    def next_time(self) -> int | None:
        times = [t for t in (self.engine.next_time(), self._next_input_time()) if t is not None]
        return min(times) if times else None

    def finished(self) -> bool:
        return self.next_time() is None

    def step(self) -> bool:
        """Show the next virtual instant now. False when nothing is left to happen."""
        due = self.next_time()
        if due is None:
            return False
        while self.scheduled and self.scheduled[0]["at"] <= due:
            self.engine.apply(self.scheduled.pop(0))
        self.engine.run(until=due)
        return True

    # -- the loop ---------------------------------------------------------------------------

    def _next_input_time(self) -> int | None:
        return self.scheduled[0]["at"] if self.scheduled else None

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            due = self.next_time() if self.playing else None
            if due is None:
                await self._wake.wait()
                continue
            gap = gap_seconds(due - self.engine.now, self.speed)
            scheduled = self._last_shown + gap
            delay = scheduled - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
                    continue  # paused, sped up or given an input: work the plan out again
                except TimeoutError:
                    pass
            first = len(self.engine.trace)
            self.step()
            self._last_shown = max(scheduled, time.monotonic() - gap)
            await self.emit(scheduled)
            # A record's seq is its place in the trace: asking by number spares every engine
            # that only plays from building its records as Step objects, which the shared
            # rendering does once per state for all of them (and the collector would walk).
            if not self.pause_at.isdisjoint(range(first, len(self.engine.trace))):
                self.playing = False
                if self.on_pause is not None:
                    await self.on_pause()
