"""Act, then announce: each change reaches the room's groups, and its caller gets its records."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from classroom import acting, fanout, services
from classroom import room as room_module
from classroom.room import TEACHER, RoomRefused

pytestmark = pytest.mark.django_db(transaction=True)


async def listening(code: str) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(fanout.room_group(code), channel)
    return channel


async def heard(channel: str) -> list[dict]:
    message = await get_channel_layer().receive(channel)
    return json.loads(message["records"])


async def test_a_join_returns_its_records_and_the_room_hears_the_same(room):
    channel = await listening(room.code)

    pid, records = await database_sync_to_async(acting.join)(code=room.code, name="Ana")

    assert [r["type"] for r in records] == ["joined"]
    assert records[0]["pid"] == pid
    assert await heard(channel) == records


async def test_a_refused_join_still_announces_the_time_outs_it_recorded(room, monkeypatch):
    monkeypatch.setattr(room_module, "COMMAND_TIMEOUT_MS", 0)
    await database_sync_to_async(services.room_act)(
        code=room.code, actor=TEACHER, action="send", fields={"name": "ShipOrder"}
    )
    channel = await listening(room.code)

    with pytest.raises(RoomRefused):
        # An empty display name is refused.
        await database_sync_to_async(acting.join)(code=room.code, name="")

    assert [r["type"] for r in await heard(channel)] == ["timed_out"]


async def test_a_socket_request_is_announced_before_its_answer(room):
    channel = await listening(room.code)
    records = await acting.act(
        room.code, get_channel_layer(), TEACHER, "publish", {"name": "OrderPlaced"}
    )
    assert [r["type"] for r in records] == ["published"]
    assert await heard(channel) == records


async def test_settling_with_nothing_due_announces_nothing(room):
    assert await acting.settle(room.code, get_channel_layer()) == []


def test_a_join_from_a_page_view_works_without_a_running_loop(room):
    pid, records = acting.join(code=room.code, name="Ben")
    assert records[-1]["pid"] == pid


async def test_a_request_from_outside_any_socket_is_announced_too(room):
    pid, _ = await database_sync_to_async(acting.join)(code=room.code, name="Cy")
    channel = await listening(room.code)

    records = await database_sync_to_async(acting.act_from_a_view)(room.code, pid, "leave", {})

    assert [r["type"] for r in records] == ["left"]
    assert await heard(channel) == records
