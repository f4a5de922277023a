"""What a server process does once before it serves, kept out of the import of config/asgi.py.

Importing the ASGI module (every consumer test does) sets nothing up. The work runs on the
ASGI lifespan's start-up where the server sends one, and otherwise (daphne has no lifespan)
before the first connection is passed on, when no other socket is open to be held up by it.
"""

from __future__ import annotations

import gc

from naming.verb_forms import load_lexicon

# The collector's own thresholds are the backstop for a burst of allocations between two ticks
# of config/collector.py's clock; the third keeps CPython's full collections as rare as the
# clock's.
THRESHOLDS = (3_000, 10, 1_000)


def prepare_process() -> None:
    # The naming checker's lexicon, read now so that no learner's first checked name waits for it.
    load_lexicon()
    # Everything loaded so far (Django, the apps, the routes, the lexicon) lives as long as the
    # process. Frozen, it is left out of every garbage collection from now on.
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


class StartUp:
    """ASGI middleware: `prepare_process` once per process, then the application."""

    def __init__(self, app, prepare=prepare_process):
        self.app = app
        self.prepare = prepare
        self.prepared = False

    def _once(self) -> None:
        if not self.prepared:
            self.prepared = True
            self.prepare()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        self._once()
        await self.app(scope, receive, send)

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self._once()
                except Exception as error:
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
