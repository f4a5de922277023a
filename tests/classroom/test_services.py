"""The room's log in the database: codes, appends, refusals, the per-process memory, snapshots."""

from __future__ import annotations

import gc
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from classroom import services
from classroom.models import Room, RoomRecord
from classroom.room import COMMAND_TIMEOUT_MS, TEACHER, RoomRefused, fold

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000_000


def act(room: Room, actor: str, action: str, now: int = NOW, **fields) -> list[dict]:
    return services.room_act(code=room.code, actor=actor, action=action, fields=fields, now=now)


def stored(room: Room) -> list[dict]:
    return services.room_log(room)


def test_opening_a_room_makes_a_code_and_its_first_record(room, teacher_user):
    assert len(room.code) == services.CODE_LENGTH
    assert set(room.code) <= set(services.CODE_ALPHABET)
    assert room.is_open
    assert room.teacher == teacher_user
    assert room.last_seq == 1
    (opened,) = stored(room)
    assert opened["type"] == "opened"
    assert opened["seq"] == 1
    assert opened["code"] == room.code
    assert opened["script"][0] == {"verb": "send", "name": "PlaceOrder", "from": "Checkout"}
    assert opened["text"] == f"Room {room.code} (Group B) opened to run “order-flow”."
    assert room.state["code"] == room.code
    assert room.state["seq"] == 1


def test_codes_differ_and_avoid_look_alike_characters(teacher_user):
    codes = {services.room_open(teacher=teacher_user, scenario="order-flow").code for _ in range(8)}
    assert len(codes) == 8
    assert not set("".join(codes)) & set("01OIL")


@pytest.mark.parametrize(
    ("typed", "code"),
    [(" k7q mx2 ", "K7QMX2"), ("K7QMX2", "K7QMX2"), ("K7QMX0", ""), ("K7QMX", ""), (None, "")],
)
def test_a_typed_code_is_forgiven_its_case_and_spaces(typed, code):
    assert services.normalise_code(typed) == code


def test_who_is_a_teacher(teacher_user):
    users = get_user_model().objects
    plain = users.create_user("plain")
    grouped = users.create_user("grouped")
    grouped.groups.add(Group.objects.get(name="teachers"))
    assert services.is_teacher(teacher_user)
    assert services.is_teacher(grouped)
    assert not services.is_teacher(plain)
    assert not services.is_teacher(AnonymousUser())
    assert not services.is_teacher(None)


def test_each_request_appends_numbered_records_with_their_sentence(room):
    ana = services.participant_join(code=room.code, name="Ana")
    act(room, ana, "role", kind="handler", service="Payment")
    (sent,) = act(room, TEACHER, "send", name="ProcessPayment")
    act(room, ana, "reject", mid=sent["mid"], reason="card declined")
    log = stored(room)
    assert [r["seq"] for r in log] == [1, 2, 3, 4, 5]
    assert [r["type"] for r in log] == ["opened", "joined", "role_taken", "sent", "rejected"]
    assert log[1]["text"] == "Ana joined the room."
    assert log[3]["text"].startswith(
        "ProcessPayment (command) from Order was sent to Payment and taken by exactly one "
        "instance, Ana (Payment#1)"
    )
    assert log[4]["text"] == "Ana (Payment#1) rejected ProcessPayment: card declined."
    room.refresh_from_db()
    assert room.last_seq == 5
    assert RoomRecord.objects.filter(room=room).count() == 5


def test_a_refusal_appends_nothing(room):
    ana = services.participant_join(code=room.code, name="Ana")
    with pytest.raises(RoomRefused, match="Only the teacher"):
        act(room, ana, "publish", name="OrderPlaced")
    with pytest.raises(RoomRefused, match="already called ana"):
        services.participant_join(code=room.code, name="ana")
    assert [r["type"] for r in stored(room)] == ["opened", "joined"]
    room.refresh_from_db()
    assert room.last_seq == 2
    assert services.room_state(room.code).seq == 2


