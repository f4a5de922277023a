"""The room model on its own: no database, no sockets, a clock the test turns by hand."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classroom import room as room_module
from classroom.narration import narrate
from classroom.room import (
    COMMAND_TIMEOUT_MS,
    PRIVATE_RECORDS,
    TEACHER,
    RoomRefused,
    RoomState,
    audience,
    fold,
)
from tests.classroom.helpers import CATALOGUE, QUESTION, SCRIPT, Room
from tests.purity import django_modules_loaded_by


@pytest.fixture
def room():
    return Room()


# -- who receives what ---------------------------------------------------------------------------


def test_an_event_reaches_exactly_the_subscribers_of_its_topic(room):
    ana, ben, cy, dee, eve = room.join("Ana", "Ben", "Cy", "Dee", "Eve")
    room.subscribe(ana, "Email")
    room.subscribe(ben, "Fraud")
    room.subscribe(cy, "Accounting", topic="payment-events")
    room.instance(dee)
    message = room.message(room.act(TEACHER, "publish", name="OrderPlaced"))
    assert message["deliveries"] == {ana: "delivered", ben: "delivered"}
    assert [m["mid"] for m in room.state.pending_for(ana)] == [message["mid"]]
    assert room.state.pending_for(cy) == room.state.pending_for(dee) == []
    assert room.state.pending_for(eve) == []


def test_an_event_with_no_subscriber_is_published_all_the_same(room):
    message = room.message(room.act(TEACHER, "publish", name="OrderShipped"))
    assert message["deliveries"] == {}
    assert room.records[-1]["deliveries"] == []


def test_commands_take_turns_across_the_running_instances(room):
    pids = room.join("Ana", "Ben", "Cy")
    for pid in pids:
        room.instance(pid)
    assert [room.state.participants[p]["role"]["instance"] for p in pids] == [1, 2, 3]
    assignees = [
        room.message(room.act(TEACHER, "send", name="ProcessPayment"))["assignee"] for _ in range(4)
    ]
    assert assignees == [*pids, pids[0]]
    sent = [r for r in room.records if r["type"] == "sent"]
    assert [r["instance"] for r in sent] == ["Payment#1", "Payment#2", "Payment#3", "Payment#1"]


def test_a_freed_instance_number_is_taken_again(room):
    ana, ben, cy = room.join("Ana", "Ben", "Cy")
    room.instance(ana)
    room.instance(ben)
    room.act(ana, "leave_role")
    room.instance(cy)
    assert room.state.role_label(cy) == "Payment#1"
    assert room.state.handlers("Payment") == [cy, ben]


def test_a_command_nobody_runs_times_out_for_nobody(room):
    message = room.message(room.act(TEACHER, "send", name="ShipOrder"))
    assert message["assignee"] is None
    assert message["status"] == "pending"
    room.now = message["deadline"] - 1
    assert room.state.settle(room.now) == []
    room.now = message["deadline"]
    records = room.state.settle(room.now)
    assert records == [
        {
            "seq": 3,
            "at": room.now,
            "type": "timed_out",
            "mid": message["mid"],
            "pid": None,
            "prev": 2,
        }
    ]
    assert room.state.messages[message["mid"]]["status"] == "timed_out"


def test_an_answer_after_the_deadline_is_too_late_and_the_time_out_is_still_logged(room):
    (cy,) = room.join("Cy")
    room.instance(cy)
    message = room.message(room.act(TEACHER, "send", name="ProcessPayment"))
    room.now += COMMAND_TIMEOUT_MS
    with pytest.raises(RoomRefused, match=r"^Too late"):
        room.act(cy, "accept", mid=message["mid"])
    assert room.records[-1]["type"] == "timed_out"
    assert fold(room.records).to_json() == room.state.to_json()


def test_accepting_and_rejecting_settle_the_command(room):
    ana, ben = room.join("Ana", "Ben")
    room.instance(ana)
    room.instance(ben)
    first = room.message(room.act(TEACHER, "send", name="ProcessPayment"))
    second = room.message(room.act(TEACHER, "send", name="ProcessPayment"))
    room.act(ana, "accept", mid=first["mid"])
    room.act(ben, "reject", mid=second["mid"], reason="  card   declined ")
    assert room.state.messages[first["mid"]]["status"] == "accepted"
    assert room.state.messages[second["mid"]]["status"] == "rejected"
    assert room.state.messages[second["mid"]]["reason"] == "card declined"
    assert room.state.pending_for(ana) == room.state.pending_for(ben) == []


def test_the_script_walks_the_scenario_and_starts_again(room):
    cy, di, ed = room.join("Cy", "Di", "Ed")
    room.instance(cy, "Order")
    room.instance(di, "Payment")
    room.instance(ed, "Fulfillment")
    names = []
    for _ in SCRIPT:
        message = room.message(room.act(TEACHER, "next"))
        names.append(message["name"])
        if message["kind"] == "command":
            room.act(message["assignee"], "accept", mid=message["mid"])
    assert names == [step["name"] for step in SCRIPT]
    assert room.state.next_step() is None
    assert "finished" in room.refused(TEACHER, "next")
    room.act(TEACHER, "restart_script")
    assert room.state.next_step() == SCRIPT[0]
    assert room.state.script == [SCRIPT[0]]
    assert room.state.order_status == ""


def test_the_script_waits_for_the_answer_its_next_step_depends_on(room):
    (cy,) = room.join("Cy")
    room.instance(cy, "Order")
    placed = room.message(room.act(TEACHER, "next"))
    assert "depends on the answer to PlaceOrder, held by Cy" in room.refused(TEACHER, "next")
    room.act(cy, "accept", mid=placed["mid"])
    assert room.message(room.act(TEACHER, "next"))["name"] == "OrderPlaced"


def test_a_refusal_leads_to_the_compensation_never_to_a_success(room):
    order, payment = room.join("Cy", "Di")
    room.instance(order, "Order")
    room.instance(payment, "Payment")
    room.act(order, "accept", mid=room.message(room.act(TEACHER, "next"))["mid"])
    room.act(TEACHER, "next")  # OrderPlaced
    charge = room.message(room.act(TEACHER, "next"))
    (rejected,) = room.act(payment, "reject", mid=charge["mid"], reason="Card declined")
    assert [s["name"] for s in rejected["then"]] == ["PaymentDeclined", "OrderCancelled"]
    declined = room.message(room.act(TEACHER, "next"))
    cancelled = room.message(room.act(TEACHER, "next"))
    assert (declined["name"], declined["from"]) == ("PaymentDeclined", "Payment")
    assert (cancelled["name"], cancelled["from"]) == ("OrderCancelled", "Order")
    assert room.state.order_status == "cancelled"
    assert "finished" in room.refused(TEACHER, "next")
    refusal = room.refused(TEACHER, "publish", name="PaymentCompleted")
    assert "cannot happen now: the order is cancelled" in refusal
    names = [r["name"] for r in room.records if r["type"] in ("published", "sent")]
    assert "PaymentCompleted" not in names


def test_a_silent_handler_is_retried_then_given_up(room):
    (payment,) = room.join("Di")
    room.instance(payment, "Payment")
    room.state.script = [{"verb": "send", "name": "ProcessPayment", "from": "Order"}]
    first = room.message(room.act(TEACHER, "next"))
    room.now += COMMAND_TIMEOUT_MS
    (timed_out,) = room.state.settle(room.now)
    assert (timed_out["mid"], timed_out["decision"], timed_out["attempt"]) == (
        first["mid"],
        "retry",
        1,
    )
    retry = room.message(room.act(TEACHER, "next"))
    assert (retry["name"], retry["attempt"], retry["assignee"]) == ("ProcessPayment", 2, payment)
    room.now += COMMAND_TIMEOUT_MS
    (given_up,) = room.state.settle(room.now)
    assert narrate(timed_out, room.state).endswith("and will send it again (attempt 2).")
    assert narrate(given_up, room.state).endswith("and gives up: it publishes OrderCancelled.")
    assert given_up["decision"] == "compensate"
    assert given_up["then"] == [{"verb": "publish", "name": "OrderCancelled", "from": "Order"}]
    assert room.state.next_step()["name"] == "OrderCancelled"


def test_outcomes_of_an_earlier_run_branch_nothing(room):
    (order,) = room.join("Cy")
    room.instance(order, "Order")
    placed = room.message(room.act(TEACHER, "next"))
    room.act(TEACHER, "restart_script")
    (accepted,) = room.act(order, "accept", mid=placed["mid"])
    assert "then" not in accepted
    assert room.state.script == [SCRIPT[0]]


# -- refusals ------------------------------------------------------------------------------------


def test_a_learner_cannot_do_what_only_the_teacher_does(room):
    (ana,) = room.join("Ana")
    for action in ("publish", "send", "next", "restart_script", "poll", "reveal", "close"):
        assert room.refused(ana, action, name="OrderPlaced") == "Only the teacher can do that."


def test_the_teacher_does_not_play_a_learner(room):
    (ana,) = room.join("Ana")
    room.subscribe(ana, "Email")
    message = room.message(room.act(TEACHER, "publish", name="OrderPlaced"))
    assert "for learners" in room.refused(TEACHER, "ack", mid=message["mid"])
    assert "for learners" in room.refused(TEACHER, "join", name="Teacher")
    assert "for learners" in room.refused(TEACHER, "role", kind="handler", service="Payment")


def test_someone_who_never_joined_can_do_nothing(room):
    assert room.refused("stranger", "role", kind="handler", service="Payment") == (
        "Join the room first."
    )
    assert room.refused("stranger", "answer", choice=0) == "Join the room first."


def test_unknown_actions_are_refused(room):
    assert "Unknown action" in room.refused(TEACHER, "explode")


def test_only_the_receivers_of_an_event_acknowledge_it_and_only_once(room):
    ana, ben = room.join("Ana", "Ben")
    room.subscribe(ana, "Email")
    message = room.message(room.act(TEACHER, "publish", name="OrderPlaced"))
    mid = message["mid"]
    assert room.refused(ben, "ack", mid=mid) == "That event was not delivered to you."
    (acked,) = room.act(ana, "ack", mid=mid)
    assert acked["type"] == "acknowledged"
    assert "already acknowledged" in room.refused(ana, "ack", mid=mid)
    assert "no such event" in room.refused(ana, "ack", mid="r99")
    assert "no such event" in room.refused(ana, "ack", mid=["r1"])


def test_a_command_is_answered_only_by_its_instance_and_only_once(room):
    ana, ben = room.join("Ana", "Ben")
    room.instance(ana)
    room.subscribe(ben, "Email")
    mid = room.message(room.act(TEACHER, "send", name="ProcessPayment"))["mid"]
    assert "another instance" in room.refused(ben, "accept", mid=mid)
    assert "another instance" in room.refused(ben, "reject", mid=mid, reason="no")
    assert "no such event" in room.refused(ana, "ack", mid=mid)
    assert "no such command" in room.refused(ana, "accept", mid="r99")
    assert "reason for the rejection is missing" in room.refused(ana, "reject", mid=mid)
    assert "reason for the rejection is missing" in room.refused(ana, "reject", mid=mid, reason=" ")
    assert "at most 200" in room.refused(ana, "reject", mid=mid, reason="x" * 201)
    room.act(ana, "accept", mid=mid)
    assert "already answered" in room.refused(ana, "reject", mid=mid, reason="changed my mind")
    assert "already answered" in room.refused(ana, "accept", mid=mid)


def test_roles_the_flow_does_not_have_are_refused(room):
    (ana,) = room.join("Ana")
    assert "does not subscribe" in room.refused(
        ana, "role", kind="subscriber", service="Payment", topic="order-events"
    )
    assert "does not subscribe" in room.refused(
        ana, "role", kind="subscriber", service="Email", topic="nowhere"
    )
    assert "handles no command" in room.refused(ana, "role", kind="handler", service="Email")
    assert "either a subscriber or a handler" in room.refused(ana, "role", kind="owner")
    room.instance(ana)
    assert "already have that role" in room.refused(ana, "role", kind="handler", service="Payment")


def test_a_command_held_by_someone_changing_role_goes_to_another_instance(room):
    ana, ben = room.join("Ana", "Ben")
    assert "no role to leave" in room.refused(ana, "leave_role")
    room.instance(ana)
    room.instance(ben)
    charge = room.message(room.act(TEACHER, "send", name="ProcessPayment"))
    assert charge["assignee"] == ana
    handed, taken = room.act(ana, "role", kind="handler", service="Order")
    assert (handed["type"], handed["to"], handed["instance"]) == ("handed_over", ben, "Payment#2")
    assert taken["type"] == "role_taken"
    assert room.state.pending_for(ana) == []
    assert [m["mid"] for m in room.state.pending_for(ben)] == [charge["mid"]]
    room.act(ben, "accept", mid=charge["mid"])
    assert room.state.messages[charge["mid"]]["status"] == "accepted"


def test_a_command_nobody_else_can_take_is_left_to_its_senders_time_out(room):
    (ana,) = room.join("Ana")
    room.instance(ana)
    charge = room.message(room.act(TEACHER, "send", name="ProcessPayment"))
    handed, _ = room.act(ana, "leave_role")
    assert handed["to"] is None
    assert room.state.messages[charge["mid"]]["assignee"] is None
    room.now += COMMAND_TIMEOUT_MS
    (timed_out,) = room.state.settle(room.now)
    assert timed_out["mid"] == charge["mid"]


def test_an_unacknowledged_event_is_handed_over_or_released_so_nobody_waits(room):
    ana, ben, cy = room.join("Ana", "Ben", "Cy")
    room.subscribe(ana, "Email")
    room.subscribe(cy, "Fraud")
    first = room.message(room.act(TEACHER, "publish", name="OrderPlaced"))
    room.subscribe(ben, "Email")  # joins the same subscription after the event went out
    handed, _ = room.act(ana, "role", kind="handler", service="Payment")
    assert handed["to"] == ben
    assert first["deliveries"] == {ana: "released", cy: "delivered", ben: "delivered"}
    assert room.state.pending_for(ana) == []
    handed, _ = room.act(cy, "leave_role")
    assert handed["to"] is None
    assert first["deliveries"][cy] == "released"
    room.act(ben, "ack", mid=first["mid"])
    assert "delivered" not in first["deliveries"].values()
    assert fold(room.records).to_json() == room.state.to_json()


def test_someone_removed_hands_over_what_they_held(room):
    (ana,) = room.join("Ana")
    room.subscribe(ana, "Email")
    placed = room.message(room.act(TEACHER, "publish", name="OrderPlaced"))
    handed, removed = room.act(TEACHER, "remove", pid=ana)
    assert (handed["type"], removed["type"]) == ("handed_over", "removed")
    assert placed["deliveries"] == {ana: "released"}


def test_joining_twice_a_taken_name_or_a_full_room_is_refused(room, monkeypatch):
    (ana,) = room.join("Ana")
    assert room.refused(ana, "join", name="Ana again") == "You are already in this room."
    assert "already called ANA" in room.refused("p-other", "join", name="  ANA ")
    assert "display name is missing" in room.refused("p-other", "join", name="   ")
    assert "display name is missing" in room.refused("p-other", "join", name=42)
    assert "at most 30" in room.refused("p-other", "join", name="x" * 31)
    monkeypatch.setattr(room_module, "MAX_PARTICIPANTS", 2)
    room.join("Ben")
    assert "room is full" in room.refused("p-cy", "join", name="Cy")


def test_a_closed_room_refuses_everything(room):
    ana, ben = room.join("Ana", "Ben")
    room.instance(ana)
    mid = room.message(room.act(TEACHER, "send", name="ProcessPayment"))["mid"]
    (closed,) = room.act(TEACHER, "close")
    assert closed["type"] == "closed"
    assert not room.state.open
    attempts = [
        (TEACHER, "publish", {"name": "OrderPlaced"}),
        (TEACHER, "send", {"name": "ProcessPayment"}),
        (TEACHER, "next", {}),
        (TEACHER, "poll", {"question": QUESTION}),
        (TEACHER, "close", {}),
        (ana, "accept", {"mid": mid}),
        (ben, "role", {"kind": "handler", "service": "Payment"}),
        ("p-late", "join", {"name": "Late"}),
    ]
    for actor, action, fields in attempts:
        assert room.refused(actor, action, **fields) == "This room is closed."
    # Its clock has stopped too: the command it was waiting for never times out afterwards.
    room.now += 10 * COMMAND_TIMEOUT_MS
    assert room.refused(ana, "accept", mid=mid) == "This room is closed."
    assert room.state.settle(room.now) == []
    assert room.records[-1]["type"] == "closed"


def test_a_poll_takes_answers_in_range_until_it_is_revealed(room):
    ana, ben, cy = room.join("Ana", "Ben", "Cy")
    assert "no open poll" in room.refused(ana, "answer", choice=0)
    assert "no open poll to reveal" in room.refused(TEACHER, "reveal")
    assert "Pick a question" in room.refused(TEACHER, "poll", question="basics/q1")
    one_choice = {**QUESTION, "choices": ["Only"]}
    assert "between two and eight" in room.refused(TEACHER, "poll", question=one_choice)
    room.act(TEACHER, "poll", question=QUESTION)
    assert "Reveal the current poll" in room.refused(TEACHER, "poll", question=QUESTION)
    assert room.refused(ana, "answer", choice=3) == "That is not one of the answers."
    assert room.refused(ana, "answer", choice=-1) == "That is not one of the answers."
    assert room.refused(ana, "answer", choice=True) == "Pick one of the answers."
    assert room.refused(ana, "answer", choice="1") == "Pick one of the answers."
    room.act(ana, "answer", choice=0)
    room.act(ana, "answer", choice=1)  # a learner may change their mind until the reveal
    room.act(ben, "answer", choice=1)
    room.act(cy, "answer", choice=2)
    (revealed,) = room.act(TEACHER, "reveal")
    assert revealed["counts"] == [0, 2, 1]
    assert room.state.poll["revealed"]
    assert room.state.poll["counts"] == [0, 2, 1]
    assert "no open poll" in room.refused(ana, "answer", choice=0)
    room.act(TEACHER, "poll", question={**QUESTION, "id": "basics/q2"})
    assert room.state.poll["answers"] == {}


# -- event sourcing ------------------------------------------------------------------------------


def a_busy_room() -> Room:
    room = Room()
    ana, ben, cy, dee = room.join("Ana", "Ben", "Cy", "Dee")
    room.subscribe(ana, "Email")
    room.subscribe(ben, "Fraud")
    room.instance(cy)
    room.instance(dee, "Order")
    for _ in SCRIPT[:3]:
        room.now += 1_000
        message = room.message(room.act(TEACHER, "next"))
        if message["name"] == "PlaceOrder":
            room.act(dee, "accept", mid=message["mid"])
    placed = next(m for m in room.state.messages.values() if m["name"] == "OrderPlaced")
    room.act(ana, "ack", mid=placed["mid"])
    payment = next(m for m in room.state.messages.values() if m["name"] == "ProcessPayment")
    room.act(cy, "reject", mid=payment["mid"], reason="card declined")
    room.act(TEACHER, "send", name="PlaceOrder")
    room.act(TEACHER, "poll", question=QUESTION)
    room.act(ana, "answer", choice=1)
    room.act(ben, "answer", choice=0)
    room.now += COMMAND_TIMEOUT_MS  # PlaceOrder, held by Dee, times out on the next request
    room.act(TEACHER, "reveal")
    room.act(ben, "leave_role")
    room.act(TEACHER, "close")
    return room


def test_folding_the_log_rebuilds_the_room_exactly():
    room = a_busy_room()
    types = [r["type"] for r in room.records]
    assert "timed_out" in types
    assert types[-1] == "closed"
    assert fold(room.records).to_json() == room.state.to_json()
    # and from any point: a snapshot plus the tail of the log gives the same room
    middle = len(room.records) // 2
    snapshot = RoomState.from_json(fold(room.records[:middle]).to_json())
    assert fold(room.records[middle:], snapshot).to_json() == room.state.to_json()


def test_records_survive_a_json_round_trip():
    import json

    room = a_busy_room()
    stored = json.loads(json.dumps(room.records))
    assert fold(stored).to_json() == room.state.to_json()
    assert RoomState.from_json(json.loads(json.dumps(room.state.to_json()))) == room.state


def test_private_records_name_their_one_learner_and_public_ones_chain():
    room = a_busy_room()
    private = [r for r in room.records if r["type"] in PRIVATE_RECORDS]
    assert {r["type"] for r in private} == {"acknowledged", "poll_answered"}
    for record in private:
        assert audience(record) == record["pid"]
        assert record["pid"].startswith("p-")
        assert "prev" not in record
    public = [r for r in room.records if audience(r) is None]
    assert [r["prev"] for r in public] == [0, *(r["seq"] for r in public[:-1])]
    assert [r["seq"] for r in room.records] == list(range(1, len(room.records) + 1))
    assert room.state.public_seq == public[-1]["seq"]


def test_the_catalogue_and_script_come_from_the_scenario():
    assert set(CATALOGUE.topics["order-events"]) >= {"Email", "Fraud", "Inventory"}
    assert CATALOGUE.commands["ProcessPayment"] == "Payment"
    assert [s["verb"] for s in SCRIPT][:3] == ["send", "publish", "send"]
    assert SCRIPT[1] == {"verb": "publish", "name": "OrderPlaced", "from": "Order"}


def test_the_room_and_its_sentences_load_no_django():
    code = (
        "from classroom.room import RoomState, opened_record\n"
        "from classroom.narration import narrate\n"
        "state = RoomState()\n"
        "record = state.record(opened_record('K7QMX2', 'order-flow', ''), 0)\n"
        "assert narrate(record, state)\n"
    )
    assert django_modules_loaded_by(code) == "[]"


# -- any sequence of requests, by anyone -------------------------------------------------------

NO_SUCH_MIDS = ["r99", "", None, 3]
# Drawn as a number and read against the room when the request is made: a message of the room
# while there are that many, past them one that does not exist.
MESSAGE = st.integers(0, 15)
# Drawn as a number too: which of the room's deliveries is answered, by the learner it went to.
HELD = "held"


def _requests():
    """(actor, action, fields, ms waited before): mostly plausible, sometimes nonsense.

    Any actor may ask for anything, so the refusals get their share; the fields are drawn from
    what the flow offers, so that enough requests go through to build a busy room.
    """
    subscriptions = [*CATALOGUE.subscriptions(), ("nowhere", "Email"), ("order-events", None)]
    subscribe = st.sampled_from(subscriptions).map(
        lambda pair: {"kind": "subscriber", "topic": pair[0], "service": pair[1]}
    )
    run = st.sampled_from([*CATALOGUE.handlers, "Email"]).map(
        lambda service: {"kind": "handler", "service": service}
    )
    reason = st.sampled_from(["card declined", " ", None])
    learner_actions = [
        ("join", {"name": st.sampled_from(["Ana", "Ben", "Cy", "Dee", "ana", " ", 7])}),
        ("role", subscribe),
        ("role", subscribe),
        ("role", run),
        ("role", run),
        ("role", {"kind": st.sampled_from(["other", None])}),
        ("leave_role", {}),
        ("ack", {"mid": MESSAGE}),
        ("accept", {"mid": MESSAGE}),
        ("reject", {"mid": MESSAGE, "reason": reason}),
        ("answer", {"choice": st.sampled_from([0, 1, 2, 3, -1, True, "1"])}),
    ]
    teacher_actions = [
        ("publish", {"name": st.sampled_from([*CATALOGUE.events, "ProcessPayment", ""])}),
        ("send", {"name": st.sampled_from([*CATALOGUE.commands, "OrderPlaced"])}),
        ("next", {}),
        ("next", {}),
        ("restart_script", {}),
        ("poll", {"question": st.sampled_from([QUESTION, {**QUESTION, "choices": []}, "q"])}),
        ("reveal", {}),
        ("explode", {}),
    ]
    wait = st.integers(0, COMMAND_TIMEOUT_MS // 3)

    def asked(actors, action, fields):
        if not isinstance(fields, st.SearchStrategy):
            fields = st.fixed_dictionaries(fields)
        return st.tuples(st.sampled_from(actors), st.just(action), fields, wait)

    mostly_learners = ["p-ana", "p-ben", "p-cy", "p4", TEACHER]
    mostly_teacher = [TEACHER, TEACHER, TEACHER, "p-ana"]
    choices = [asked(mostly_learners, a, f) for a, f in learner_actions]
    choices += [asked(mostly_teacher, a, f) for a, f in teacher_actions]
    # Answers from the very people a message went to, or most answers would be refused.
    answered = st.fixed_dictionaries({"which": st.integers(0, 30), "reason": reason})
    choices += [st.tuples(st.just(HELD), st.sampled_from(["answer"]), answered, wait)] * 4
    return st.one_of(choices)


REQUESTS = _requests()


def resolve(state: RoomState, actor: str, action: str, fields: dict) -> tuple[str, str, dict]:
    """The drawn request made concrete against the room as it is now."""
    mids = sorted(state.messages, key=lambda mid: int(mid[1:]))
    if actor == HELD:
        held = [
            (pid, "ack" if m["kind"] == "event" else answer, m["mid"])
            for m in state.messages.values()
            for pid in (m["deliveries"] if m["kind"] == "event" else [m["assignee"]])
            if pid is not None
            for answer in ("accept", "reject")
        ]
        if not held:
            return TEACHER, "reveal", {}
        actor, action, mid = held[fields["which"] % len(held)]
        return (
            actor,
            action,
            {"mid": mid, **({"reason": fields["reason"]} if action == "reject" else {})},
        )
    if isinstance(fields.get("mid"), int):
        n = fields["mid"]
        fields = {**fields, "mid": mids[n] if n < len(mids) else NO_SUCH_MIDS[n % 4]}
    return actor, action, fields


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(REQUESTS, min_size=20, max_size=80), st.none() | st.integers(0, 80))
def test_any_requests_by_anyone_keep_the_room_consistent(requests, closed_after):
    room = Room()
    room.join("Ana", "Ben", "Cy")  # p4 is a stranger until it joins
    for step, (actor, action, fields, wait) in enumerate(requests):
        if step == closed_after:
            # Closing ends everything, so it comes once, at a drawn moment, not as a request
            # as common as the others.
            room.act(TEACHER, "close")
        actor, action, fields = resolve(room.state, actor, action, fields)
        room.now += wait
        before = copy.deepcopy(room.state)
        try:
            records = room.act(actor, action, **fields)
        except RoomRefused:
            # a refusal changes nothing but the commands whose time was up
            assert room.state.messages.keys() == before.messages.keys()
            assert room.state.participants == before.participants
            continue
        for record in records:
            if record["type"] == "published":
                assert sorted(record["deliveries"]) == sorted(before.subscribers(record["topic"]))
            if record["type"] == "sent":
                assert record["pid"] is None or record["pid"] in before.handlers(record["service"])
    check_invariants(room)


def check_invariants(room: Room) -> None:
    assert [r["seq"] for r in room.records] == list(range(1, len(room.records) + 1))
    assert fold(room.records).to_json() == room.state.to_json()
    outcomes: dict[str, list[dict]] = {}
    for record in room.records:
        if record["type"] in ("accepted", "rejected", "timed_out"):
            outcomes.setdefault(record["mid"], []).append(record)
    for mid, message in room.state.messages.items():
        if message["kind"] == "command":
            settled = outcomes.get(mid, [])
            assert len(settled) <= 1, f"{mid} was settled twice: {settled}"
            for record in settled:
                assert record["pid"] == message["assignee"]
            assert (message["status"] == "pending") == (not settled)
        else:
            assert set(message["deliveries"]) <= set(room.state.participants)
            for pid, status in message["deliveries"].items():
                acks = [
                    r
                    for r in room.records
                    if r["type"] == "acknowledged" and r["mid"] == mid and r["pid"] == pid
                ]
                assert len(acks) == (1 if status == "acknowledged" else 0)
    public = [r for r in room.records if audience(r) is None]
    assert [r["prev"] for r in public] == [0, *(r["seq"] for r in public[:-1])]
    names = [p["name"].casefold() for p in room.state.participants.values()]
    assert len(names) == len(set(names))


# -- names, removal, locking, role changes -------------------------------------------------------


def test_a_joining_name_is_cleaned_and_look_alikes_are_refused(room):
    (ana,) = room.join("Ana")
    assert room.state.participants[ana]["name"] == "Ana"
    # Full-width letters, then a zero-width space.
    (joined,) = room.act("p-x", "join", name="\uff3a\uff4f\uff45\u200b")
    assert joined["name"] == "Zoe"
    assert "looks like" in room.refused("p-y", "join", name="\u0410na")  # Cyrillic A
    assert "looks like" in room.refused("p-y", "join", name="Z\u200boe.")
    assert "reverse" in room.refused("p-y", "join", name="Ana\u202eeL")
    assert "display name is missing" in room.refused("p-y", "join", name="\u200b\u2060")


def test_the_teacher_removes_someone_who_may_come_back(room):
    ana, ben = room.join("Ana", "Ben")
    (removed,) = room.act(TEACHER, "remove", pid=ana)
    assert removed == {**removed, "type": "removed", "pid": ana, "name": "Ana", "banned": False}
    assert ana not in room.state.participants
    assert room.refused(ana, "role", kind="handler", service="Payment") == "Join the room first."
    room.act("p-ana-2", "join", name="Ana", was=ana)
    assert "not in the room" in room.refused(TEACHER, "remove", pid=ana)
    assert "Only the teacher" in room.refused(ben, "remove", pid="p-ana-2")


def test_a_learner_locked_out_cannot_come_back_from_the_same_browser(room):
    (ana,) = room.join("Ana")
    room.act(TEACHER, "lock_out", pid=ana)
    assert room.state.banned == [ana]
    refusal = room.refused("p-new", "join", name="Someone", was=ana)
    assert refusal == "The teacher has removed you from this room."
    assert fold(room.records).banned == [ana]


def test_a_locked_room_takes_nobody_new_until_unlocked(room):
    (ana,) = room.join("Ana")
    room.act(TEACHER, "lock")
    assert "locked this room" in room.refused("p-ben", "join", name="Ben")
    assert "already locked" in room.refused(TEACHER, "lock")
    room.subscribe(ana, "Email")  # those inside carry on
    room.act(TEACHER, "unlock")
    room.join("Ben")
    assert fold(room.records).locked is False


def test_a_command_held_by_someone_removed_times_out(room):
    (ana,) = room.join("Ana")
    room.instance(ana)
    mid = room.message(room.act(TEACHER, "send", name="ProcessPayment"))["mid"]
    room.act(TEACHER, "remove", pid=ana)
    room.now += COMMAND_TIMEOUT_MS
    (timed_out,) = room.state.settle(room.now)
    assert timed_out["mid"] == mid


def test_leaving_takes_the_learner_out_of_the_room(room):
    (ana,) = room.join("Ana")
    (left,) = room.act(ana, "leave")
    assert left["name"] == "Ana"
    assert ana not in room.state.participants


def test_role_changes_are_limited_per_learner_per_minute(room):
    ana, ben = room.join("Ana", "Ben")
    services = ["Payment", "Order"]
    for n in range(room_module.ROLE_CHANGES_PER_MINUTE):
        room.now += 100
        room.instance(ana, services[n % 2])
    room.now += 100
    assert "wait a little" in room.refused(ana, "role", kind="handler", service="Fulfillment")
    assert "wait a little" in room.refused(ana, "leave_role")
    room.instance(ben)  # another learner is not held back
    room.now += 60_000
    room.instance(ana, "Fulfillment")
    assert (
        fold(room.records).participants[ana]["role_times"]
        == (room.state.participants[ana]["role_times"])
    )
