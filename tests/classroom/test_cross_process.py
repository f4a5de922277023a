"""A room shared by real daphne processes through a real Redis, and what happens when parts fail.

People reach the servers the way browsers do: the pages over HTTP (CSRF cookie, forms, a session
cookie) and the room over a WebSocket carrying that cookie. The teacher signs in through the
login form. A cookie jar here is per host, not per port, like a browser's, so a learner whose
server died can reconnect to another one with the session they already have.
"""

from __future__ import annotations

import asyncio
import html
import json
import time

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from classroom.models import Room, RoomRecord
from tests.classroom.browsing import (
    FRAME_TIMEOUT_S,
    PASSWORD,
    Browser,
    join,
    sign_in_and_open_room,
)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class Seat:
    """One person's socket to the room, on one server."""

    def __init__(self, name: str, browser: Browser, server, code: str):
        self.name = name
        self.browser = browser
        self.server = server
        self.code = code
        self.ws = None

    async def open(self, server=None):
        """Connects (to `server` if given) and returns the first frame, which must be `room`."""
        first = await self.first_frame(server)
        assert first["type"] == "room", first
        return first

    async def attempt(self) -> str:
        """Tries to connect: `room` if the room arrived, otherwise how the attempt ended."""
        try:
            return (await self.first_frame())["type"]
        except ConnectionClosed as closed:
            return f"closed with {closed.rcvd.code if closed.rcvd else 'no code'}"
        except InvalidHandshake as refused:
            return f"refused: {refused}"

    async def first_frame(self, server=None) -> dict:
        self.server = server or self.server
        self.ws = await connect(
            f"{self.server.ws_url}/ws/classroom/{self.code}/",
            origin=self.server.url,
            additional_headers={"Cookie": self.browser.cookie_header()},
            ping_interval=None,
            open_timeout=FRAME_TIMEOUT_S,
            close_timeout=2,
        )
        return await self.next_frame()

    async def next_frame(self) -> dict:
        return json.loads(await asyncio.wait_for(self.ws.recv(), FRAME_TIMEOUT_S))

    async def send(self, action: str, **fields) -> None:
        await self.ws.send(json.dumps({"action": action, **fields}))

    async def until(self, predicate) -> list[dict]:
        seen = []
        try:
            while True:
                frame = await self.next_frame()
                seen.append(frame)
                assert frame["type"] != "error", f"{self.name} got {frame}"
                if predicate(frame):
                    return seen
        except TimeoutError:
            kinds = [(f["type"], f.get("record", {}).get("type")) for f in seen]
            raise AssertionError(
                f"{self.name}: the expected frame never came; saw {kinds}"
            ) from None

    async def record(self, kind: str, mid: str | None = None) -> dict:
        """The next `update` frame carrying a record of this type (and message)."""
        frames = await self.until(
            lambda f: (
                f["type"] == "update"
                and f["record"]["type"] == kind
                and (mid is None or f["record"]["mid"] == mid)
            )
        )
        return frames[-1]

    async def closed(self) -> int | None:
        """Waits for the server to close this socket; the close code, or None if it just died."""
        try:
            async with asyncio.timeout(FRAME_TIMEOUT_S):
                while True:
                    await self.ws.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        raise AssertionError(f"{self.name}'s socket stayed open")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


@pytest.fixture
def teacher_account(transactional_db):
    return get_user_model().objects.create_user("teacher", password=PASSWORD, is_staff=True)


@pytest.fixture
def servers(daphne_cluster, redis_url, teacher_account):
    """Two daphne processes sharing the test database and one Redis."""
    first, second = daphne_cluster(2, env={"REDIS_URL": redis_url})
    yield first, second
    for server in daphne_cluster.servers:
        assert "Traceback" not in server.log(), server.log()


@database_sync_to_async
def room_log(code: str) -> list[dict]:
    return [r.data for r in RoomRecord.objects.filter(room__code=code).order_by("seq")]


@database_sync_to_async
def last_seq(code: str) -> int:
    return Room.objects.get(code=code).last_seq


def pid_of(log: list[dict], name: str) -> str:
    return next(r["pid"] for r in log if r["type"] == "joined" and r["name"] == name)


async def take_roles(teacher: Seat, roles: list[tuple[Seat, dict]]) -> None:
    # One after the other, so handler instances are numbered in the order listed.
    for seat, role in roles:
        await seat.send("role", **role)
        await teacher.record("role_taken")


