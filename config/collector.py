"""Garbage collections on a clock, so that none of them stops the server for long.

CPython starts a young collection when the objects allocated since the last one, less the objects
freed meanwhile, pass a threshold. A server full of learners frees engines about as fast as it
builds them (a class pressing reset together frees a thousand and builds a thousand), so that
count can stay low while hundreds of thousands of young objects pile up, and the collection that
finally comes walks them all, stopping every socket of the process for a few hundred
milliseconds. Collected on a clock instead, the young generation never holds more than a fraction
of a second's allocations.

What each collection walks, and when (docs/benchmarks.md has the measurements):

- the youngest generation every YOUNG_EVERY_S;
- the middle one at every MIDDLE_EVERY-th of those;
- everything at every FULL_EVERY-th of the middle ones. A full collection walks every live
  object (about 0.3 s with 1,000 learners playing), and the site's own code leaves no reference
  cycles while learners play (tests check the engine and the runner), so it is rare; what waits
  for it is mostly the few dozen objects the server's libraries leave in cycles for each closed
  socket.

The collector's own thresholds stay as a backstop for a burst within one tick (config/asgi.py).
"""

from __future__ import annotations

import asyncio
import gc
import weakref

YOUNG_EVERY_S = 0.1
MIDDLE_EVERY = 10
FULL_EVERY = 1_000  # middle collections, so a full one about every 17 minutes

_paced: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()


def pace() -> None:
    """Starts the clock on the running event loop, once per loop."""
    loop = asyncio.get_running_loop()
    if loop not in _paced:
        _paced.add(loop)
        loop.call_later(YOUNG_EVERY_S, _tick, loop, 1)


def generation_for(tick: int) -> int:
    """Which generation the `tick`-th collection takes (counted from 1)."""
    if tick % (MIDDLE_EVERY * FULL_EVERY) == 0:
        return 2
    if tick % MIDDLE_EVERY == 0:
        return 1
    return 0


def _tick(loop: asyncio.AbstractEventLoop, tick: int) -> None:
    # Whoever turned the collector off (a test counting garbage, an operator) is obeyed.
    if gc.isenabled():
        gc.collect(generation_for(tick))
    loop.call_later(YOUNG_EVERY_S, _tick, loop, tick + 1)


class PacedCollection:
    """ASGI middleware: the first connection a process serves starts the clock."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        pace()
        return await self.app(scope, receive, send)
