"""What the simulator's socket tests share: a learner's session, a tab on the simulator socket,
and the frames it is sent."""

import asyncio
import re
import secrets
from importlib import import_module

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from config.asgi import application
from learners.identity import LEARNER_KEY
from simulator import rendering
from simulator.models import Sandbox

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
LOG = re.compile(r'<ol id="sim-log-lines".*?</ol>', re.S)


@database_sync_to_async
def learner_session() -> tuple[bytes, str]:
    """A session cookie whose session carries a learner key, as the lesson pages set one."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    key = secrets.token_hex(8)
    store[LEARNER_KEY] = key
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}".encode(), key


async def open_tab(cookie: bytes, path: str = "/ws/simulator/"):
    tab = WebsocketCommunicator(application, path, headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await tab.connect()
    assert connected
    state = await tab.receive_json_from(timeout=5)
    assert state["type"] == "state"
    return tab, state


async def request(tab, frame: dict, kind: str) -> dict:
    """Sends a frame and returns the first reply of `kind`, skipping paced frames in between."""
    await tab.send_json_to(frame)
    for _ in range(500):
        reply = await tab.receive_json_from(timeout=5)
        assert reply["type"] != "error", reply
        if reply["type"] == kind:
            return reply
    raise AssertionError(f"no {kind} frame after {frame}")


async def current_state(tab) -> dict:
    """The tab's own view of the sandbox, once nothing more is on its way."""
    while not await tab.receive_nothing(timeout=0.1):
        await tab.receive_json_from()
    return await request(tab, {"action": "sync"}, "state")


async def stored_sandbox(key: str, until=lambda sandbox: True) -> Sandbox:
    """The learner's stored sandbox once `until` holds: saves are written a moment after the
    frame that caused them goes out, not before."""
    for _ in range(100):
        sandbox = await database_sync_to_async(Sandbox.objects.get)(session_key=key)
        if until(sandbox):
            return sandbox
        await asyncio.sleep(0.02)
    return sandbox


def assert_same_picture(seen: dict, expected: dict) -> None:
    assert seen["length"] == expected["length"]
    assert LOG.search(seen["content"]).group() == LOG.search(expected["content"]).group()
    assert seen["view"] == expected["view"]


def render_state(sandbox, runner, *, full: bool, answer=None, memo=None) -> dict:
    """The state frame as a dict, before it is encoded and shared between sockets."""
    return rendering._state(sandbox, runner, full=full, answer=answer, memo=memo)[0]


def render_steps(sandbox, runner, since: int, *, full: bool, memo=None) -> dict:
    """A steps frame as a dict, before it is encoded and shared between sockets."""
    return rendering._steps(sandbox, runner, since, full=full, memo=memo)[0]
