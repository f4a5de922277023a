"""A write's records go out in order, one message per group and run of records."""

import json

from classroom import fanout


class RecordingLayer:
    def __init__(self):
        self.sent: list[tuple[str, list[int]]] = []

    async def group_send(self, group, message):
        assert message["type"] == "room.records"
        self.sent.append((group, [r["seq"] for r in json.loads(message["records"])]))


def ack(seq: int, pid: str) -> dict:
    return {"seq": seq, "type": "acknowledged", "pid": pid, "mid": "r1"}


async def test_each_group_gets_one_message_per_run_of_records():
    layer = RecordingLayer()
    records = [
        ack(10, "p-ana"),
        ack(11, "p-ben"),
        ack(12, "p-ana"),
        {"seq": 13, "type": "published", "prev": 9, "mid": "r13"},
        {"seq": 14, "type": "sent", "prev": 13, "mid": "r14"},
        ack(15, "p-ben"),
    ]
    await fanout.send_records(layer, "K7QMX2", records)
    assert layer.sent == [
        ("room-K7QMX2-teacher", [10, 11, 12]),
        ("room-K7QMX2-p-p-ana", [10, 12]),
        ("room-K7QMX2-p-p-ben", [11]),
        ("room-K7QMX2", [13, 14]),
        ("room-K7QMX2-teacher", [15]),
        ("room-K7QMX2-p-p-ben", [15]),
    ]


async def test_nothing_to_send_sends_nothing():
    layer = RecordingLayer()
    await fanout.send_records(layer, "K7QMX2", [])
    assert layer.sent == []
