"""People in a room: a teacher with an account and learners who joined by code in their own
sessions, each able to open the room's socket as a browser would (with their session cookie)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from classroom import services
from config.asgi import application

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


@pytest.fixture(autouse=True)
def fresh_memory():
    """Each test starts with no room in this process's memory and no failed join counted."""
    services._cache.clear()
    cache.clear()
    yield
    services._cache.clear()
    cache.clear()


@pytest.fixture
def teacher_user(db):
    # No password: the tests sign the teacher in directly, and hashing one is slow.
    return get_user_model().objects.create_user("teacher", is_staff=True)


@pytest.fixture
def room(teacher_user):
    return services.room_open(teacher=teacher_user, scenario="order-flow", title="Group B")


@pytest.fixture
def teacher(teacher_user, room):
    client = Client()
    client.force_login(teacher_user)
    return Person(client, room.code)


def join(code: str, name: str) -> Person:
    client = Client()
    response = client.post("/classroom/join/", {"code": code, "name": name})
    assert response.status_code == 302, response.content[:500]
    pid = client.session["classroom_rooms"][code]
    return Person(client, code, pid)


@pytest.fixture
def learners(room):
    return [join(room.code, name) for name in ("Ana", "Ben", "Cy")]


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