def subscriber(service: str) -> dict:
    return {"kind": "subscriber", "service": service, "topic": "order-events"}


HANDLER = {"kind": "handler", "service": "Payment"}


async def test_one_room_across_two_processes(servers):
    a, b = servers
    teacher_browser, code = sign_in_and_open_room(a)
    people = {
        "Ana": b,  # subscribers: two on B, one on A
        "Ben": b,
        "Cy": a,
        "Dee": b,  # Payment instances: two on B, one on A
        "Eve": a,
        "Fay": b,
    }
    seats = {
        name: Seat(name, join(server, code, name), server, code) for name, server in people.items()
    }
    teacher = Seat("teacher", teacher_browser, a, code)
    await teacher.open()
    for seat in seats.values():
        await seat.open()
    subscribers = [seats["Ana"], seats["Ben"], seats["Cy"]]
    handlers = [seats["Dee"], seats["Eve"], seats["Fay"]]
    await take_roles(
        teacher,
        [
            (seats["Ana"], subscriber("Email")),
            (seats["Ben"], subscriber("Fraud")),
            (seats["Cy"], subscriber("Analytics")),
            *((h, HANDLER) for h in handlers),
        ],
    )

    await teacher.send("publish", name="OrderPlaced")
    published = await teacher.record("published")
    mid = published["record"]["mid"]
    for seat in subscribers:
        frame = await seat.record("published", mid)
        assert frame["for_you"] is True, seat.name
        assert f'id="inbox-{mid}"' in frame["content"]
        await seat.send("ack", mid=mid)
    for seat in handlers:
        assert (await seat.record("published", mid))["for_you"] is False

    for _ in range(6):
        await teacher.send("send", name="ProcessPayment")
    sent = [(await teacher.record("sent"))["record"]["mid"] for _ in range(6)]
    taken: dict[str, list[str]] = {}
    for seat in handlers:
        for command in sent:
            frame = await seat.record("sent", command)
            if frame["for_you"]:
                taken.setdefault(command, []).append(seat.name)
                await seat.send("accept", mid=command)
    assert taken == {command: [handlers[i % 3].name] for i, command in enumerate(sent)}, (
        "each command to exactly one instance, taking turns"
    )
    for _ in range(6):
        await teacher.record("accepted")

    log = await room_log(code)
    assert [r["seq"] for r in log] == list(range(1, len(log) + 1))
    pids = {name: pid_of(log, name) for name in seats}
    commands = [r for r in log if r["type"] == "sent"]
    assert [r["mid"] for r in commands] == sent
    assert [r["pid"] for r in commands] == [pids[h.name] for h in handlers] * 2
    assert [r["instance"] for r in commands] == ["Payment#1", "Payment#2", "Payment#3"] * 2
    accepted = {r["mid"]: r["pid"] for r in log if r["type"] == "accepted"}
    assert accepted == {r["mid"]: r["pid"] for r in commands}
    acknowledged = sorted(r["pid"] for r in log if r["type"] == "acknowledged" and r["mid"] == mid)
    assert acknowledged == sorted(pids[s.name] for s in subscribers)
    for seat in [teacher, *seats.values()]:
        await seat.close()


def board_shows(text: str, times: int = 1):
    """A redraw of the teacher's board with `text` in it (at least) `times` times: the teacher
    hears of acknowledgements through the board, not one frame each."""
    return lambda frame: frame["type"] == "panels" and frame["content"].count(text) >= times


def answers_200(browser: Browser, server, path: str) -> bool:
    return browser.get(server, path)[0] == 200


async def reopen_within(seat: Seat, seconds: float) -> tuple[dict, float]:
    """Reconnects as the page does, until the room arrives; (first frame, seconds it took)."""
    start = time.monotonic()
    while True:
        try:
            return await seat.open(), time.monotonic() - start
        except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
            if time.monotonic() - start > seconds:
                raise
            await asyncio.sleep(0.25)


