"""A room's log in the sequence view: who handed what to whom, as the room stood then."""

from __future__ import annotations

from classroom.replay import sequence_entries
from classroom.room import TEACHER
from tests.classroom.helpers import Room


def test_each_hand_over_is_a_row_from_sender_to_the_services_played():
    room = Room()
    ana, ben, cy = room.join("Ana", "Ben", "Cy")
    room.subscribe(ana, "Email")
    room.subscribe(ben, "Email")
    room.instance(cy)
    event = room.message(room.act(TEACHER, "publish", name="OrderPlaced"))["mid"]
    room.act(ana, "ack", mid=event)
    command = room.message(room.act(TEACHER, "send", name="ProcessPayment"))["mid"]
    room.act(cy, "reject", mid=command, reason="Card declined")
    # Cy leaves the role afterwards: the rows still show where things went at the time.
    room.act(cy, "leave_role")
    for record in room.records:
        record["text"] = f"sentence {record['seq']}"

    entries = sequence_entries(room.records)
    rows = [e for e in entries if e["hand_over"]]
    assert [(r["step"], r["sender"], r["receivers"], r["message"]) for r in rows] == [
        ("delivered", "Order", ["Email"], "OrderPlaced"),
        ("delivered", "Order", ["Payment#1"], "ProcessPayment"),
        ("rejected", "Payment#1", ["Order"], "ProcessPayment"),
    ]
    assert rows[2]["cause"] == command == rows[1]["id"]
    # Acknowledgements are private to a learner and the teacher: not in a replay.
    assert [e["step"] for e in entries].count("acknowledged") == 0
    assert len(entries) == len([r for r in room.records if r["type"] != "acknowledged"])
    assert entries[0]["sentence"] == "sentence 1"


def test_a_command_nobody_took_is_a_line_without_a_row():
    room = Room()
    (record,) = room.act(TEACHER, "send", name="ProcessPayment")
    record["text"] = "sent"
    (entry,) = sequence_entries([*room.records[:1], record])[1:]
    assert entry["hand_over"] is False
    assert entry["kind"] == "command"
