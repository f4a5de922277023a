"""The room's socket with real sessions: the teacher drives, learners receive and answer."""

import asyncio
import contextlib
import json
import logging

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from classroom import consumers, feed, services
from classroom import room as room_module
from classroom.models import Room
from classroom.polls import poll_questions
from classroom.room import TEACHER
from config.asgi import application
from live.limits import MAX_REFUSED_FRAMES
from tests.classroom.helpers import Person, adb, frames_until

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_event_reaches_every_subscriber_and_a_command_exactly_one_instance(
    teacher, learners
):
    ana, ben, cy = learners
    t = await teacher.connect()
    assert (await t.receive_json_from())["type"] == "room"
    sockets = {}
    for person in learners:
        sockets[person.pid] = await person.connect()
        first = await sockets[person.pid].receive_json_from()
        assert first["type"] == "room"
    await sockets[ana.pid].send_json_to(
        {"action": "role", "kind": "subscriber", "service": "Email", "topic": "order-events"}
    )
    await sockets[ben.pid].send_json_to(
        {"action": "role", "kind": "subscriber", "service": "Fraud", "topic": "order-events"}
    )
    await sockets[cy.pid].send_json_to({"action": "role", "kind": "handler", "service": "Payment"})
    for person in learners:
        await frames_until(
            sockets[person.pid],
            lambda f: f.get("record", {}).get("type") == "role_taken" and f["seq"] >= 7,
        )
    await t.send_json_to({"action": "publish", "name": "OrderPlaced"})
    for person in (ana, ben):
        frames = await frames_until(
            sockets[person.pid], lambda f: f.get("record", {}).get("type") == "published"
        )
        assert frames[-1]["for_you"] is True
        assert "Acknowledge OrderPlaced" in frames[-1]["content"]
    frames = await frames_until(
        sockets[cy.pid], lambda f: f.get("record", {}).get("type") == "published"
    )
    assert frames[-1]["for_you"] is False
    await t.send_json_to({"action": "send", "name": "ProcessPayment"})
    frames = await frames_until(
        sockets[cy.pid], lambda f: f.get("record", {}).get("type") == "sent"
    )
    assert frames[-1]["for_you"] is True
    mid = frames[-1]["record"]["mid"]
    await sockets[cy.pid].send_json_to({"action": "reject", "mid": mid, "reason": "card declined"})
    frames = await frames_until(t, lambda f: f.get("record", {}).get("type") == "rejected")
    assert "card declined" in frames[-1]["content"]
    state = await adb(services.room_state)(teacher.code)
    assert state.messages[mid]["status"] == "rejected"
    for socket in [t, *sockets.values()]:
        await socket.disconnect()


# -- helpers for the tests below -----------------------------------------------------------------


def is_record(kind: str, name: str | None = None):
    def matches(frame) -> bool:
        record = frame.get("record") or {}
        return record.get("type") == kind and name in (None, record.get("name"))

    return matches


def board_shows(text: str):
    """A redraw of the teacher's board that shows `text`."""
    return lambda frame: frame["type"] == "panels" and text in frame["content"]


def controls_show(text: str):
    return lambda frame: (
        frame["type"] == "panels"
        and "room-controls" in frame["content"]
        and text in frame["content"]
    )


def is_error(frame) -> bool:
    return frame["type"] == "error"


@pytest.fixture
async def opened():
    """Opens a person's socket and reads its first frame; every socket is closed afterwards."""
    sockets = []

    async def open_for(person, code=None):
        socket = await person.connect(code)
        sockets.append(socket)
        first = await socket.receive_json_from(timeout=5)
        return socket, first

    yield open_for
    for socket in sockets:
        with contextlib.suppress(Exception):
            await socket.disconnect()


async def roles(teacher_socket, *taken):
    """Each (socket, fields) takes its role; returns once the teacher has seen them all."""
    for socket, fields in taken:
        await socket.send_json_to({"action": "role", **fields})
    for _ in taken:
        await frames_until(teacher_socket, is_record("role_taken"))


