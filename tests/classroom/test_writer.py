"""The room's group commit: requests taken together, each still answered on its own."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from classroom import services
from classroom.models import Room
from classroom.room import TEACHER, RoomRefused, fold
from classroom.writer import RoomWriter

pytestmark = pytest.mark.django_db(transaction=True)


def class_with_a_pending_event_and_command(room):
    """Eight subscribers owing an acknowledgement and a handler owing an answer."""
    subscribers = [services.participant_join(code=room.code, name=f"L{i}") for i in range(8)]
    for pid in subscribers:
        services.room_act(
            code=room.code,
            actor=pid,
            action="role",
            fields={"kind": "subscriber", "service": "Email", "topic": "order-events"},
        )
    handler = services.participant_join(code=room.code, name="H")
    services.room_act(
        code=room.code,
        actor=handler,
        action="role",
        fields={"kind": "handler", "service": "Payment"},
    )
    (published,) = services.room_act(
        code=room.code, actor=TEACHER, action="publish", fields={"name": "OrderPlaced"}
    )
    (sent,) = services.room_act(
        code=room.code, actor=TEACHER, action="send", fields={"name": "ProcessPayment"}
    )
    return subscribers, handler, published["mid"], sent["mid"]


async def test_one_request_that_cannot_be_stored_fails_alone(room, monkeypatch):
    subscribers, handler, event, command = await database_sync_to_async(
        class_with_a_pending_event_and_command
    )(room)
    narrate = services.narrate

    def failing_for_poison(record, state):
        # Stands for a row the database refuses (PostgreSQL refuses a NUL in JSON), on any
        # database the suite runs on.
        if record.get("reason") == "POISON":
            raise ValueError("the database refused this row")
        return narrate(record, state)

    monkeypatch.setattr(services, "narrate", failing_for_poison)
    writer = RoomWriter(room.code, get_channel_layer())
    requests = [(pid, "ack", {"mid": event}) for pid in subscribers[:4]]
    requests.append((handler, "reject", {"mid": command, "reason": "POISON"}))
    requests += [(pid, "ack", {"mid": event}) for pid in subscribers[4:]]

    results = await asyncio.gather(
        *(writer.submit(*request) for request in requests), return_exceptions=True
    )

    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1
    assert not isinstance(failed[0], RoomRefused)
    assert isinstance(results[4], ValueError)
    log = await database_sync_to_async(services.room_log)(await Room.objects.aget(pk=room.pk))
    deliveries = fold(log).messages[event]["deliveries"]
    assert sorted(pid for pid, how in deliveries.items() if how == "acknowledged") == sorted(
        subscribers
    )
    assert fold(log).messages[command]["status"] == "pending"
    assert [r["seq"] for r in log] == list(range(1, len(log) + 1))
