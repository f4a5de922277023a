"""A room's WebSocket: frames in from a person, the room's records out to them.

connect finds who is behind the socket (classroom/identity.py), joins the room's groups and opens
a `RoomFeed` (classroom/feed.py), which folds the records the groups carry and draws them for this
person. A frame is rate-limited, decoded (classroom/frames.py) and acted on through
classroom/acting.py, which writes it to the room's log first and then sends what it appended to
the groups, this socket's included. The frame catalogue is in docs/protocol.md.
"""

from __future__ import annotations

import contextlib
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from classroom import acting, fanout, identity, services
from classroom.feed import CLOSE_LAYER_DOWN, CLOSE_NOT_IN_ROOM, RoomFeed
from classroom.frames import decode
from classroom.polls import poll_question
from classroom.projector import PROJECTOR
from classroom.rendering import error_frame
from classroom.room import TEACHER, RoomRefused
from live.boundary import FrameError, Guarded
from live.dispatch import DirectDispatch
from live.layers import ClosesOnLostLayer
from live.limits import OpenCount, RateLimited

logger = logging.getLogger(__name__)

CLOSE_TOO_MANY_TABS = 4029  # documented in docs/protocol.md
# Sockets one person may hold open in one room on one server process. Each socket folds and
# draws every record of the room, so hundreds of tabs of one learner kept an idle server busy.
MAX_TABS = 5

# (room code, actor) -> how many of that person's sockets this process holds.
_tabs = OpenCount(MAX_TABS)


class RoomConsumer(
    ClosesOnLostLayer, Guarded, DirectDispatch, RateLimited, AsyncJsonWebsocketConsumer
):
    layer_down_code = CLOSE_LAYER_DOWN
    feed: RoomFeed | None = None
    groups_joined: tuple[str, ...] = ()

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json(error_frame(code, message))

    async def connect(self):
        self.code = services.normalise_code(self.scope["url_route"]["kwargs"]["code"])
        self.tab = None
        self.actor = await database_sync_to_async(identity.actor_for_scope)(self.scope, self.code)
        # The projector is the teacher's own screen, read-only: it draws the room for the class.
        self.viewer = self.actor
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
        if not _tabs.take(tab):
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
        groups = (fanout.room_group(self.code), fanout.personal_group(self.code, self.actor))
        self.groups_joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.feed = RoomFeed(
            self.code,
            self.actor,
            send=self.send_json,
            close=self._close,
            layer=self.channel_layer,
            channel_name=self.channel_name,
            groups=groups,
            viewer=self.viewer,
        )
        await self.feed.start()

    async def disconnect(self, code):
        await self.clean_once()

    async def cleanup(self):
        """Runs once however the socket ends, a failure included, so no timer outlives it."""
        tab = getattr(self, "tab", None)
        if tab is not None:
            self.tab = None
            _tabs.give_back(tab)
        if self.feed is not None:
            self.feed.stop()
        for group in self.groups_joined:
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if self.actor is None:
            return
        if await self.over_limit():
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
            await self.feed.reload()
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
        # What the request appended reaches this socket through the room's groups, as it
        # reaches every other.
        try:
            await acting.act(self.code, self.channel_layer, self.actor, action, fields)
        except RoomRefused as refusal:
            await self.send_json(error_frame("refused", str(refusal)))

    # -- from the room's groups ---------------------------------------------------------------

    async def room_records(self, event):
        if self.feed is not None:
            await self.feed.records(json.loads(event["records"]))

    async def room_alive(self, event):
        if self.feed is not None:
            await self.feed.alive(event)

    async def _close(self, code: int) -> None:
        await self.close(code=code)
