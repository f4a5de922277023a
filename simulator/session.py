"""One learner's sandbox, as a socket shows it, without the socket.

A `SandboxSession` holds what an open simulator page is doing: the runner playing the engine,
the sandbox row it saves to, the record the learner is looking back at and the fork they may undo.
It takes decoded frames (`handle`) and hands every frame it has to say to `send`, an async
callable given by whoever carries the text: the consumer, or a test. It parks an idle engine and
wakes it by replaying its inputs, and it queues its saves on the process's group commit.

It is longer than the house's 500 lines on purpose: every handler below takes its turn on one
lock (`busy`) with parking and leaving, and that discipline is easiest to check in one place.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from functools import cache, partial

from channels.db import database_sync_to_async

from learners.identity import Learner
from live.group_commit import GroupCommit, per_loop
from naming.shared import course_classifier
from simulator import sandboxes
from simulator.engine import DomainError, Scenario
from simulator.models import PREDICTION_SKIPPED, Sandbox
from simulator.rendering import (
    NEXT_KINDS,
    Timeline,
    first_state,
    gated,
    known_first_state,
    render_error,
    render_share,
    state_text,
    steps_text,
    with_lateness,
)
from simulator.runner import Runner

logger = logging.getLogger(__name__)

# A sandbox left alone this long (paused, or played to the end) puts its engine away, and
# replays its inputs to get it back on the learner's next frame. An engine is most of what an
# open socket holds, and most open sockets are somebody reading, not playing.
PARK_AFTER_S = 5.0
# Replaying a few dozen inputs takes about a millisecond, less than handing the work to a thread
# and back; a full sandbox (MAX_INPUTS) takes tens of milliseconds, which would hold up every
# other socket of the process, so it is replayed on a thread.
INLINE_REPLAY = 50
# Every socket's writes to its sandbox, done together. Saves of play progress are not waited
# for (see _save), so a transaction first gathers what arrives within GATHER_S, a bigger batch,
# fewer of them; a write somebody waits for (an input's) goes without gathering.
GATHER_S = 0.05
writer = per_loop(lambda: GroupCommit(sandboxes.write_together, gather_s=GATHER_S))
# "Next event" steps a run on until one is published; a run that publishes nothing stops here.
NEXT_STEP_LIMIT = 500

# Takes a frame's text; returns False once the page is gone, and nothing more is sent.
Send = Callable[[str], Awaitable[bool]]


@cache
def pause_points(scenario: Scenario) -> frozenset[int]:
    """Where a guided scenario stops to explain; found by running it once per scenario file."""
    return frozenset(scenario.pause_points(scenario.run(classify_name=course_classifier)))


def error_frame(code: str, message: str) -> dict:
    return {"type": "error", "code": code, "message": message, "content": render_error(message)}


class SandboxSession:
    # Set once the page is found gone; whoever ends the session does the cleaning up.
    gone = False
    replay: str | None = None
    sandbox: Sandbox | None = None
    # While an input's save is on its way, the runner's frames wait: none may show the input
    # before it is stored (the answer to the input shows everything since).
    holding = False

    def __init__(self, send: Send) -> None:
        self._send = send
        self.pings = 0
        self.rendered: dict = {}  # what this page was last sent of each panel
        self.runner: Runner | None = None  # None while parked, and before the first start
        # What a parked runner was doing, so that waking it up changes nothing the learner sees.
        self.playing = False
        self.speed = 1.0
        self.busy = asyncio.Lock()  # a frame being answered, parking, and leaving take turns
        self.park_timer: asyncio.TimerHandle | None = None
        self.parking: asyncio.Task | None = None
        self.saving: asyncio.Future | None = None  # this session's last save, queued
        # The record the learner is looking back at (None: the present), and what the last
        # fork discarded, kept so that it can be undone: (inputs, until, scheduled).
        self.cursor: int | None = None
        self.undo: tuple[list, int, list] | None = None
        self.shown = 0

    # -- opening and closing ------------------------------------------------------------------

    async def load(self, learner: Learner | None, world: str | None = None) -> str | None:
        """Reads (or makes) the learner's sandbox of `world` (None: the order flow), before the
        socket is accepted. When `world` names no system, an unsaved order-flow sandbox stands
        in and the refusal's sentence is returned, for `open_refused`."""
        # Another tab of this learner may have just saved: read the row after that save.
        await writer().flushed()
        try:
            self.sandbox = await database_sync_to_async(sandboxes.sandbox_for)(learner, world)
        except DomainError as error:  # a system that is gone: say so over the order flow
            self.sandbox = Sandbox()
            return str(error)
        return None

    async def open_refused(self, code: str, message: str) -> None:
        """Shows the stand-in sandbox and says why the one asked for could not be opened."""
        await self._start()
        await self.send_state()
        await self.send_error(code, message)

    async def open(self, requested: str | None) -> None:
        """Shows the loaded sandbox, first switched to the `requested` scenario if it names one."""
        if requested is not None and requested != self.sandbox.scenario:
            try:
                await self._load(requested or None, start=False)
            except DomainError as error:
                await self._start()
                await self.send_error("unknown_scenario", str(error))
                return
        await self._show_first_state()
        self._park_later()

    async def open_replay(self, token: str) -> None:
        """A shared run, read-only: it plays, steps and scrubs, and nothing of it is stored."""
        self.replay = token
        try:
            self.sandbox = sandboxes.sandbox_from_share(self.replay)
        except DomainError as error:
            self.sandbox = Sandbox()
            await self._start()
            await self.send_state()
            await self.send_error("bad_replay", str(error))
            return
        await self._show_first_state()
        self._park_later()

    async def close(self) -> None:
        """Stops the run and saves it; the caller makes sure this runs once."""
        self.gone = True
        if self.park_timer is not None:
            self.park_timer.cancel()
        if self.parking is not None:
            self.parking.cancel()  # leaving saves what parking would have
        async with self.busy:
            if self.runner is not None:
                await self.runner.stop()
                self._save(hurry=True)  # the process may be about to exit
                self.runner = None
            await self._saved()

    # -- frames in ----------------------------------------------------------------------------

    async def handle(self, frame: dict) -> None:
        """Acts on one decoded frame (simulator/frames.py); a refusal becomes an error frame."""
        action = frame.pop("action")
        handler = getattr(self, f"on_{action}", None)
        async with self.busy:
            try:
                if handler is not None:
                    await handler(**frame)
                else:
                    await self.on_input(action, frame)
            except DomainError as error:
                await self.send_error("refused", str(error))
        self._park_later()

    # -- what the learner asks for -----------------------------------------------------------

    async def on_ping(self):
        self.pings += 1
        await self.send_json({"type": "pong", "count": self.pings})

    async def on_sync(self):
        await self._wake()
        await self.send_state()

    async def on_play(self):
        self._check_predicted()
        await self._back_to_now()
        runner = await self._wake()
        runner.play()
        await self.send_state(full=False)

    async def on_pause(self):
        await self._back_to_now()
        runner = await self._wake()
        runner.pause()
        await self.send_state(full=False)
        self._save()

    async def on_step(self):
        self._check_predicted()
        await self._back_to_now()
        runner = await self._wake()
        runner.pause()
        shown = len(runner.engine.trace)
        runner.step()
        await self.send_steps(shown)
        self._save()

    async def on_speed(self, value):
        await self._back_to_now()
        runner = await self._wake()
        runner.set_speed(value)
        await self.send_state(full=False)

    async def on_reset(self):
        if self.replay is not None:
            await self._saved()
            if self.runner is not None:
                await self.runner.stop()
            self.cursor = self.undo = None
            self.sandbox = sandboxes.sandbox_from_share(self.replay)
            await self._start()
            await self.send_state()
            return
        await self._load(self.sandbox.scenario or None)
        await self.send_state()

    async def on_scenario(self, name=None):
        self._check_writable()
        await self._load(name or None)
        await self.send_state()

    async def on_seek(self, seq):
        """Shows the run as it stood at record `seq`. Nothing is discarded: the present is one
        step of the timeline away, and only on_fork carries on from the moment shown."""
        runner = await self._wake()
        if not 0 <= seq < len(runner.engine.trace):
            raise DomainError(f"There is no step {seq}; the trace has {len(runner.engine.trace)}.")
        runner.pause()
        await self._look_at(seq)

    async def on_now(self):
        await self._back_to_now(always=True)

    async def on_next(self, kind):
        """Moves to the next event published (or message delivered): along the trace when there
        is one ahead, else by stepping the run on until one happens."""
        runner = await self._wake()
        wanted = NEXT_KINDS[kind]
        trace = runner.engine.trace
        start = len(trace) if self.cursor is None else self.cursor + 1
        ahead = next((r.seq for r in trace.since(start) if r.step in wanted), None)
        if ahead is not None:
            runner.pause()
            await self._look_at(ahead)
            return
        self._check_predicted()
        await self._back_to_now()
        runner.pause()
        shown = len(trace)
        for _ in range(NEXT_STEP_LIMIT):
            before = len(trace)
            if not runner.step() or any(r.step in wanted for r in trace.since(before)):
                break
        await self.send_steps(shown)
        self._save()

    async def on_fork(self):
        """Carries on from the moment shown: what happened after it is discarded (undoably)."""
        self._check_writable()
        if self.cursor is None:
            raise DomainError("Move back along the timeline first: a fork starts in the past.")
        runner = await self._wake()
        engine = runner.engine
        instant = engine.trace[self.cursor].t
        self.undo = (list(engine.inputs), engine.now, [dict(i) for i in runner.scheduled])
        self.cursor = None
        await self._saved()  # a save still on its way would write over the fork made here
        self.sandbox.inputs = [i for i in engine.inputs if i["at"] <= instant]
        self.sandbox.until = instant
        await self.runner.stop()
        await self._start(scheduled=sandboxes.scenario_inputs_after(self.sandbox, instant))
        await self._store(self.runner, chosen=True)
        await self.send_state()

    async def on_undo_fork(self):
        if self.undo is None:
            raise DomainError("There is no fork to undo.")
        await self._wake()
        (inputs, until, scheduled), self.undo = self.undo, None
        self.cursor = None
        await self._saved()
        self.sandbox.inputs, self.sandbox.until = inputs, until
        await self.runner.stop()
        await self._start(scheduled=scheduled)
        await self.send_state()
        self._save(chosen=True)

    async def _look_at(self, seq: int) -> None:
        engine = self.runner.engine
        if seq == len(engine.trace) - 1:
            await self._back_to_now(always=True)
            return
        self.cursor = seq
        instant = engine.trace[seq].t
        if len(engine.inputs) <= INLINE_REPLAY:
            past = sandboxes.engine_at(engine, instant)
        else:  # as for parking: a long replay would hold up every other socket
            past = await asyncio.to_thread(sandboxes.engine_at, engine, instant)
        text = state_text(
            self.sandbox,
            Runner(past, emit=None),
            full=True,
            memo=self.rendered,
            timeline=self._timeline(),
        )
        await self.send_text(text)

    async def _back_to_now(self, *, always: bool = False) -> None:
        """Leaves a look at the past: the page gets the present whole again."""
        if self.cursor is None and not always:
            return
        self.cursor = None
        await self._wake()
        await self.send_state()

    def _timeline(self) -> Timeline | None:
        if self.cursor is None and self.undo is None:
            return None
        length = len(self.runner.engine.trace)
        return Timeline(self.cursor, length, self.undo is not None)

    async def on_answer(self, choice):
        scenario = sandboxes.scenario_of(self.sandbox)
        if scenario is None:
            raise DomainError("Only a guided scenario asks a closing question.")
        question = scenario.question
        if not 0 <= choice < len(question.choices):
            raise DomainError("That is not one of the answers.")
        correct = question.grade(choice, (await self._wake()).engine)
        feedback = question.feedback[choice] if question.feedback else ""
        answer = {"choice": choice, "correct": correct, "feedback": feedback}
        await self.send_state(full=False, answer=answer)

    async def on_predict(self, choice=None, skip=False):
        """Keeps the learner's prediction (or their choice to skip it); Play waits for one."""
        self._check_writable()
        scenario = sandboxes.scenario_of(self.sandbox)
        if scenario is None:
            raise DomainError("Only a guided scenario asks for a prediction.")
        if skip is not True and (
            not isinstance(choice, int)
            or isinstance(choice, bool)
            or not 0 <= choice < len(scenario.question.choices)
        ):
            raise DomainError("That is not one of the answers.")
        prediction = PREDICTION_SKIPPED if skip is True else choice
        await self._wake()
        self.sandbox.prediction = prediction
        self._queue_write(partial(sandboxes.store_prediction, self.sandbox, prediction))
        await self.send_state(full=False)

    def _check_predicted(self) -> None:
        if gated(self.sandbox):
            raise DomainError("Make your prediction first, or skip it: the run waits for it.")

    async def on_share(self):
        """A link to a read-only replay of this very run, for the learner to pass on."""
        runner = await self._wake()
        token = sandboxes.share_token(self.sandbox, runner.engine, runner.scheduled)
        await self.send_json({"type": "share", "content": render_share(token)})

    async def on_input(self, action, fields):
        self._check_writable()
        await self._back_to_now()
        runner = await self._wake()
        engine = runner.engine
        if len(engine.inputs) >= sandboxes.MAX_INPUTS:
            raise DomainError("This sandbox is full; reset it to start again.")
        shown = len(engine.trace)
        engine.apply({"action": action, **fields})
        await self._store(runner)
        runner.nudge()
        await self.send_steps(shown, full=True)

    # -- frames out ---------------------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        if self.gone:
            return
        if not await self._send(text):
            self.gone = True

    async def send_json(self, frame: dict) -> None:
        await self.send_text(json.dumps(frame))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json(error_frame(code, message))

    async def send_state(self, *, full: bool = True, answer: dict | None = None) -> None:
        if self.gone:
            return
        text = state_text(
            self.sandbox,
            self.runner,
            full=full,
            answer=answer,
            memo=self.rendered,
            timeline=self._timeline(),
        )
        self.shown = len(self.runner.engine.trace)
        await self.send_text(text)

    async def send_steps(
        self, since: int, *, full: bool = False, scheduled: float | None = None
    ) -> None:
        if self.gone:
            return
        text = steps_text(
            self.sandbox,
            self.runner,
            since,
            full=full,
            memo=self.rendered,
            timeline=self._timeline(),
        )
        self.shown = len(self.runner.engine.trace)
        if scheduled is not None:
            # Taken after rendering, just before the frame leaves, so that a slow render counts
            # as lateness: only the server knows when the runner meant the frame to go out.
            text = with_lateness(text, round((time.monotonic() - scheduled) * 1000.0, 1))
        await self.send_text(text)

    async def _emit(self, scheduled: float) -> None:
        if self.holding:
            return  # shown with the held input's answer
        await self.send_steps(self.shown, scheduled=scheduled)
        if self.runner.finished():
            self._park_later()

    async def _paused_by_scenario(self) -> None:
        await self.send_state(full=False)
        self._save()
        self._park_later()

    # -- helpers --------------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.replay is not None:
            raise DomainError("This is a shared replay: it can be watched, not changed.")

    async def _show_first_state(self) -> None:
        """Sends the whole state. Most sockets that open are somebody about to read, and most open
        a sandbox some other socket has shown in the same state (a new learner on a guided
        scenario): that frame is sent again and the engine stays parked until it is needed."""
        known = known_first_state(self.sandbox)
        if known is None:
            await self._start()
            text = first_state(self.sandbox, self.runner, self.rendered)
            self.shown = len(self.runner.engine.trace)
        else:
            text, memo, self.shown = known
            self.rendered = dict(memo)
        await self.send_text(text)

    async def _load(self, name: str | None, *, start: bool = True) -> None:
        sandboxes.check_scenario(self.sandbox, name)  # refuses before anything is touched
        self.cursor = self.undo = None
        if self.runner is not None:
            await self.runner.stop()
        self.playing = False  # a parked sandbox that was playing starts over paused too
        await self._saved()  # a save still on its way would write over the fresh start
        sandboxes.restart(self.sandbox, name)
        self._queue_write(partial(sandboxes.store_restart, self.sandbox), hurry=True)
        await self._saved()
        if start:
            await self._start()

    async def _start(self, scheduled: list | None = None) -> None:
        if len(self.sandbox.inputs) <= INLINE_REPLAY:
            engine = sandboxes.engine_for(self.sandbox)
        else:
            engine = await asyncio.to_thread(sandboxes.engine_for, self.sandbox)
        scenario = sandboxes.scenario_of(self.sandbox)
        speed = self.runner.speed if self.runner is not None else self.speed
        self.runner = Runner(
            engine,
            self._emit,
            scheduled=self.sandbox.scheduled if scheduled is None else scheduled,
            pause_at=pause_points(scenario) if scenario else frozenset(),
            on_pause=self._paused_by_scenario,
        )
        self.runner.speed = speed
        self.shown = len(engine.trace)
        self.runner.start()

    async def _wake(self) -> Runner:
        """The running sandbox, rebuilt from its inputs if it was parked."""
        if self.runner is None:
            await self._start()
            if self.playing:
                self.runner.play()
        return self.runner

    def _park_later(self) -> None:
        """(Re)starts the countdown after which an idle sandbox parks its engine."""
        if self.park_timer is not None:
            self.park_timer.cancel()
        if self.runner is not None and not self.gone:
            loop = asyncio.get_running_loop()
            self.park_timer = loop.call_later(PARK_AFTER_S, self._start_parking)

    def _start_parking(self) -> None:
        self.park_timer = None
        self.parking = asyncio.get_running_loop().create_task(self._park())

    async def _park(self) -> None:
        async with self.busy:
            runner = self.runner
            if runner is None or (runner.playing and not runner.finished()):
                return  # not idle after all: it is played again when it next stops
            await runner.stop()
            self._save()
            await self._saved()  # waking up replays what is stored
            self.playing, self.speed = runner.playing, runner.speed
            self.runner = None

    def _save(self, *, chosen: bool = False, hurry: bool = False) -> None:
        """Queues a save of where the learner is, without waiting for it (an input waits for
        its own, in `_store`; play progress does not).

        Nothing the learner does next needs the row: saves
        are written in order, and whatever replays or rewrites the sandbox first waits for this
        socket's last one (`_saved`). A save that fails is logged; the sandbox keeps playing.
        """
        progress = sandboxes.Progress.of(self.runner.engine, self.runner.scheduled)
        self._queue_write(
            partial(sandboxes.save_progress, self.sandbox, progress, chosen=chosen), hurry=hurry
        )

    async def _store(self, runner: Runner, *, chosen: bool = False) -> None:
        """Saves an input before anything shows it, so that what the learner saw survives a
        server killed the next instant. A save that fails undoes the input: the sandbox is
        rebuilt from what is stored, and the learner is told."""
        self.holding = True
        try:
            self._save(chosen=chosen, hurry=True)
            await asyncio.shield(self.saving)
        except Exception:
            await runner.stop()
            self.runner = None
            await self._wake()
            await self.send_state()
            raise DomainError("That could not be stored, so it was not done; try again.") from None
        finally:
            self.holding = False

    def _queue_write(self, write, *, hurry: bool = False) -> None:
        self.saving = writer().enqueue(write, hurry=hurry)
        self.saving.add_done_callback(_report_failed_save)

    async def _saved(self) -> None:
        if self.saving is not None:
            with contextlib.suppress(Exception):  # already logged by _report_failed_save
                await self.saving


def _report_failed_save(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        # The type only: a database's message may quote what the learner typed.
        logger.error("a sandbox could not be saved: %s", type(future.exception()).__name__)
