"""What one room socket shows its person, without the socket: the room's records in order.

A `RoomFeed` folds the records that reach it through the room's groups into its own copy of the
room and hands a frame for each to `send`. A record that arrives out of order waits for the one
before it; one that never comes makes the feed read the room again from the log, so nothing the
log holds is missing from a screen for long. It also keeps two clocks: one times out a command
nobody answered, one sends the socket heartbeats through its own group, to notice a channel
layer that went away. The consumer (consumers.py) gives it `send` and `close`; a test can give
lists.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from channels.db import database_sync_to_async

from classroom import acting, selectors, services
from classroom.projector import PROJECTOR, routes
from classroom.projector import view as projector_view
from classroom.rendering import (
    error_frame,
    full_frame,
    panels_for,
    record_frame,
    render_panels,
    touched,
)
from classroom.room import TEACHER, audience

logger = logging.getLogger(__name__)

CLOSE_NOT_IN_ROOM = 4003  # documented in docs/protocol.md
# The room's messaging is down: the page keeps reconnecting after this code (see room.html).
CLOSE_LAYER_DOWN = 4503
# How long a socket waits for a missing record before it reloads the room from the log.
GAP_WAIT_S = 1.0
# Panels many records touch are redrawn at most this often.
REDRAW_S = 0.15
DEADLINE_CHECK_S = 1.0
LAYER_CHECK_S = 2.0
LAYER_TIMEOUT_S = 10.0
# A socket that has heard none of its own heartbeats for this long has lost its subscription.
# Generous, because a heartbeat waits in the socket's queue behind every record: 200 learners
# taking roles at once kept one process busy enough to delay them by over 10 s.
LAYER_DEAF_S = 30.0


class RoomFeed:
    """`send(frame)` sends one frame; `close(code)` closes the socket. `groups` are the room's
    group and this person's own, which carries the heartbeats."""

    def __init__(
        self,
        code: str,
        actor: str,
        *,
        send: Callable[[dict], Awaitable[None]],
        close: Callable[[int], Awaitable[None]],
        layer,
        channel_name: str,
        groups: tuple[str, str],
        viewer: str | None = None,
    ) -> None:
        self.code = code
        self.actor = actor
        # Whom the frames are drawn for: the actor, or the projector, which follows the room
        # as its teacher does and shows it to the class.
        self.viewer = viewer or actor
        self.routes_pending: list[dict] = []
        self.send = send
        self.close = close
        self.layer = layer
        self.channel_name = channel_name
        self.groups = groups
        self.state = None
        self.waiting: dict[int, dict] = {}
        self.dirty: set[str] = set()
        self.redraw_pending = False
        self.gap_timer = False
        self.tasks: set[asyncio.Task] = set()
        self.beats_sent = self.beats_heard = 0

    async def start(self) -> None:
        """Draws the room whole, then starts the two clocks."""
        await self.reload()
        self._spawn(self._watch_deadlines())
        self._spawn(self._watch_layer())

    def stop(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    async def records(self, records: list[dict]) -> None:
        """Records from the room's groups, in the order they were sent."""
        for record in records:
            if self.state is None:
                return
            await self._receive(record)

    async def _receive(self, record: dict) -> None:
        if self._seen(record):
            return
        if not self._next(record):
            self.waiting[record["seq"]] = record
            if not self.gap_timer:
                self.gap_timer = True
                self._spawn(self._reload_if_still_missing(record["seq"]))
            return
        await self._show(record)
        while True:
            ready = next((r for r in self.waiting.values() if self._next(r)), None)
            if ready is None:
                break
            del self.waiting[ready["seq"]]
            await self._show(ready)

    def _seen(self, record: dict) -> bool:
        if self.actor == TEACHER or audience(record) is None:
            reference = self.state.seq if self.actor == TEACHER else self.state.public_seq
            return record["seq"] <= reference
        return False

    def _next(self, record: dict) -> bool:
        """Whether nothing this socket should have seen is missing before `record`."""
        if self.actor == TEACHER:
            return record["seq"] == self.state.seq + 1
        if audience(record) is None:
            return record.get("prev") == self.state.public_seq
        return True

    async def _show(self, record: dict) -> None:
        self.state.apply(record)
        if record["type"] in ("removed", "left") and record["pid"] == self.actor:
            # Nothing more of this room is theirs to see; the page does not reconnect.
            message = (
                "You left this room."
                if record["type"] == "left"
                else "The teacher removed you from this room."
            )
            # The record's line in their log, and their panels drawn once more as for an
            # outsider, so that no form is left to use.
            await self.send(record_frame(self.state, self.viewer, record))
            content = render_panels(self.state, self.viewer, panels_for(self.viewer))
            await self.send({"type": "panels", "seq": self.state.seq, "content": content})
            self.state = None
            await self.send(error_frame("not_in_room", message))
            await self.close(CLOSE_NOT_IN_ROOM)
            return
        panels = touched(record, self.viewer)
        if self.actor == TEACHER and audience(record) is not None:
            # Every learner's acknowledgement and poll answer reaches the teacher: 200 a second
            # for a class acknowledging one event a second. They only change counts on the
            # board and the poll, so they are drawn with the next redraw instead of a frame
            # each; a frame each was most of what the teacher's socket had to send.
            if self.viewer == PROJECTOR:
                # Acknowledgements fly on the projector too, a redraw's worth at a time; they
                # change none of its panels, so the small status line carries them.
                self.routes_pending += routes(record, self.state)
                panels.add("status")
            self._redraw(panels)
            return
        mine = record_frame(self.state, self.viewer, record)
        await self.send(mine)
        if mine["for_you"]:
            panels.discard("inbox")
        if record["type"] == "closed":
            await self.reload()
            return
        self._redraw(panels)

    def _redraw(self, panels: set[str]) -> None:
        if panels:
            self.dirty |= panels
            if not self.redraw_pending:
                self.redraw_pending = True
                self._spawn(self._redraw_soon())

    async def _redraw_soon(self) -> None:
        await asyncio.sleep(REDRAW_S)
        self.redraw_pending = False
        self.gap_timer = False
        panels, self.dirty = self.dirty, set()
        if panels and self.state is not None:
            content = render_panels(self.state, self.viewer, panels)
            frame = {"type": "panels", "seq": self.state.seq, "content": content}
            if self.viewer == PROJECTOR:
                frame.update(routes=self.routes_pending, view=projector_view(self.state))
                self.routes_pending = []
            await self.send(frame)

    async def _reload_if_still_missing(self, seq: int) -> None:
        """One timer at a time: if the record that had to wait is still waiting, the one before
        it is lost, and the room is read again from the log."""
        await asyncio.sleep(GAP_WAIT_S)
        self.gap_timer = False
        if seq in self.waiting:
            await self.reload()
        elif self.waiting:
            self.gap_timer = True
            self._spawn(self._reload_if_still_missing(min(self.waiting)))

    async def reload(self) -> None:
        """The room as the log has it now, drawn whole (connect, sync, or a record gone astray)."""
        state, log = await database_sync_to_async(selectors.room_with_log)(self.code)
        if state is None:
            self.state, self.waiting = None, {}
            await self.send(error_frame("not_in_room", "This room no longer exists."))
            await self.close(CLOSE_NOT_IN_ROOM)
            return
        if self.actor != TEACHER and self.actor not in state.participants:
            self.state, self.waiting = None, {}
            await self.send(error_frame("not_in_room", "You are not in this room any more."))
            await self.close(CLOSE_NOT_IN_ROOM)
            return
        self.state = state
        self.waiting = {s: r for s, r in self.waiting.items() if s > state.seq}
        await self.send(full_frame(state, self.viewer, log))

    async def _watch_deadlines(self) -> None:
        """Times out a command nobody answered, even if nobody else in the room acts."""
        while True:
            await asyncio.sleep(DEADLINE_CHECK_S)
            if self.state is None or not self.state.open:
                continue
            now = services.now_ms()
            due = any(
                m["kind"] == "command"
                and m["status"] == "pending"
                and m["deadline"] <= now
                and (self.actor == TEACHER or m["assignee"] == self.actor)
                for m in self.state.messages.values()
            )
            if due and not await acting.settle(self.code, self.layer):
                # Someone else recorded the time-out and its record has not reached this
                # socket: read the room again rather than asking every second.
                await self.reload()

    async def _watch_layer(self) -> None:
        """Notices a channel layer that went away, and closes so the page reconnects.

        Every LAYER_CHECK_S the socket sends itself a numbered heartbeat through its personal
        group. Sending fails while Redis is down, and then the socket closes: the page reconnects
        and reloads the room from its log, so records sent while the layer was down are not
        missed. On the pub/sub layer only the heartbeat reaches Redis: each process keeps its
        groups' members itself, so joining again costs nothing; on the list-based layer joining
        again is what puts the socket back in its groups once Redis comes back empty.
        """
        personal = self.groups[1]
        while True:
            await asyncio.sleep(LAYER_CHECK_S)
            if self.beats_sent - self.beats_heard > LAYER_DEAF_S / LAYER_CHECK_S:
                # Sent but never heard: this socket's subscription is gone.
                logger.warning(
                    "room %s lost its channel layer: no heartbeat heard in %.0f s",
                    self.code,
                    LAYER_DEAF_S,
                )
                await self.close(CLOSE_LAYER_DOWN)
                return
            try:
                for group in self.groups:
                    await asyncio.wait_for(
                        self.layer.group_add(group, self.channel_name), LAYER_TIMEOUT_S
                    )
                self.beats_sent += 1
                beat = {"type": "room.alive", "to": self.channel_name, "beat": self.beats_sent}
                await asyncio.wait_for(self.layer.group_send(personal, beat), LAYER_TIMEOUT_S)
            except TimeoutError:
                # A slow answer from a busy process or Redis is not an outage; try again later.
                continue
            except Exception as error:
                logger.warning("room %s lost its channel layer: %r", self.code, error)
                await self.close(CLOSE_LAYER_DOWN)
                return

    async def alive(self, event: dict) -> None:
        """A heartbeat came back. One that skipped a number means the layer lost messages on
        the way (Redis restarted between two beats), so the room is read again from the log."""
        beat = event["beat"]
        if event["to"] != self.channel_name or beat <= self.beats_heard:
            return  # another tab of the same person shares the personal group
        missed = self.beats_heard and beat > self.beats_heard + 1
        self.beats_heard = beat
        if missed and self.state is not None:
            await self.reload()

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("room task failed: %s", task.exception())