EMAIL = {"kind": "subscriber", "service": "Email", "topic": "order-events"}
FRAUD = {"kind": "subscriber", "service": "Fraud", "topic": "order-events"}
PAYMENT = {"kind": "handler", "service": "Payment"}


def log_types(code: str) -> list[str]:
    return [r["type"] for r in services.room_log(Room.objects.get(code=code))]


# -- every action --------------------------------------------------------------------------------


async def test_every_action_over_the_socket_lands_in_the_log(teacher, learners, opened):
    ana, ben, cy = learners
    t, first = await opened(teacher)
    assert first["type"] == "room"
    assert "Next: Checkout sends PlaceOrder" in first["content"]
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    c, _ = await opened(cy)

    await a.send_json_to({"action": "ping"})
    assert await a.receive_json_from() == {"type": "pong"}
    await roles(t, (a, EMAIL), (b, FRAUD), (c, PAYMENT))
    await b.send_json_to({"action": "leave_role"})
    await frames_until(t, is_record("role_left"))
    await b.send_json_to({"action": "role", **FRAUD})
    await frames_until(t, is_record("role_taken"))

    await t.send_json_to({"action": "next"})  # PlaceOrder, to Order: nobody runs it
    await frames_until(t, is_record("sent"))
    await t.send_json_to({"action": "next"})  # what follows depends on PlaceOrder's answer
    frames = await frames_until(t, lambda f: f["type"] == "error")
    assert "depends on the answer to PlaceOrder" in frames[-1]["message"]
    await t.send_json_to({"action": "publish", "name": "OrderPlaced"})  # to both subscribers
    frames = await frames_until(a, is_record("published"))
    placed = frames[-1]["record"]["mid"]
    assert frames[-1]["for_you"] is True
    await a.send_json_to({"action": "ack", "mid": placed})
    await frames_until(t, board_shows("1 of 2 acknowledged"))

    await t.send_json_to({"action": "send", "name": "ProcessPayment"})
    frames = await frames_until(c, is_record("sent", "ProcessPayment"))
    assert frames[-1]["for_you"] is True
    await c.send_json_to({"action": "accept", "mid": frames[-1]["record"]["mid"]})
    await frames_until(t, is_record("accepted"))
    await t.send_json_to({"action": "publish", "name": "PaymentCompleted"})
    await frames_until(t, is_record("published"))
    await t.send_json_to({"action": "restart_script"})
    # The redraw that the publish above asked for may come first: wait for the script's.
    await frames_until(t, controls_show("Next: Checkout sends PlaceOrder"))

    await t.send_json_to({"action": "sync"})
    frames = await frames_until(t, lambda f: f["type"] == "room")
    assert "Ana" in frames[-1]["content"]

    await t.send_json_to({"action": "close"})
    await frames_until(t, is_record("closed"))
    types = await adb(log_types)(teacher.code)
    assert types == [
        "opened",
        "joined",
        "joined",
        "joined",
        "role_taken",
        "role_taken",
        "role_taken",
        "role_left",
        "role_taken",
        "sent",
        "published",
        "acknowledged",
        "sent",
        "accepted",
        "published",
        "script_restarted",
        "closed",
    ]


