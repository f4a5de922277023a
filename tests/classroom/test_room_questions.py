"""Poll questions whose right answers come from the room's own run."""

from __future__ import annotations

import pytest

from classroom.polls import poll_question
from classroom.room import TEACHER
from tests.classroom.helpers import Room


def ask(room: Room, question_id: str) -> dict:
    room.act(TEACHER, "poll", question=poll_question(question_id).as_fields())
    return room.state.poll


def test_the_recipients_are_the_rooms_own_count_not_the_simulators():
    room = Room()
    ana, ben, _cy = room.join("Ana", "Ben", "Cy")
    room.subscribe(ana, "Email")
    room.subscribe(ben, "Fraud")
    room.act(TEACHER, "publish", name="OrderPlaced")
    poll = ask(room, "room/recipients")
    assert poll["computed"] is True
    assert poll["prompt"].startswith("OrderPlaced was published to order-events.")
    assert poll["choices"][poll["answer"]] == "Two"
    assert "Five" in poll["choices"], "the simulator's count is offered, as the tempting wrong one"
    assert "Ana, Ben" in poll["explanation"]
    room.act(ana, "answer", choice=poll["answer"])
    room.act(TEACHER, "reveal")
    room.act(TEACHER, "publish", name="PaymentCompleted")  # nobody plays payment-events
    poll = ask(room, "room/recipients")
    assert poll["choices"][poll["answer"]] == "No one"


def test_a_command_reaches_exactly_one_of_the_instances_running():
    room = Room()
    ana, ben = room.join("Ana", "Ben")
    room.instance(ana)
    room.act(TEACHER, "send", name="ProcessPayment")
    assert "at least two people run Payment" in room.refused(
        TEACHER, "poll", question={"id": "room/one-instance", "computed": True}
    )
    room.instance(ben)
    poll = ask(room, "room/one-instance")
    assert "two people in this room run" in poll["prompt"]
    assert poll["choices"][poll["answer"]] == "Exactly one"
    assert "Payment#1" in poll["explanation"]
    room.act(TEACHER, "reveal")
    room.act(TEACHER, "send", name="ShipOrder")  # nobody runs Fulfillment
    poll = ask(room, "room/one-instance")
    assert poll["choices"][poll["answer"]] == "None of them"


def test_what_comes_next_is_the_judges_branch_for_what_really_happened():
    room = Room()
    order, payment = room.join("Cy", "Di")
    room.instance(order, "Order")
    room.instance(payment, "Payment")
    assert "Wait for an answer" in room.refused(
        TEACHER, "poll", question={"id": "room/next", "computed": True}
    )
    room.act(order, "accept", mid=room.message(room.act(TEACHER, "next"))["mid"])
    room.act(TEACHER, "next")
    charge = room.message(room.act(TEACHER, "next"))
    room.act(payment, "reject", mid=charge["mid"], reason="Card declined")
    poll = ask(room, "room/next")
    assert poll["prompt"] == "Di refused ProcessPayment. What does the flow do next?"
    assert poll["choices"][poll["answer"]] == "Payment publishes PaymentDeclined"
    assert set(poll["choices"]) == {
        "Payment publishes PaymentCompleted",
        "Payment publishes PaymentDeclined",
        "Order sends ProcessPayment again",
    }
    assert room.state.next_step()["name"] == "PaymentDeclined"


@pytest.mark.parametrize("question", ["room/recipients", "room/one-instance", "room/next"])
def test_a_question_the_room_cannot_answer_yet_is_refused_and_changes_nothing(question):
    room = Room()
    message = room.refused(TEACHER, "poll", question={"id": question, "computed": True})
    assert message.endswith(".")
    assert room.state.poll is None


def test_an_unknown_room_question_is_refused():
    room = Room()
    assert poll_question("room/nothing") is None
    assert room.refused(TEACHER, "poll", question={"id": "room/x", "computed": True}) == (
        "There is no such question."
    )
