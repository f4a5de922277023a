"""Two sockets on one learner's session: whatever one tab did, a reconnecting tab shows exactly.

A browser closes the simulator's socket while its tab is hidden and reconnects when the tab comes
back; a network drop does the same. The first frame after connecting is the whole state, rebuilt
from the stored inputs, so it must match what the other tab is looking at record for record.
"""

import asyncio
import re
import secrets
from importlib import import_module

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from config.asgi import application
from courseware.services import LEARNER_KEY
from simulator.models import Sandbox

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
LOG = re.compile(r'<ol id="sim-log-lines".*?</ol>', re.S)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_pacing")]


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
        sandbox = await database_sync_to_async(Sandbox.objects.get)(owner=f"learner:{key}")
        if until(sandbox):
            return sandbox
        await asyncio.sleep(0.02)
    return sandbox


def assert_same_picture(seen: dict, expected: dict) -> None:
    assert seen["length"] == expected["length"]
    assert LOG.search(seen["content"]).group() == LOG.search(expected["content"]).group()
    assert seen["view"] == expected["view"]


async def test_a_tab_that_dropped_mid_run_catches_up_with_the_other_tab():
    cookie, _ = await learner_session()
    first, _ = await open_tab(cookie)
    second, _ = await open_tab(cookie)

    await request(first, {"action": "send", "name": "PlaceOrder"}, "steps")
    await request(first, {"action": "play"}, "state")
    for _ in range(3):
        frame = await first.receive_json_from(timeout=5)
        assert frame["type"] == "steps"
    await first.disconnect()  # mid-run, as a hidden tab's socket is closed

    # The learner carries on in the other tab while the first is away. Tabs do not talk to each
    # other, so the second works on the copy it loaded and its inputs are what gets stored.
    await request(second, {"action": "set_online", "service": "Email", "online": False}, "steps")
    await request(second, {"action": "send", "name": "PlaceOrder"}, "steps")
    await request(second, {"action": "step"}, "steps")
    expected = await current_state(second)

    first, resumed = await open_tab(cookie)

    assert_same_picture(resumed, expected)
    assert resumed["playing"] is False
    await first.disconnect()
    await second.disconnect()


async def test_a_tab_that_saw_nothing_new_does_not_undo_the_other_tab_when_it_drops():
    cookie, key = await learner_session()
    idle, _ = await open_tab(cookie)
    busy, _ = await open_tab(cookie)
    await request(busy, {"action": "send", "name": "PlaceOrder"}, "steps")
    await request(busy, {"action": "step"}, "steps")
    expected = await current_state(busy)

    await idle.disconnect()  # the idle tab is hidden: its socket closes and saves on the way out

    stored = await database_sync_to_async(Sandbox.objects.get)(owner=f"learner:{key}")
    assert len(stored.inputs) == 1
    idle, resumed = await open_tab(cookie)
    assert_same_picture(resumed, expected)
    await idle.disconnect()
    await busy.disconnect()


async def test_a_reconnect_during_a_guided_pause_shows_the_same_explanation():
    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie, "/ws/simulator/?scenario=email-down")
    await request(tab, {"action": "predict", "skip": True}, "state")
    await request(tab, {"action": "play"}, "state")
    for _ in range(200):
        frame = await tab.receive_json_from(timeout=5)
        if frame["type"] == "state" and not frame["playing"]:
            break
    assert "parked in Email" in frame["content"]
    await tab.disconnect()

    tab, resumed = await open_tab(cookie, "/ws/simulator/?scenario=email-down")
    assert "parked in Email" in resumed["content"]
    assert resumed["length"] == frame["length"]
    await tab.disconnect()


async def test_a_rewind_is_stored_even_when_it_discards_no_input():
    cookie, key = await learner_session()
    tab, _ = await open_tab(cookie)
    await request(tab, {"action": "send", "name": "PlaceOrder"}, "steps")
    await request(tab, {"action": "step"}, "steps")
    await request(tab, {"action": "step"}, "steps")
    other, _ = await open_tab(cookie)  # reads the sandbox, then writes its own step
    await request(other, {"action": "step"}, "steps")

    await request(tab, {"action": "seek", "seq": 1}, "state")
    rewound = await request(tab, {"action": "fork"}, "state")
    rewound_at = int(re.search(r"t=(\d+) ms", rewound["content"]).group(1))

    stored = await stored_sandbox(key, until=lambda s: s.until == rewound_at)
    assert len(stored.inputs) == 1  # the rewind kept the one input
    again, resumed = await open_tab(cookie)
    assert resumed["length"] == rewound["length"] == 2
    for socket in (tab, other, again):
        await socket.disconnect()


async def test_a_save_that_fails_is_logged_and_the_sandbox_keeps_playing(monkeypatch, caplog):
    from simulator import sandboxes

    def broken(*args, **kwargs):
        raise OSError("disk full")

    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie)
    await request(tab, {"action": "send", "name": "PlaceOrder"}, "steps")
    monkeypatch.setattr(sandboxes, "save_progress", broken)

    stepped = await request(tab, {"action": "step"}, "steps")

    assert stepped["length"] > 1
    for _ in range(100):  # the save is written a moment after the frame
        if "a sandbox could not be saved" in caplog.text:
            break
        await asyncio.sleep(0.02)
    assert "a sandbox could not be saved" in caplog.text
    assert "disk full" not in caplog.text
    await tab.disconnect()


async def test_an_input_whose_save_fails_is_refused_and_undone(monkeypatch):
    from simulator import sandboxes

    def broken(*args, **kwargs):
        raise OSError("disk full")

    cookie, _ = await learner_session()
    tab, first = await open_tab(cookie)
    monkeypatch.setattr(sandboxes, "save_progress", broken)

    await tab.send_json_to({"action": "send", "name": "PlaceOrder"})
    frames = []
    while not frames or frames[-1]["type"] != "error":
        frames.append(await tab.receive_json_from(timeout=5))

    assert "could not be stored" in frames[-1]["message"]
    assert all(f["type"] != "steps" for f in frames)  # nothing ever showed the input
    state = next(f for f in frames if f["type"] == "state")
    assert state["length"] == first["length"]
    await tab.disconnect()


async def test_a_tab_reconnecting_right_after_the_other_tab_acted_sees_that_action(monkeypatch):
    from simulator import session

    monkeypatch.setattr(session, "GATHER_S", 0.3)  # the other tab's save is slow to land
    cookie, _ = await learner_session()
    other, _ = await open_tab(cookie)
    await request(other, {"action": "send", "name": "PlaceOrder"}, "steps")
    await request(other, {"action": "step"}, "steps")
    expected = await current_state(other)

    tab, resumed = await open_tab(cookie)

    assert_same_picture(resumed, expected)
    await tab.disconnect()
    await other.disconnect()