# -- bad frames ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        ("{not json", "bad_json", "not valid JSON"),
        ("[1, 2]", "bad_frame", "JSON object"),
        ('{"action": "explode"}', "unknown_action", "Unknown action 'explode'"),
        ('{"no": "action"}', "unknown_action", "Unknown action None"),
        ('{"action": "ack", "mid": 5}', "bad_field", "'mid' must be text"),
        ('{"action": "ack"}', "bad_field", "ack needs 'mid'"),
        ('{"action": "answer", "choice": "two"}', "bad_field", "'choice' must be a whole number"),
        ('{"action": "answer", "choice": true}', "bad_field", "'choice' must be a whole number"),
        ('{"action": "ack", "mid": "r1", "pid": "x"}', "bad_field", "ack does not take pid"),
        ('{"action": "reject", "mid": "' + "r" * 600 + '"}', "bad_field", "too long"),
        ('{"action": "ping", "pad": "' + "x" * 70_000 + '"}', "too_large", "64 KiB"),
        ('{"action": "reject", "mid": "r1", "reason": "no\\u0000"}', "control_character", "NUL"),
        ('{"action": "publish", "name": "Order\\u001bPlaced"}', "control_character", "control"),
        ('{"action": "answer", "choice": "\u00b2"}', "bad_field", "'choice' must be a whole"),
        ('{"action": "answer", "choice": "' + "9" * 5000 + '"}', "bad_field", "whole number"),
        ('{"action": "answer", "choice": ' + "9" * 5000 + "}", "bad_number", "30 digits"),
        ('{"action": "ping", "x": ' + "[" * 5000 + "]" * 5000 + "}", "too_deep", "nest"),
    ],
)
async def test_a_bad_frame_gets_an_error_and_changes_nothing(
    learners, opened, caplog, frame, code, words
):
    ana = learners[0]
    socket, _ = await opened(ana)
    await socket.send_to(text_data=frame)
    error = await socket.receive_json_from()
    assert error["type"] == "error"
    assert error["code"] == code
    assert words in error["message"]
    assert 'role="alert"' in error["content"]
    await socket.send_json_to({"action": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    assert await adb(log_types)(ana.code) == ["opened", "joined", "joined", "joined"]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_binary_frames_are_refused(learners, opened):
    socket, _ = await opened(learners[0])
    await socket.send_to(bytes_data=b'{"action": "ping"}')
    error = await socket.receive_json_from()
    assert error["code"] == "bad_frame"


async def test_a_flood_of_frames_is_limited_then_closed(learners, opened):
    socket, _ = await opened(learners[0])
    for _ in range(200):
        await socket.send_json_to({"action": "ping"})
    pongs = limited = 0
    while True:
        output = await socket.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        frame = json.loads(output["text"])
        if frame["type"] == "pong":
            pongs += 1
        else:
            assert frame["code"] == "rate_limited"
            limited += 1
    assert output["code"] == 4008
    assert 30 <= pongs < 110
    assert limited >= MAX_REFUSED_FRAMES - 1


# -- who may act ---------------------------------------------------------------------------------


async def test_a_socket_without_a_seat_in_the_room_is_turned_away(room, learners):
    strangers = [
        Person(Client(), room.code),  # no session at all
        Person(learners[0].client, "ZZZZZZ"),  # joined another room
        Person(learners[0].client, "not-a-code"),
    ]
    for person in strangers:
        socket = await person.connect()
        error = await socket.receive_json_from()
        assert error["code"] == "not_in_room"
        output = await socket.receive_output()
        assert output == {"type": "websocket.close", "code": 4003}
        await socket.disconnect()


async def test_a_learner_cannot_act_as_the_teacher_or_as_another_learner(teacher, learners, opened):
    ana, ben, _cy = learners
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    await roles(t, (a, PAYMENT), (b, PAYMENT))
    for action, fields in [
        ("publish", {"name": "OrderPlaced"}),
        ("send", {"name": "ProcessPayment"}),
        ("next", {}),
        ("close", {}),
    ]:
        await a.send_json_to({"action": action, **fields})
        error = (await frames_until(a, is_error))[-1]
        assert error["code"] == "refused"
        assert error["message"] == "Only the teacher can do that."
    await t.send_json_to({"action": "send", "name": "ProcessPayment"})
    seen = {}
    for socket in (a, b):
        seen[socket] = (await frames_until(socket, is_record("sent")))[-1]
    mid = seen[a]["record"]["mid"]
    assert sorted(frame["for_you"] for frame in seen.values()) == [False, True]
    other = a if seen[b]["for_you"] else b
    # The instance the command did not go to cannot answer it: the id in a frame is not a claim.
    await other.send_json_to({"action": "accept", "mid": mid})
    error = await frames_until(other, is_error)
    assert "another instance" in error[-1]["message"]
    await other.send_json_to({"action": "reject", "mid": mid, "reason": "not mine"})
    error = await frames_until(other, is_error)
    assert "another instance" in error[-1]["message"]
    state = await adb(services.room_state)(teacher.code)
    assert state.messages[mid]["status"] == "pending"
    assert "publish" not in await adb(log_types)(teacher.code)


async def test_the_teacher_does_not_play_a_learner(teacher, learners, opened):
    t, _ = await opened(teacher)
    await t.send_json_to({"action": "role", **PAYMENT})
    error = await frames_until(t, is_error)
    assert "for learners" in error[-1]["message"]


async def test_private_records_reach_only_their_learner_and_the_teacher(teacher, learners, opened):
    ana, ben, _cy = learners
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    await roles(t, (a, EMAIL), (b, FRAUD))
    await t.send_json_to({"action": "publish", "name": "OrderPlaced"})
    frames = await frames_until(a, is_record("published"))
    await frames_until(b, is_record("published"))
    await a.send_json_to({"action": "ack", "mid": frames[-1]["record"]["mid"]})
    frames = await frames_until(t, board_shows("1 of 2 acknowledged"))
    # The teacher's board counts acknowledgements; they do not come one frame each.
    assert not any(is_record("acknowledged")(f) for f in frames)
    await frames_until(a, is_record("acknowledged"))
    await t.send_json_to({"action": "publish", "name": "OrderCancelled"})
    frames = await frames_until(b, lambda f: "record" in f and f["record"]["type"] != "role_taken")
    assert [f["record"]["type"] for f in frames if "record" in f] == ["published"]


# -- joining by code ----------------------------------------------------------------------------


def post_join(code: str, name: str):
    return Client().post("/classroom/join/", {"code": code, "name": name})


async def test_a_learner_joining_by_code_appears_on_the_teachers_screen(teacher, room, opened):
    t, first = await opened(teacher)
    assert "0 in the room" in first["content"]
    response = await adb(post_join)(room.code, "Dee")
    assert response.status_code == 302
    frames = await frames_until(t, is_record("joined"))
    assert "Dee joined the room." in frames[-1]["content"]
    frames = await frames_until(t, lambda f: "1 in the room" in f.get("content", ""))
    assert "Without a role: Dee" in frames[-1]["content"]


async def test_time_outs_settled_by_a_refused_join_reach_the_room(
    teacher, learners, opened, monkeypatch
):
    monkeypatch.setattr(room_module, "COMMAND_TIMEOUT_MS", 50)
    monkeypatch.setattr(feed, "DEADLINE_CHECK_S", 60)  # only the join can notice
    t, _ = await opened(teacher)
    await t.send_json_to({"action": "send", "name": "ShipOrder"})
    await frames_until(t, is_record("sent"))
    await asyncio.sleep(0.1)
    response = await adb(post_join)(teacher.code, "Ana")
    assert response.status_code == 400
    frames = await frames_until(t, is_record("timed_out"))
    assert "ShipOrder timed out" in frames[-1]["content"]


# -- reconnecting --------------------------------------------------------------------------------


async def test_a_reconnecting_learner_gets_the_room_as_it_is_now(teacher, learners, opened):
    ana, ben, _cy = learners
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    await roles(t, (a, EMAIL))
    await a.disconnect()
    await t.send_json_to({"action": "publish", "name": "OrderPlaced"})
    await frames_until(t, is_record("published"))
    b, _ = await opened(ben)
    await roles(t, (b, PAYMENT))
    a, first = await opened(ana)
    assert first["type"] == "room"
    assert "Acknowledge OrderPlaced" in first["content"]
    assert "playing <strong>Email on order-events</strong>" in first["content"]
    assert "Payment#1: Ben" in first["content"]
    assert "OrderPlaced (event) from Order was published to order-events" in first["content"]
    await a.send_json_to({"action": "ack", "mid": "r1"})
    await frames_until(t, board_shows("1 of 1 acknowledged"))


async def test_a_missed_record_is_fetched_from_the_log(teacher, learners, opened, monkeypatch):
    monkeypatch.setattr(feed, "GAP_WAIT_S", 0.1)
    ana = learners[0]
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    await roles(t, (a, EMAIL))
    # Another process appends a record whose broadcast never reaches this one.
    await adb(services.room_act)(
        code=teacher.code, actor=TEACHER, action="publish", fields={"name": "OrderPlaced"}
    )
    await t.send_json_to({"action": "publish", "name": "OrderCancelled"})
    frames = await frames_until(a, lambda f: f["type"] == "room")
    assert "Acknowledge OrderPlaced" in frames[-1]["content"]
    assert "Acknowledge OrderCancelled" in frames[-1]["content"]


def dropping_heartbeats(monkeypatch, lost):
    """The channel layer loses the heartbeats `lost` says to, as Redis does when it restarts
    between two of them; everything else goes through."""
    layer = get_channel_layer()
    send = layer.group_send

    async def group_send(group, message):
        if message["type"] == "room.alive" and lost(message["beat"]):
            return
        await send(group, message)

    monkeypatch.setattr(layer, "group_send", group_send)


async def test_a_lost_heartbeat_makes_the_socket_read_the_room_again(
    teacher, learners, opened, monkeypatch
):
    monkeypatch.setattr(feed, "LAYER_CHECK_S", 0.05)
    dropping_heartbeats(monkeypatch, lambda beat: beat == 3)
    a, first = await opened(learners[0])
    assert first["type"] == "room"
    frames = await frames_until(a, lambda f: f["type"] == "room", timeout=2)
    assert frames[-1]["seq"] == first["seq"]


async def test_a_socket_that_hears_no_heartbeat_closes_so_the_page_reconnects(
    teacher, learners, opened, monkeypatch
):
    monkeypatch.setattr(feed, "LAYER_CHECK_S", 0.02)
    monkeypatch.setattr(feed, "LAYER_DEAF_S", 0.1)
    dropping_heartbeats(monkeypatch, lambda beat: True)
    a, _ = await opened(learners[0])
    output = await a.receive_output(timeout=2)
    assert output == {"type": "websocket.close", "code": consumers.CLOSE_LAYER_DOWN}


async def test_heartbeats_that_all_arrive_change_nothing(teacher, learners, opened, monkeypatch):
    monkeypatch.setattr(feed, "LAYER_CHECK_S", 0.02)
    a, _ = await opened(learners[0])
    await asyncio.sleep(0.3)
    assert await a.receive_nothing(timeout=0.1)


# -- time -----------------------------------------------------------------------------------------


async def test_an_unanswered_command_times_out_by_itself(teacher, learners, opened, monkeypatch):
    monkeypatch.setattr(room_module, "COMMAND_TIMEOUT_MS", 300)
    monkeypatch.setattr(feed, "DEADLINE_CHECK_S", 0.05)
    cy = learners[2]
    t, _ = await opened(teacher)
    c, _ = await opened(cy)
    await roles(t, (c, PAYMENT))
    await t.send_json_to({"action": "send", "name": "ProcessPayment"})
    frames = await frames_until(c, is_record("sent", "ProcessPayment"))
    mid = frames[-1]["record"]["mid"]
    frames = await frames_until(t, is_record("timed_out"))
    assert frames[-1]["record"]["mid"] == mid
    assert "timed out" in frames[-1]["content"]
    frames = await frames_until(c, is_record("timed_out"))
    assert frames[-1]["for_you"] is True
    assert "ProcessPayment: Timed out" in frames[-1]["content"]
    await frames_until(t, lambda f: "Timed out" in f.get("content", ""))
    await c.send_json_to({"action": "accept", "mid": mid})
    error = await frames_until(c, is_error)
    assert error[-1]["message"].startswith("Too late")
    assert (await adb(log_types)(teacher.code)).count("timed_out") == 1


# -- polls ---------------------------------------------------------------------------------------


async def test_a_poll_gathers_answers_live_then_reveals_them(teacher, learners, opened):
    question = poll_questions()[0]
    ana, ben, _cy = learners
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    await a.send_json_to({"action": "poll", "question": question.id})
    error = await frames_until(a, is_error)
    assert error[-1]["message"] == "Only the teacher can do that."
    await t.send_json_to({"action": "poll", "question": "no/such-question"})
    error = await frames_until(t, is_error)
    assert error[-1]["message"] == "There is no such question."

    await t.send_json_to({"action": "poll", "question": question.id})
    frames = await frames_until(a, lambda f: f["type"] == "panels" and "room-poll" in f["content"])
    assert question.choices[0] in frames[-1]["content"]
    assert 'name="choice"' in frames[-1]["content"]
    wrong = (question.answer + 1) % len(question.choices)
    await a.send_json_to({"action": "answer", "choice": str(question.answer)})
    await b.send_json_to({"action": "answer", "choice": wrong})
    await a.send_json_to({"action": "answer", "choice": 99})
    error = await frames_until(a, is_error)
    assert error[-1]["message"] == "That is not one of the answers."
    frames = await frames_until(t, lambda f: "2 of 3 answered" in f.get("content", ""))
    histogram = frames[-1]["content"]
    assert histogram.count('<span class="histogram__count">1</span>') == 2
    assert "(right answer)" not in histogram
    await frames_until(a, lambda f: "Answer received" in f.get("content", ""))

    await t.send_json_to({"action": "reveal"})
    frames = await frames_until(a, lambda f: "(right answer)" in f.get("content", ""))
    # Ben's answer went to Ben and the teacher, never to Ana.
    answered = [f for f in frames if is_record("poll_answered")(f)]
    assert answered == []
    frames = await frames_until(b, lambda f: "(right answer)" in f.get("content", ""))
    revealed = frames[-1]["content"]
    assert "(right answer)" in revealed
    assert "2 of 3 answered" in revealed
    assert question.explanation[:40] in revealed
    await b.send_json_to({"action": "answer", "choice": question.answer})
    error = await frames_until(b, is_error)
    assert error[-1]["message"] == "There is no open poll to answer."
    state = await adb(services.room_state)(teacher.code)
    counts = [0] * len(question.choices)
    counts[question.answer] += 1
    counts[wrong] += 1
    assert state.poll["counts"] == counts


# -- closing -------------------------------------------------------------------------------------


async def test_closing_the_room_shows_everyone_and_stops_every_action(teacher, learners, opened):
    ana, ben, _cy = learners
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    await roles(t, (a, EMAIL))
    await t.send_json_to({"action": "close"})
    for socket in (t, a, b):
        frames = await frames_until(socket, lambda f: f["type"] == "room")
        assert "This room is closed." in frames[-1]["content"]
        assert any(f.get("record", {}).get("type") == "closed" for f in frames)
    assert "Subscribe" not in frames[-1]["content"]
    for socket, action, fields in [
        (a, "role", PAYMENT),
        (a, "leave_role", {}),
        (b, "answer", {"choice": 0}),
        (t, "publish", {"name": "OrderPlaced"}),
        (t, "next", {}),
        (t, "close", {}),
    ]:
        await socket.send_json_to({"action": action, **fields})
        error = await frames_until(socket, is_error)
        assert error[-1]["message"] == "This room is closed."
    room = await adb(Room.objects.get)(code=teacher.code)
    assert not room.is_open
    assert (await adb(log_types)(teacher.code))[-1] == "closed"


# -- sending people out, locking the room, tabs --------------------------------------------------


async def test_the_teacher_removes_a_learner_whose_socket_is_closed(teacher, learners, opened):
    ana, ben, _ = learners
    t, first = await opened(teacher)
    assert "Lock out Ana" in first["content"]
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    await t.send_json_to({"action": "lock_out", "pid": ana.pid})
    error = await frames_until(a, is_error)
    assert error[-1]["message"] == "The teacher removed you from this room."
    assert await a.receive_output(timeout=5) == {"type": "websocket.close", "code": 4003}
    frames = await frames_until(b, is_record("removed"))
    assert "The teacher removed Ana from the room for good." in frames[-1]["content"]
    panels = await frames_until(
        t, lambda f: f["type"] == "panels" and "room-people" in f["content"]
    )
    assert "Lock out Ana" not in panels[-1]["content"]
    # Coming back on the same session finds the door shut.
    again = await ana.connect()
    assert (await again.receive_json_from(timeout=5))["code"] == "not_in_room"
    assert await again.receive_output(timeout=5) == {"type": "websocket.close", "code": 4003}


async def test_the_teacher_locks_the_room_from_the_socket(teacher, learners, opened):
    t, _ = await opened(teacher)
    await t.send_json_to({"action": "lock"})
    frames = await frames_until(t, is_record("locked"))
    assert "nobody new can join" in frames[-1]["content"]
    response = await adb(Client().post)("/classroom/join/", {"code": teacher.code, "name": "Dee"})
    assert response.status_code == 400
    assert "locked this room" in response.content.decode()


async def test_a_learner_cannot_remove_anyone(learners, opened):
    ana, ben, _ = learners
    a, _ = await opened(ana)
    await a.send_json_to({"action": "remove", "pid": ben.pid})
    error = await frames_until(a, is_error)
    assert error[-1]["message"] == "Only the teacher can do that."


async def test_one_learner_holds_at_most_a_few_tabs_of_a_room(learners, opened):
    ana = learners[0]
    tabs = []
    for _ in range(consumers.MAX_TABS):
        socket, first = await opened(ana)
        assert first["type"] == "room"
        tabs.append(socket)
    extra = await ana.connect()
    error = await extra.receive_json_from(timeout=5)
    assert error["code"] == "too_many_tabs"
    assert await extra.receive_output(timeout=5) == {"type": "websocket.close", "code": 4029}
    _, first = await opened(learners[1])  # another learner is not counted with Ana
    assert first["type"] == "room"
    # A closed tab frees its place.
    await tabs[0].disconnect()
    _, first = await opened(ana)
    assert first["type"] == "room"


async def test_a_failing_handler_answers_with_an_error_and_the_room_goes_on(
    learners, opened, monkeypatch, caplog
):
    async def broken(self, action, fields):
        raise RuntimeError("a learner's words")

    socket, _ = await opened(learners[0])
    monkeypatch.setattr(consumers.RoomConsumer, "act", broken)
    await socket.send_json_to({"action": "leave_role"})
    error = await socket.receive_json_from(timeout=5)
    assert error["code"] == "server_error"
    await socket.send_json_to({"action": "ping"})
    assert await socket.receive_json_from(timeout=5) == {"type": "pong"}
    assert "a learner's words" not in caplog.text
    assert "lost its channel layer" not in caplog.text


async def test_a_socket_ended_without_disconnect_leaves_no_task_behind(learners):
    socket = await learners[0].connect()
    await socket.receive_json_from(timeout=5)
    await socket.send_json_to({"action": "ping"})
    await socket.receive_json_from(timeout=5)

    def room_tasks():
        return [
            t
            for t in asyncio.all_tasks()
            if any(n in repr(t.get_coro()) for n in ("_watch_layer", "_watch_deadlines"))
        ]

    assert room_tasks()
    socket.future.cancel()  # as a server shutting down, or a failure outside any handler, does
    with contextlib.suppress(asyncio.CancelledError):
        await socket.future
    await asyncio.sleep(0)
    assert not [t for t in room_tasks() if not t.done()]


async def test_a_question_about_the_rooms_own_run_is_answered_from_the_room(
    teacher, learners, opened
):
    ana, ben, _cy = learners
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    await t.send_json_to({"action": "poll", "question": "room/recipients"})
    error = await frames_until(t, is_error)
    assert error[-1]["message"].startswith("Publish an event first")
    await roles(t, (a, EMAIL), (b, FRAUD))
    await t.send_json_to({"action": "publish", "name": "OrderPlaced"})
    await frames_until(t, is_record("published"))
    await t.send_json_to({"action": "poll", "question": "room/recipients"})
    frames = await frames_until(a, lambda f: "room-poll" in f.get("content", ""))
    assert "How many people in this room received it?" in frames[-1]["content"]
    poll = (await adb(services.room_state)(teacher.code)).poll
    assert poll["choices"][poll["answer"]] == "Two"


async def test_a_command_held_by_someone_changing_role_reaches_the_other_instance(
    teacher, learners, opened
):
    ana, ben, _cy = learners
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    await roles(t, (a, PAYMENT))
    await roles(t, (b, PAYMENT))
    await t.send_json_to({"action": "send", "name": "ProcessPayment"})
    frames = await frames_until(a, is_record("sent", "ProcessPayment"))
    assert frames[-1]["for_you"] is True
    await a.send_json_to({"action": "role", **EMAIL})
    frames = await frames_until(b, is_record("handed_over"))
    assert frames[-1]["for_you"] is True
    assert "Accept ProcessPayment" in frames[-1]["content"]
    frames = await frames_until(t, is_record("role_taken"))
    log = " ".join(f.get("content", "") for f in frames)
    assert "ProcessPayment passed to Ben (Payment#2)" in log


async def open_projector(person: Person):
    socket = WebsocketCommunicator(
        application, f"/ws/classroom/{person.code}/projector/", headers=person.headers()
    )
    connected, _ = await socket.connect()
    assert connected
    return socket


async def test_the_projector_follows_the_room_with_routes_names_and_answers(
    teacher, learners, opened
):
    ana, ben, _cy = learners
    t, _ = await opened(teacher)
    a, _ = await opened(ana)
    b, _ = await opened(ben)
    screen = await open_projector(teacher)
    try:
        first = await screen.receive_json_from(timeout=5)
        assert first["type"] == "room"
        assert "svc-payment" in first["view"]["services"]
        assert "room-controls" not in first["content"]
        await roles(t, (a, EMAIL), (b, PAYMENT))
        frames = await frames_until(screen, lambda f: "#1 Ben" in f.get("content", ""))
        assert any(
            'data-node="svc-email"' in f["content"] and "Ana" in f["content"] for f in frames
        )
        await t.send_json_to({"action": "publish", "name": "OrderPlaced"})
        (*_, published) = await frames_until(screen, is_record("published"))
        assert [(r["source"], r["target"]) for r in published["routes"]] == [
            ("svc-order", "topic-order-events"),
            ("topic-order-events", "svc-email"),
        ]
        assert published["view"]["services"]["svc-email"]["buffered"] == 1
        await a.send_json_to({"action": "ack", "mid": published["record"]["mid"]})
        # Acknowledgements come with the redraws, as routes back to the topic.
        (*_, redraw) = await frames_until(screen, lambda f: f.get("routes"))
        assert redraw["type"] == "panels"
        assert [(r["step"], r["source"]) for r in redraw["routes"]] == [("replied", "svc-email")]
        assert redraw["view"]["services"]["svc-email"]["buffered"] == 0
        await t.send_json_to({"action": "send", "name": "ProcessPayment"})
        (*_, sent) = await frames_until(screen, is_record("sent"))
        await b.send_json_to({"action": "reject", "mid": sent["record"]["mid"], "reason": "No"})
        (*_, refused) = await frames_until(screen, is_record("rejected"))
        assert [(r["step"], r["source"], r["target"]) for r in refused["routes"]] == [
            ("rejected", "svc-payment", "svc-order")
        ]
    finally:
        await screen.disconnect()


async def test_the_projector_only_shows(teacher, learners, opened):
    screen = await open_projector(teacher)
    try:
        await screen.receive_json_from(timeout=5)
        before = await adb(log_types)(teacher.code)
        for action, fields in [("next", {}), ("close", {}), ("publish", {"name": "OrderPlaced"})]:
            await screen.send_json_to({"action": action, **fields})
            error = await screen.receive_json_from(timeout=5)
            assert error["code"] == "refused"
        await screen.send_json_to({"action": "ping"})
        assert (await screen.receive_json_from(timeout=5))["type"] == "pong"
        assert await adb(log_types)(teacher.code) == before
    finally:
        await screen.disconnect()


async def test_only_the_teacher_opens_the_projectors_socket(room, learners):
    for person in (learners[0], Person(Client(), room.code)):
        socket = await open_projector(person)
        error = await socket.receive_json_from(timeout=5)
        assert error["code"] == "not_in_room"
        assert await socket.receive_output() == {"type": "websocket.close", "code": 4003}
        await socket.disconnect()