async def test_a_redis_outage_closes_sockets_and_the_room_resumes_from_its_log(
    servers, redis_server
):
    a, b = servers
    teacher_browser, code = sign_in_and_open_room(a)
    ana = Seat("Ana", join(b, code, "Ana"), b, code)
    cy = Seat("Cy", join(a, code, "Cy"), a, code)
    teacher = Seat("teacher", teacher_browser, a, code)
    for seat in (teacher, ana, cy):
        await seat.open()
    await take_roles(teacher, [(ana, subscriber("Email")), (cy, subscriber("Fraud"))])
    await teacher.send("publish", name="OrderPlaced")
    first = (await teacher.record("published"))["record"]["mid"]
    for seat in (ana, cy):
        await seat.record("published", first)
        await seat.send("ack", mid=first)
    await teacher.until(board_shows("2 of 2 acknowledged"))
    await teacher.send("publish", name="OrderCancelled")
    second = (await teacher.record("published"))["record"]["mid"]
    for seat in (ana, cy):
        await seat.record("published", second)
    before = await room_log(code)

    redis_server.stop()
    try:
        for seat in (teacher, ana, cy):
            assert await seat.closed() == 4503, f"{seat.name}'s socket was not closed with 4503"
        for server in (a, b):
            visitor = Browser()
            assert answers_200(visitor, server, "/lessons/")
            assert answers_200(visitor, server, "/quizzes/naming/")
        # While the layer is down, a reconnect is turned away with the code the page retries on.
        assert await ana.attempt() == "closed with 4503"
    finally:
        redis_server.start()

    reopened = {}
    for seat in (teacher, ana, cy):
        reopened[seat.name], took = await reopen_within(seat, 10)
        assert took < 10
    assert await room_log(code) == before, "the outage lost or changed nothing in the log"
    for name in ("Ana", "Cy"):
        content = reopened[name]["content"]
        assert reopened[name]["seq"] == before[-1]["seq"]
        assert f'id="inbox-{second}"' in content, "the unacknowledged event is still waiting"
        assert f'id="inbox-{first}"' not in content
        assert "OrderPlaced: Acknowledged" in content
        for record in before:
            if record["type"] != "acknowledged":
                assert html.escape(record["text"]) in content, record

    await teacher.send("publish", name="OrderPlaced")
    third = (await teacher.record("published"))["record"]["mid"]
    for seat in (ana, cy):
        assert (await seat.record("published", third))["for_you"] is True
        await seat.send("ack", mid=third)
    # The first OrderPlaced's row already says so; now the third's does too.
    await teacher.until(board_shows("2 of 2 acknowledged", times=2))
    after = await room_log(code)
    assert after[: len(before)] == before
    assert [r["seq"] for r in after] == list(range(1, len(after) + 1))
    for seat in (teacher, ana, cy):
        await seat.close()


async def test_learners_of_a_killed_process_resume_on_the_other(servers):
    a, b = servers
    teacher_browser, code = sign_in_and_open_room(a)
    ana = Seat("Ana", join(b, code, "Ana"), b, code)
    dee = Seat("Dee", join(b, code, "Dee"), b, code)
    cy = Seat("Cy", join(a, code, "Cy"), a, code)
    teacher = Seat("teacher", teacher_browser, a, code)
    for seat in (teacher, ana, dee, cy):
        await seat.open()
    await take_roles(
        teacher, [(ana, subscriber("Email")), (cy, subscriber("Fraud")), (dee, HANDLER)]
    )

    b.kill()
    for seat in (ana, dee):
        assert await seat.closed() is None, "a killed process closes nothing cleanly"
    await teacher.send("publish", name="OrderPlaced")
    event = (await teacher.record("published"))["record"]["mid"]
    await teacher.send("send", name="ProcessPayment")
    command = (await teacher.record("sent"))["record"]["mid"]
    assert (await cy.record("published", event))["for_you"] is True

    seq = await last_seq(code)
    room = await ana.open(a)
    assert room["seq"] == seq
    assert f'id="inbox-{event}"' in room["content"]
    room = await dee.open(a)
    assert room["seq"] == seq
    assert f'id="inbox-{command}"' in room["content"]
    assert "Accept ProcessPayment" in room["content"]

    await dee.send("accept", mid=command)
    assert (await teacher.record("accepted"))["record"]["mid"] == command
    await ana.send("ack", mid=event)
    await teacher.until(board_shows("1 of 2 acknowledged"))
    log = await room_log(code)
    assert [r["type"] for r in log[-2:]] == ["accepted", "acknowledged"]
    for seat in (teacher, ana, dee, cy):
        await seat.close()
