"""A room feed, driven without a socket: records in, frames out, gaps filled from the log."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from classroom import fanout, feed, services
from classroom.feed import CLOSE_NOT_IN_ROOM, RoomFeed
from classroom.room import TEACHER

pytestmark = pytest.mark.django_db(transaction=True)


class Screen:
    """Stands for the socket: keeps what the feed sends, and the code it closed with."""

    def __init__(self):
        self.frames: list[dict] = []
        self.closed: list[int] = []

    async def send(self, frame: dict) -> None:
        self.frames.append(frame)

    async def close(self, code: int) -> None:
        self.closed.append(code)


def feed_for(code: str, actor: str, screen: Screen) -> RoomFeed:
    return RoomFeed(
        code,
        actor,
        send=screen.send,
        close=screen.close,
        layer=get_channel_layer(),
        channel_name="test-channel",
        groups=(fanout.room_group(code), fanout.personal_group(code, actor)),
    )


def act(code, actor, action, **fields):
    return database_sync_to_async(services.room_act)(
        code=code, actor=actor, action=action, fields=fields
    )


async def test_it_starts_with_the_whole_room_and_shows_records_in_order(room):
    screen = Screen()
    teacher = feed_for(room.code, TEACHER, screen)
    await teacher.reload()
    assert [f["type"] for f in screen.frames] == ["room"]

    records = await act(room.code, TEACHER, "publish", name="OrderPlaced")
    await teacher.records(records)

    assert screen.frames[-1]["type"] == "update"
    assert screen.frames[-1]["record"]["seq"] == records[-1]["seq"]
    assert teacher.state.seq == records[-1]["seq"]


async def test_a_record_seen_already_is_ignored(room):
    screen = Screen()
    teacher = feed_for(room.code, TEACHER, screen)
    await teacher.reload()
    records = await act(room.code, TEACHER, "publish", name="OrderPlaced")
    await teacher.records(records)
    sent = len(screen.frames)
    await teacher.records(records)
    assert len(screen.frames) == sent


async def test_a_record_out_of_order_waits_for_the_one_before_it(room):
    screen = Screen()
    teacher = feed_for(room.code, TEACHER, screen)
    await teacher.reload()
    first = await act(room.code, TEACHER, "publish", name="OrderPlaced")
    second = await act(room.code, TEACHER, "publish", name="OrderCancelled")

    await teacher.records(second)
    assert teacher.waiting, "the later record should wait"
    assert all(f["type"] == "room" for f in screen.frames)

    await teacher.records(first)
    shown = [f["record"]["seq"] for f in screen.frames if f["type"] == "update"]
    assert shown == [first[-1]["seq"], second[-1]["seq"]]
    assert not teacher.waiting
    teacher.stop()


async def test_a_record_that_never_comes_is_read_from_the_log(room, monkeypatch):
    monkeypatch.setattr(feed, "GAP_WAIT_S", 0.05)
    screen = Screen()
    teacher = feed_for(room.code, TEACHER, screen)
    await teacher.reload()
    await act(room.code, TEACHER, "publish", name="OrderPlaced")  # its broadcast is lost
    second = await act(room.code, TEACHER, "publish", name="OrderCancelled")

    await teacher.records(second)
    await asyncio.sleep(0.3)

    assert screen.frames[-1]["type"] == "room"
    assert teacher.state.seq == second[-1]["seq"]
    teacher.stop()


async def test_a_heartbeat_that_skips_one_reads_the_room_again(room):
    screen = Screen()
    teacher = feed_for(room.code, TEACHER, screen)
    await teacher.reload()
    await teacher.alive({"to": "test-channel", "beat": 1})
    await teacher.alive({"to": "test-channel", "beat": 2})
    assert [f["type"] for f in screen.frames] == ["room"]

    await teacher.alive({"to": "test-channel", "beat": 4})
    await teacher.alive({"to": "another-tab", "beat": 9})

    assert [f["type"] for f in screen.frames] == ["room", "room"]
    assert teacher.beats_heard == 4


async def test_a_removed_learner_is_told_and_closed(room):
    pid = await database_sync_to_async(services.participant_join)(code=room.code, name="Ana")
    screen = Screen()
    learner = feed_for(room.code, pid, screen)
    await learner.reload()

    await learner.records(await act(room.code, TEACHER, "remove", pid=pid))

    assert screen.frames[-1]["code"] == "not_in_room"
    assert screen.closed == [CLOSE_NOT_IN_ROOM]
    assert learner.state is None
