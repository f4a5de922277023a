"""The simulator's WebSocket: a thin adapter between frames and the engine.

connect rebuilds the learner's engine from their stored inputs; every frame is decoded and
checked (frames.py), then dispatched on its action to one small method; a domain error becomes an
error frame and changes nothing; disconnect stops the runner and saves how far the clock went.
The frame catalogue is in docs/protocol.md.
"""

from __future__ import annotations

import logging
import time

from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from simulator import sandboxes
from simulator.engine import DomainError, load_scenario
from simulator.frames import FrameError, RateLimiter, decode
from simulator.rendering import render_error, render_state, render_steps
from simulator.runner import Runner

logger = logging.getLogger(__name__)

CLOSE_RATE_LIMITED = 4008  # documented in docs/protocol.md
# A socket that keeps flooding after being told to slow down is closed.
MAX_REFUSED_FRAMES = 90
# What sending on a socket the browser has already closed raises: an OSError where the server
# follows the ASGI spec, autobahn's own error under daphne.
SOCKET_GONE = (OSError, Disconnected)


class SimulatorConsumer(AsyncJsonWebsocketConsumer):
    # A sandbox talks to nobody else, so it stays off the channel layer: a Redis outage, which
    # closes classroom sockets, then leaves the simulator untouched.
    channel_layer_alias = None
    # Set once a send finds the socket closed; the disconnect that follows does the cleaning up.
    gone = False

    async def connect(self):
        self.limiter = RateLimiter()
        self.pings = 0
        self.rendered: dict = {}  # what this socket was last sent of each panel
        self.runner: Runner | None = None
        owner = sandboxes.owner_for_scope(self.scope)
        self.sandbox = await database_sync_to_async(sandboxes.sandbox_for)(owner)
        await self.accept()
        requested = self._requested_scenario()
        if requested is not None and requested != self.sandbox.scenario:
            try:
                await self._load(requested or None)
            except DomainError as error:
                await self._start()
                await self.send_error("unknown_scenario", str(error))
                return
        else:
            await self._start()
        await self.send_state()

    async def disconnect(self, code):
        if self.runner is not None:
            await self.runner.stop()
            await self._save()

    # -- frames in --------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if not self.limiter.allow():
            if self.limiter.refused > MAX_REFUSED_FRAMES:
                await self.close(code=CLOSE_RATE_LIMITED)
                return
            await self.send_error("rate_limited", "Too many frames: at most 30 a second.")
            return
        try:
            frame = decode(text_data, bytes_data)
        except FrameError as error:
            await self.send_error(error.code, error.message)
            return
        action = frame.pop("action")
        handler = getattr(self, f"on_{action}", None)
        try:
            if handler is not None:
                await handler(**frame)
            else:
                await self.on_input(action, frame)
        except DomainError as error:
            await self.send_error("refused", str(error))

    async def on_ping(self):
        self.pings += 1
        await self.send_json({"type": "pong", "count": self.pings})

    async def on_sync(self):
        await self.send_state()

    async def on_play(self):
        self.runner.play()
        await self.send_state(full=False)

    async def on_pause(self):
        self.runner.pause()
        await self._save()
        await self.send_state(full=False)

    async def on_step(self):
        self.runner.pause()
        shown = len(self.runner.engine.trace)
        self.runner.step()
        await self._save()
        await self.send_steps(shown)

    async def on_speed(self, value):
        self.runner.set_speed(value)
        await self.send_state(full=False)

    async def on_reset(self):
        await self._load(self.sandbox.scenario or None)
        await self.send_state()

    async def on_scenario(self, name=None):
        await self._load(name or None)
        await self.send_state()

    async def on_seek(self, seq):
        """Rewinds to the instant of record `seq`; inputs made after it are discarded (a fork)."""
        engine = self.runner.engine
        if not 0 <= seq < len(engine.trace):
            raise DomainError(f"There is no step {seq}; the trace has {len(engine.trace)}.")
        instant = engine.trace[seq].t
        self.sandbox.inputs = [i for i in engine.inputs if i["at"] <= instant]
        self.sandbox.until = instant
        await self.runner.stop()
        await self._start(scheduled=sandboxes.scenario_inputs_after(self.sandbox, instant))
        await self._save()
        await self.send_state()

    async def on_answer(self, choice):
        scenario = sandboxes.scenario_of(self.sandbox)
        if scenario is None:
            raise DomainError("Only a guided scenario asks a closing question.")
        question = scenario.question
        if not 0 <= choice < len(question.choices):
            raise DomainError("That is not one of the answers.")
        correct = question.grade(choice, self.runner.engine)
        await self.send_state(full=False, answer={"choice": choice, "correct": correct})

    async def on_input(self, action, fields):
        engine = self.runner.engine
        if len(engine.inputs) >= sandboxes.MAX_INPUTS:
            raise DomainError("This sandbox is full; reset it to start again.")
        shown = len(engine.trace)
        engine.apply({"action": action, **fields})
        self.runner.nudge()
        await self._save()
        await self.send_steps(shown, full=True)

    # -- frames out -------------------------------------------------------------------------

    async def send_json(self, content, close=False):
        # A busy server can still be answering frames from a tab that has just closed; the
        # disconnect is queued behind them. Those answers have nobody to go to: drop them
        # rather than fail the whole consumer with a traceback. Every frame goes out here.
        if self.gone:
            return
        try:
            await super().send_json(content, close=close)
        except SOCKET_GONE:
            self.gone = True

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json(
            {"type": "error", "code": code, "message": message, "content": render_error(message)}
        )

    async def send_state(self, *, full: bool = True, answer: dict | None = None) -> None:
        if self.gone:
            return
        frame = render_state(
            self.sandbox, self.runner, full=full, answer=answer, memo=self.rendered
        )
        self.shown = len(self.runner.engine.trace)
        await self.send_json(frame)

    async def send_steps(
        self, since: int, *, full: bool = False, scheduled: float | None = None
    ) -> None:
        if self.gone:
            return
        frame = render_steps(self.sandbox, self.runner, since, full=full, memo=self.rendered)
        self.shown = len(self.runner.engine.trace)
        if scheduled is not None:
            # Taken after rendering, just before the frame leaves, so that a slow render counts
            # as lateness: only the server knows when the runner meant the frame to go out.
            frame["late_ms"] = round((time.monotonic() - scheduled) * 1000.0, 1)
        await self.send_json(frame)

    async def _emit(self, scheduled: float) -> None:
        await self.send_steps(self.shown, scheduled=scheduled)

    async def _paused_by_scenario(self) -> None:
        await self._save()
        await self.send_state(full=False)

    # -- helpers ----------------------------------------------------------------------------

    def _requested_scenario(self) -> str | None:
        query = self.scope.get("query_string", b"").decode(errors="replace")
        for part in query.split("&"):
            key, _, value = part.partition("=")
            if key == "scenario":
                return value
        return None

    async def _load(self, name: str | None) -> None:
        if name is not None:
            load_scenario(name)  # refuses an unknown name before anything is touched
        if self.runner is not None:
            await self.runner.stop()
        await database_sync_to_async(sandboxes.sandbox_load_scenario)(
            sandbox=self.sandbox, name=name
        )
        await self._start()

    async def _start(self, scheduled: list | None = None) -> None:
        engine = await database_sync_to_async(sandboxes.engine_for)(self.sandbox)
        scenario = sandboxes.scenario_of(self.sandbox)
        pause_at = set(scenario.pause_points(scenario.run())) if scenario else set()
        self.runner = Runner(
            engine,
            self._emit,
            scheduled=self.sandbox.scheduled if scheduled is None else scheduled,
            pause_at=pause_at,
            on_pause=self._paused_by_scenario,
        )
        self.shown = len(engine.trace)
        self.runner.start()

    async def _save(self) -> None:
        await database_sync_to_async(sandboxes.sandbox_save)(
            sandbox=self.sandbox, engine=self.runner.engine, scheduled=self.runner.scheduled
        )
