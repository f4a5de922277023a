"""What a phone announces: only what reached that learner, and their own poll result."""

from __future__ import annotations

from classroom.announcements import announcement
from classroom.room import TEACHER
from tests.classroom.helpers import QUESTION, Room


def test_an_event_is_announced_to_its_subscribers_only():
    room = Room()
    ana, ben = room.join("Ana", "Ben")
    room.subscribe(ana, "Email")
    (record,) = room.act(TEACHER, "publish", name="OrderPlaced")
    said, target = announcement(room.state, ana, record)
    assert "OrderPlaced" in said
    assert "acknowledge" in said
    assert target == f"inbox-{record['mid']}"
    assert announcement(room.state, ben, record) is None
    assert announcement(room.state, TEACHER, record) is None


def test_a_command_is_announced_to_the_one_instance_that_took_it():
    room = Room()
    ana, ben = room.join("Ana", "Ben")
    room.instance(ana)
    room.instance(ben)
    (record,) = room.act(TEACHER, "send", name="ProcessPayment")
    said, _ = announcement(room.state, ana, record)
    assert "ProcessPayment" in said
    assert "for you alone" in said
    assert announcement(room.state, ben, record) is None
    (answer,) = room.act(ana, "accept", mid=record["mid"])
    assert announcement(room.state, ana, answer) is None  # their own answer is no news


def test_a_poll_is_announced_and_its_answer_tells_each_learner_their_own_result():
    room = Room()
    ana, ben, cy = room.join("Ana", "Ben", "Cy")
    (opened,) = room.act(TEACHER, "poll", question=QUESTION)
    assert announcement(room.state, cy, opened) == (f"New poll: {QUESTION['prompt']}", "room-poll")
    room.act(ana, "answer", choice=1)
    room.act(ben, "answer", choice=0)
    (revealed,) = room.act(TEACHER, "reveal")
    assert (
        "you answered “OrderPlaced”, the right answer" in announcement(room.state, ana, revealed)[0]
    )
    said = announcement(room.state, ben, revealed)[0]
    assert "you answered “PlaceOrder”; the right answer is “OrderPlaced”" in said
    assert "you did not answer" in announcement(room.state, cy, revealed)[0]


def test_a_message_handed_over_is_announced_to_its_new_holder():
    # The record as the branching room's role change writes it.
    room = Room()
    ana, ben = room.join("Ana", "Ben")
    record = {"type": "handed_over", "mid": "r1", "pid": ana, "name": "ShipOrder", "to": ben}
    said, target = announcement(room.state, ben, record)
    assert "ShipOrder" in said
    assert target == "inbox-r1"
    assert announcement(room.state, ana, record) is None
