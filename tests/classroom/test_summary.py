"""The end-of-class summary, folded from a room's log."""

from __future__ import annotations

import csv
import io

from classroom.room import COMMAND_TIMEOUT_MS, TEACHER, RoomState, opened_record
from classroom.summary import HEADERS, summarise, to_csv
from tests.purity import django_modules_loaded_by

QUESTION = {
    "id": "basics/q1",
    "prompt": "Which of these is an event?",
    "choices": ["PlaceOrder", "OrderPlaced"],
    "answer": 1,
    "explanation": "An event names something that already happened.",
}


def a_class() -> list[dict]:
    """Ana plays Email, Ben refuses a payment, Cy lets a command time out, Dee hands one over."""
    state = RoomState()
    records = [state.record(opened_record("K7QMX2", "order-flow", ""), 0)]

    def act(actor, action, now=0, **fields):
        records.extend(state.act(actor, action, fields, now))
        return records[-1]

    for name in ("Ana", "Ben", "Cy", "=Dee"):
        act(f"p-{name}", "join", name=name)
    act("p-Ana", "role", kind="subscriber", service="Email", topic="order-events")
    act("p-Ben", "role", kind="handler", service="Payment")
    act("p-Cy", "role", kind="handler", service="Order")
    placed = act(TEACHER, "publish", name="OrderPlaced")
    act("p-Ana", "ack", mid=placed["mid"])
    charge = act(TEACHER, "send", name="ProcessPayment")
    act("p-Ben", "reject", mid=charge["mid"], reason="Card declined")
    act(TEACHER, "send", name="PlaceOrder")  # Cy never answers
    act("p-=Dee", "role", kind="handler", service="Payment")
    second = act(TEACHER, "send", name="ProcessPayment")  # Payment#2 takes its turn: Dee
    assert second["pid"] == "p-=Dee"
    act("p-=Dee", "leave_role")  # hands it to Ben
    act(TEACHER, "poll", question=QUESTION)
    act("p-Ana", "answer", choice=1)
    act("p-Ben", "answer", choice=0)
    act(TEACHER, "reveal", now=COMMAND_TIMEOUT_MS)
    return records


def test_one_summary_per_learner_with_what_they_did():
    ana, ben, cy, dee = summarise(a_class())
    assert (ana.name, ana.roles, ana.events_received, ana.events_acknowledged) == (
        "Ana",
        ["Email on order-events"],
        1,
        1,
    )
    assert ana.answers == ["Which of these is an event? OrderPlaced (right)"]
    assert (ana.polls_answered, ana.polls_right) == (1, 1)
    assert (ben.commands_received, ben.commands_refused) == (2, 1)
    assert ben.reasons == ["ProcessPayment: Card declined"]
    assert ben.commands_timed_out == 1  # the payment Dee handed over, never answered
    assert (ben.polls_answered, ben.polls_right) == (1, 0)
    assert (cy.commands_received, cy.commands_timed_out) == (1, 1)
    assert (dee.commands_received, dee.handed_over, dee.commands_timed_out) == (1, 1, 0)


def test_the_csv_has_its_headers_one_row_per_learner_and_the_refusal():
    rows = list(csv.reader(io.StringIO(to_csv(summarise(a_class())))))
    assert tuple(rows[0]) == HEADERS
    assert [row[0] for row in rows[1:]] == ["Ana", "Ben", "Cy", "'=Dee"]
    ben = dict(zip(HEADERS, rows[2], strict=True))
    assert ben["commands refused"] == "1"
    assert ben["refusal reasons"] == "ProcessPayment: Card declined"


def test_answers_to_a_poll_never_revealed_are_listed_ungraded():
    records = [r for r in a_class() if r["type"] != "poll_revealed"]
    ana = summarise(records)[0]
    assert ana.answers == ["Which of these is an event? OrderPlaced (not revealed)"]
    assert ana.polls_answered == 0


def test_the_summary_loads_no_django():
    assert django_modules_loaded_by("import classroom.summary\n") == "[]"