def test_time_outs_that_are_due_are_logged_even_when_the_request_is_refused(room):
    ana = services.participant_join(code=room.code, name="Ana")
    act(room, ana, "role", kind="handler", service="Payment")
    (sent,) = act(room, TEACHER, "send", name="ProcessPayment")
    later = NOW + COMMAND_TIMEOUT_MS
    with pytest.raises(RoomRefused, match="Too late") as caught:
        act(room, ana, "accept", now=later, mid=sent["mid"])
    assert [r["type"] for r in caught.value.records] == ["timed_out"]
    log = stored(room)
    assert log[-1]["type"] == "timed_out"
    assert log[-1]["text"] == (
        "ProcessPayment timed out: Order stopped waiting for an answer from Ana (Payment#1)."
    )
    assert services.room_state(room.code).messages[sent["mid"]]["status"] == "timed_out"


def test_settling_records_the_time_outs_once(room):
    (sent,) = act(room, TEACHER, "send", name="ShipOrder")
    assert services.room_settle(code=room.code, now=NOW + 1) == []
    (timed_out,) = services.room_settle(code=room.code, now=NOW + COMMAND_TIMEOUT_MS)
    assert timed_out["mid"] == sent["mid"]
    assert timed_out["pid"] is None
    assert services.room_settle(code=room.code, now=NOW + 2 * COMMAND_TIMEOUT_MS) == []
    assert services.room_settle(code="NOROOM", now=NOW) == []


def test_an_unknown_room_refuses(db):
    with pytest.raises(RoomRefused, match="no room with that code"):
        services.room_act(code="ZZZZZZ", actor=TEACHER, action="close", fields={})
    assert services.room_state("ZZZZZZ") is None


def test_the_memory_of_a_room_can_be_dropped(room):
    ana = services.participant_join(code=room.code, name="Ana")
    services.forget(room.code)
    act(room, ana, "role", kind="subscriber", service="Email", topic="order-events")
    services.forget(room.code)
    (published,) = act(room, TEACHER, "publish", name="OrderPlaced")
    assert published["seq"] == 4
    assert published["deliveries"] == [ana]
    services.forget(room.code)
    assert services.room_state(room.code).to_json() == fold(stored(room)).to_json()


def test_a_stale_memory_catches_up_with_what_another_process_appended(room):
    ana = services.participant_join(code=room.code, name="Ana")
    services.room_state(room.code)
    stale = services._cache[room.code]
    # Another process, with its own memory, appends two records...
    services.forget(room.code)
    act(room, ana, "role", kind="subscriber", service="Email", topic="order-events")
    act(room, TEACHER, "publish", name="OrderPlaced")
    # ...while this one still holds the room as it was before them.
    services._cache[room.code] = stale
    assert stale.seq == 2
    (acked,) = act(room, ana, "ack", mid="r1")
    assert acked["seq"] == 5
    assert [r["seq"] for r in stored(room)] == [1, 2, 3, 4, 5]
    assert services.room_state(room.code).to_json() == fold(stored(room)).to_json()


def test_a_memory_ahead_of_the_log_is_thrown_away(room):
    ana = services.participant_join(code=room.code, name="Ana")
    state = services._cache[room.code]
    # Records this process folded in but the database never kept (a rolled-back write).
    state.act(ana, "role", {"kind": "handler", "service": "Payment"}, NOW)
    assert state.seq == 3
    act(room, ana, "role", kind="subscriber", service="Email", topic="order-events")
    assert services.room_state(room.code).role_label(ana) == "Email on order-events"
    assert services.room_state(room.code).to_json() == fold(stored(room)).to_json()


def test_a_snapshot_is_written_every_so_many_records_and_a_cold_load_uses_it(room, monkeypatch):
    monkeypatch.setattr(services, "SNAPSHOT_EVERY", 5)
    pids = [services.participant_join(code=room.code, name=name) for name in ("Ana", "Ben")]
    for pid in pids:
        act(room, pid, "role", kind="subscriber", service="Email", topic="order-events")
    room.refresh_from_db()
    assert room.last_seq == 5
    assert room.state["seq"] == 5
    act(room, TEACHER, "publish", name="OrderPlaced")
    act(room, pids[0], "ack", mid="r1")
    act(room, TEACHER, "publish", name="OrderCancelled")
    room.refresh_from_db()
    assert room.last_seq == 8
    assert room.state["seq"] == 5, "the snapshot waits for the next multiple"
    full = fold(stored(room)).to_json()
    # A process meeting the room cold replays only the tail after the snapshot: the records
    # before it could be gone and the room would still come back whole.
    RoomRecord.objects.filter(room=room, seq__lte=5).delete()
    services.forget(room.code)
    assert services.room_state(room.code).to_json() == full
    for _ in range(2):
        act(room, TEACHER, "publish", name="OrderPlaced")
    room.refresh_from_db()
    assert room.last_seq == 10
    assert room.state["seq"] == 10


