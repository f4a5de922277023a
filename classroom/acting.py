"""Act on a room and announce what it caused: the one way a change reaches the room's sockets.

Every change is written to the log first (services.py); only then are the records it appended
sent to the room's channel-layer groups (fanout.py), and the caller gets those same records back.
A socket's request goes through the room's group commit (writer.py), a join comes from a page
view, and a time-out is settled by whichever socket notices its deadline; all three announce
here, so none has to read the log again to learn what it wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from classroom import fanout, services
from classroom.room import RoomRefused
from classroom.writer import writer_for

logger = logging.getLogger(__name__)


async def act(code: str, layer, actor: str, action: str, fields: dict) -> list[dict]:
    """A socket's request: the records it appended, already sent to the room's groups.
    RoomRefused says no, after any time-outs that fell due were announced."""
    return await writer_for(code, layer).submit(actor, action, fields)


async def settle(code: str, layer) -> list[dict]:
    """Records the time-outs that are due and announces them; [] when there were none."""
    records = await database_sync_to_async(services.room_settle)(code=code)
    if records:
        await fanout.send_records(layer, code, records)
    return records


def act_from_a_view(code: str, actor: str, action: str, fields: dict) -> list[dict]:
    """A request made outside any socket (a page view, an account being deleted): the records it
    appended, sent to the room's groups. RoomRefused says no, after announcing the time-outs
    that fell due before it."""
    return _announced(
        code, lambda: services.room_act(code=code, actor=actor, action=action, fields=fields)
    )


def join(*, code: str, name: str, was: str | None = None) -> tuple[str, list[dict]]:
    """A learner joins from the join form: their new id and the records the join appended.

    The sockets hear of records only through the room's groups: without this the teacher would
    not see a newcomer until the next message.
    """
    joined: list[str] = []

    def write() -> list[dict]:
        pid, records = services.join_room(code=code, name=name, was=was)
        joined.append(pid)
        return records

    records = _announced(code, write)
    return joined[0], records


def _announced(code: str, write: Callable[[], list[dict]]) -> list[dict]:
    try:
        records = write()
    except RoomRefused as refusal:
        _announce_from_a_view(code, list(refusal.records))
        raise
    _announce_from_a_view(code, records)
    return records


def _announce_from_a_view(code: str, records: list[dict]) -> None:
    if not records:
        return
    try:
        async_to_sync(fanout.send_records)(get_channel_layer(), code, records)
    except Exception as error:
        # The change is in the log; the sockets catch up on the room's next record.
        logger.warning("could not announce to room %s: %s", code, error)
