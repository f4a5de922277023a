"""What the classroom's tests share: people with their own sessions on the room's socket, and the
room model driven by hand with its log kept beside it."""

from __future__ import annotations

import re

import pytest
import segno
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from classroom.room import RoomRefused, RoomState, opened_record, script_for
from config.asgi import application

CATALOGUE, SCRIPT = script_for("order-flow")

# A poll question as a teacher's bank holds it.
QUESTION = {
    "id": "basics/q1",
    "prompt": "Which of these is an event?",
    "choices": ["PlaceOrder", "OrderPlaced", "ShipOrder"],
    "answer": 1,
    "explanation": "An event names something that already happened.",
}

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


class Person:
    def __init__(self, client: Client, code: str, pid: str | None = None):
        self.client = client
        self.code = code
        self.pid = pid

    def headers(self):
        cookie = "; ".join(f"{k}={v.value}" for k, v in self.client.cookies.items())
        return [ORIGIN, (b"cookie", cookie.encode())]

    async def connect(self, code: str | None = None):
        path = f"/ws/classroom/{code or self.code}/"
        socket = WebsocketCommunicator(application, path, headers=self.headers())
        connected, _ = await socket.connect()
        assert connected
        return socket


def join(code: str, name: str) -> Person:
    client = Client()
    response = client.post("/classroom/join/", {"code": code, "name": name})
    assert response.status_code == 302, response.content[:500]
    pid = client.session["classroom_rooms"][code]
    return Person(client, code, pid)


async def frames_until(socket, predicate, limit=100, timeout=5):
    seen = []
    for _ in range(limit):
        frame = await socket.receive_json_from(timeout=timeout)
        seen.append(frame)
        if predicate(frame):
            return seen
    raise AssertionError(f"the expected frame never came; saw {[f['type'] for f in seen]}")


async def act(person: Person, socket, action: str, **fields):
    await socket.send_json_to({"action": action, **fields})


adb = database_sync_to_async


class Room:
    """A room and its log, kept the way the services keep them: every record, in order."""

    def __init__(self, now: int = 0):
        self.state = RoomState(catalogue=CATALOGUE)
        self.records = [self.state.record(opened_record("K7QMX2", "order-flow", "Group B"), now)]
        self.state.catalogue = CATALOGUE
        self.now = now

    def act(self, actor: str, action: str, **fields) -> list[dict]:
        try:
            records = self.state.act(actor, action, fields, self.now)
        except RoomRefused as refusal:
            self.records += getattr(refusal, "records", [])
            raise
        self.records += records
        return records

    def refused(self, actor: str, action: str, **fields) -> str:
        before = len(self.records)
        seq = self.state.seq
        with pytest.raises(RoomRefused) as caught:
            self.act(actor, action, **fields)
        assert len(self.records) == before, "a refusal appended a record"
        assert self.state.seq == seq
        return str(caught.value)

    def join(self, *names: str) -> list[str]:
        pids = []
        for name in names:
            pid = f"p-{name.lower()}"
            self.act(pid, "join", name=name)
            pids.append(pid)
        return pids

    def subscribe(self, pid: str, service: str, topic: str = "order-events") -> None:
        self.act(pid, "role", kind="subscriber", service=service, topic=topic)

    def instance(self, pid: str, service: str = "Payment") -> None:
        self.act(pid, "role", kind="handler", service=service)

    def message(self, records: list[dict]) -> dict:
        (record,) = [r for r in records if r["type"] in ("published", "sent")]
        return self.state.messages[record["mid"]]


def qr_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules an inline SVG from segno draws, read back from its path: each `h` run
    along a row, `m` moves, rows one unit apart (its quiet zone is four modules wide)."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for step in range(int(float(a))):
                dark.add((int(x) + step - 4, int(y) - 4))
            x += float(a)
    return dark


def expected_qr_modules(url: str) -> set[tuple[int, int]]:
    matrix = segno.make(url, error="m").matrix
    return {(x, y) for y, row in enumerate(matrix) for x, bit in enumerate(row) if bit}