def test_the_log_tail_holds_only_what_everyone_may_read(room):
    ana = services.participant_join(code=room.code, name="Ana")
    act(room, ana, "role", kind="subscriber", service="Email", topic="order-events")
    act(room, TEACHER, "publish", name="OrderPlaced")
    act(room, ana, "ack", mid="r1")
    assert [r["type"] for r in services.room_log_tail(room.code)] == [
        "opened",
        "joined",
        "role_taken",
        "published",
    ]
    assert [r["type"] for r in services.room_log_tail(room.code, limit=2)] == [
        "role_taken",
        "published",
    ]


def test_closing_the_room_keeps_its_log_and_stops_its_code(room):
    ana = services.participant_join(code=room.code, name="Ana")
    (closed,) = act(room, TEACHER, "close")
    assert closed["text"] == "The teacher closed the room."
    room.refresh_from_db()
    assert not room.is_open
    assert room.closed_at is not None
    assert room.state["status"] == "closed"
    assert room.state["seq"] == room.last_seq == 3
    with pytest.raises(RoomRefused, match="closed"):
        services.participant_join(code=room.code, name="Late")
    with pytest.raises(RoomRefused, match="closed"):
        act(room, ana, "role", kind="handler", service="Payment")
    assert len(stored(room)) == 3


def test_requests_taken_together_are_answered_one_by_one_in_one_write(room):
    ana = services.participant_join(code=room.code, name="Ana")
    ben = services.participant_join(code=room.code, name="Ben")
    for pid, service in ((ana, "Email"), (ben, "Fraud")):
        act(room, pid, "role", kind="subscriber", service=service, topic="order-events")
    (published,) = act(room, TEACHER, "publish", name="OrderPlaced")
    before = Room.objects.get(pk=room.pk).last_seq
    results = services.room_act_many(
        code=room.code,
        requests=[
            (ana, "ack", {"mid": published["mid"]}),
            (ana, "ack", {"mid": published["mid"]}),  # the second is refused, alone
            (ben, "ack", {"mid": published["mid"]}),
        ],
        now=NOW,
    )
    assert [r["type"] for r in results[0]] == ["acknowledged"]
    assert isinstance(results[1], RoomRefused)
    assert "already acknowledged" in str(results[1])
    assert [r["pid"] for r in results[2]] == [ben]
    after = stored(room)
    assert [r["seq"] for r in after] == list(range(1, len(after) + 1))
    assert Room.objects.get(pk=room.pk).last_seq == before + 2
    assert fold(after).messages[published["mid"]]["deliveries"] == {
        ana: "acknowledged",
        ben: "acknowledged",
    }


def test_a_batch_for_an_unknown_room_refuses_every_request(db):
    results = services.room_act_many(code="ZZZZZZ", requests=[("x", "ack", {}), ("y", "ack", {})])
    assert all(isinstance(r, RoomRefused) for r in results)


def test_the_lock_of_a_room_nobody_is_using_is_freed(room):
    act(room, TEACHER, "publish", name="OrderPlaced")
    services.room_state(room.code)
    gc.collect()
    assert room.code not in services._room_locks


def test_two_users_of_one_code_share_its_lock_while_one_holds_it():
    code = "LKLKLK"
    held, release = threading.Event(), threading.Event()

    def hold():
        with services._lock(code):
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(5)
    gc.collect()
    second = services._lock(code)
    # A lock of its own would be free: this one is the holder's.
    assert not second.acquire(blocking=False)
    release.set()
    holder.join(5)
    assert second.acquire(timeout=5)
    second.release()
    del second
    gc.collect()
    assert code not in services._room_locks
