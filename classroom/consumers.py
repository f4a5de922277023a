"""A room's WebSocket: a thin adapter between people's frames, the room's log and its groups.

Every change goes through the log first (classroom/services.py); only then is it sent to the
room's channel-layer groups, which may be on another server process. Each socket folds the records
it receives into its own copy of the room and draws them for its person. A record that arrives out
of order waits for the one before it; one that never comes makes the socket reload the room from
the log, so nothing the log holds is ever missing from a screen for long.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from classroom import fanout, identity, services
from classroom.frames import decode
from classroom.polls import poll_question
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
from classroom.room import TEACHER, RoomRefused, audience
from classroom.writer import writer_for
from realtime.boundary import Guarded
from simulator.direct_dispatch import DirectDispatch
from simulator.frames import FrameError, RateLimiter

logger = logging.getLogger(__name__)

CLOSE_NOT_IN_ROOM = 4003  # documented in docs/protocol.md
CLOSE_RATE_LIMITED = 4008
CLOSE_TOO_MANY_TABS = 4029
# Sockets one person may hold open in one room on one server process. Each socket folds and
# draws every record of the room, so hundreds of tabs of one learner kept an idle server busy.
MAX_TABS = 5
# The room's messaging is down: the page keeps reconnecting after this code (see room.html).
CLOSE_LAYER_DOWN = 4503
MAX_REFUSED_FRAMES = 90
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


# (room code, actor) -> how many of that person's sockets this process holds.
_tabs: dict[tuple[str, str], int] = {}


class RoomConsumer(Guarded, DirectDispatch, AsyncJsonWebsocketConsumer):
    tasks: set[asyncio.Task] = frozenset()
    groups_joined: tuple[str, ...] = ()

    async def __call__(self, scope, receive, send):
        # With Redis gone, the channel layer raises from deep inside the receive loop, or before
        # the socket is even accepted (a pub/sub layer subscribes each new socket). Either way the
        # socket is closed with a code that makes the page reconnect, and the room resumes from
        # its log; a socket refused at the handshake would look like a rejected visitor instead.
        accepted = False

        async def watched_send(message):
            nonlocal accepted
            if message["type"] == "websocket.accept":
                accepted = True
            await send(message)

        try:
            await super().__call__(scope, receive, watched_send)
        except Exception as error:
            if not self.passes_through(error):
                raise
            logger.warning("room socket lost its channel layer: %s", error)
            with contextlib.suppress(Exception):
                if not accepted:
                    await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": CLOSE_LAYER_DOWN})

    def passes_through(self, error: Exception) -> bool:
        """A lost channel layer closes with CLOSE_LAYER_DOWN (above), not an error frame."""
        # redis-py's own errors do not all derive from OSError.
        return isinstance(error, (ConnectionError, OSError, TimeoutError)) or type(
            error
        ).__module__.startswith("redis")

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json(error_frame(code, message))

    async def connect(self):
        self.code = services.normalise_code(self.scope["url_route"]["kwargs"]["code"])
        self.limiter = RateLimiter()
        self.state = None
        self.waiting: dict[int, dict] = {}
        self.dirty: set[str] = set()
        self.redraw_pending = False
        self.gap_timer = False
        self.tasks: set[asyncio.Task] = set()
        self.groups_joined: tuple[str, ...] = ()
        self.beats_sent = self.beats_heard = 0
        self.tab = None
        self.actor = await database_sync_to_async(identity.actor_for_scope)(self.scope, self.code)
        # The projector is the teacher's own screen, read-only: it draws the room for the class.
        self.viewer = self.actor
        self.routes_pending: list[dict] = []
        if self.scope["url_route"]["kwargs"].get("screen") == PROJECTOR:
            self.actor = self.actor if self.actor == TEACHER else None
            self.viewer = PROJECTOR
        await self.accept()
        if self.actor is None:
            await self.send_json(
                error_frame("not_in_room", "Join this room with its code before you connect.")
            )
            await self.close(code=CLOSE_NOT_IN_ROOM)
            return
        tab = (self.code, self.actor)
        if _tabs.get(tab, 0) >= MAX_TABS:
            self.actor = None
            await self.send_json(
                error_frame(
                    "too_many_tabs",
                    f"This room is open in {MAX_TABS} of your tabs already; use one of those.",
                )
            )
            await self.close(code=CLOSE_TOO_MANY_TABS)
            return
        self.tab = tab
        _tabs[tab] = _tabs.get(tab, 0) + 1
        self.groups_joined = (
            fanout.room_group(self.code),
            fanout.personal_group(self.code, self.actor),
        )
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.reload()
        self._spawn(self._watch_deadlines())
        self._spawn(self._watch_layer())

    async def disconnect(self, code):
        await self.clean_once()

    async def cleanup(self):
        """Runs once however the socket ends, a failure included, so no timer outlives it."""
        tab = getattr(self, "tab", None)
        if tab is not None:
            self.tab = None
            left = _tabs.get(tab, 1) - 1
            if left > 0:
                _tabs[tab] = left
            else:
                _tabs.pop(tab, None)
        for task in list(self.tasks):
            task.cancel()
        for group in self.groups_joined:
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)

    # -- frames in --------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.actor is None:
            return
        if not self.limiter.allow():
            if self.limiter.refused > MAX_REFUSED_FRAMES:
                await self.close(code=CLOSE_RATE_LIMITED)
                return
            await self.send_json(
                error_frame("rate_limited", "Too many frames: at most 30 a second.")
            )
            return
        try:
            action, fields = decode(text_data, bytes_data)
        except FrameError as error:
            await self.send_json(error_frame(error.code, error.message))
            return
        if action == "ping":
            await self.send_json({"type": "pong"})
            return
        if action == "sync":
            await self.reload()
            return
        if self.viewer == PROJECTOR:
            await self.send_json(error_frame("refused", "The projector only shows the room."))
            return
        if action == "poll":
            try:
                question = poll_question(fields["question"])
            except Exception as error:  # a broken quiz bank must not take the room down
                logger.warning("poll questions unavailable: %s", error)
                question = None
            if question is None:
                await self.send_json(error_frame("refused", "There is no such question."))
                return
            fields = {"question": question.as_fields()}
        await self.act(action, fields)

    async def act(self, action: str, fields: dict) -> None:
        # The writer sends what the request appended to the room's groups (this socket's
        # included) before it answers.
        try:
            await writer_for(self.code, self.channel_layer).submit(self.actor, action, fields)
        except RoomRefused as refusal:
            await self.send_json(error_frame("refused", str(refusal)))

    # -- records in, from the groups --------------------------------------------------------

    async def room_records(self, event):
        for record in json.loads(event["records"]):
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
            await self.send_json(record_frame(self.state, self.viewer, record))
            content = render_panels(self.state, self.viewer, panels_for(self.viewer))
            await self.send_json({"type": "panels", "seq": self.state.seq, "content": content})
            self.state = None
            await self.send_json(error_frame("not_in_room", message))
            await self.close(code=CLOSE_NOT_IN_ROOM)
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
        await self.send_json(mine)
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
            await self.send_json(frame)

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
        state, log = await database_sync_to_async(_load)(self.code)
        if state is None:
            self.state, self.waiting = None, {}
            await self.send_json(error_frame("not_in_room", "This room no longer exists."))
            await self.close(code=CLOSE_NOT_IN_ROOM)
            return
        if self.actor != TEACHER and self.actor not in state.participants:
            self.state, self.waiting = None, {}
            await self.send_json(error_frame("not_in_room", "You are not in this room any more."))
            await self.close(code=CLOSE_NOT_IN_ROOM)
            return
        self.state = state
        self.waiting = {s: r for s, r in self.waiting.items() if s > state.seq}
        await self.send_json(full_frame(state, self.viewer, log))

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
            if due:
                records = await database_sync_to_async(services.room_settle)(code=self.code)
                if records:
                    await fanout.send_records(self.channel_layer, self.code, records)
                else:
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
        personal = self.groups_joined[1]
        while True:
            await asyncio.sleep(LAYER_CHECK_S)
            if self.beats_sent - self.beats_heard > LAYER_DEAF_S / LAYER_CHECK_S:
                # Sent but never heard: this socket's subscription is gone.
                logger.warning(
                    "room %s lost its channel layer: no heartbeat heard in %.0f s",
                    self.code,
                    LAYER_DEAF_S,
                )
                await self.close(code=CLOSE_LAYER_DOWN)
                return
            try:
                for group in self.groups_joined:
                    await asyncio.wait_for(
                        self.channel_layer.group_add(group, self.channel_name), LAYER_TIMEOUT_S
                    )
                self.beats_sent += 1
                beat = {"type": "room.alive", "to": self.channel_name, "beat": self.beats_sent}
                await asyncio.wait_for(
                    self.channel_layer.group_send(personal, beat), LAYER_TIMEOUT_S
                )
            except TimeoutError:
                # A slow answer from a busy process or Redis is not an outage; try again later.
                continue
            except Exception as error:
                logger.warning("room %s lost its channel layer: %r", self.code, error)
                await self.close(code=CLOSE_LAYER_DOWN)
                return

    async def room_alive(self, event):
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


def _load(code: str):
    state = services.room_state(code)
    log = services.room_log_tail(code) if state is not None else []
    return state, log
