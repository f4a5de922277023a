"""A learner's sandbox session, driven without a socket: frames in as dicts, text out."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from simulator import sandboxes
from simulator import session as session_module
from simulator.models import Sandbox
from simulator.session import SandboxSession

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_pacing")]


class Page:
    """Stands for the browser: keeps every frame; `open` False once the tab has closed."""

    def __init__(self):
        self.frames: list[dict] = []
        self.open = True

    async def send(self, text: str) -> bool:
        if self.open:
            self.frames.append(json.loads(text))
        return self.open

    def types(self) -> list[str]:
        return [frame["type"] for frame in self.frames]


async def opened(owner: str | None = "learner:session-test") -> tuple[SandboxSession, Page]:
    page = Page()
    session = SandboxSession(page.send)
    await session.load(owner)
    await session.open(None)
    return session, page


async def stored(owner: str) -> Sandbox:
    return await database_sync_to_async(Sandbox.objects.get)(owner=owner)


async def test_opening_shows_the_whole_state_once():
    session, page = await opened()
    assert page.types() == ["state"]
    await session.close()


async def test_an_input_is_stored_before_its_answer_is_sent():
    session, page = await opened()
    await session.handle({"action": "send", "name": "PlaceOrder"})
    assert page.types()[-1] == "steps"
    assert len((await stored("learner:session-test")).inputs) == 1
    await session.close()


async def test_a_refused_frame_becomes_an_error_frame_and_changes_nothing():
    session, page = await opened()
    await session.handle({"action": "seek", "seq": 999})
    assert page.frames[-1]["type"] == "error"
    assert page.frames[-1]["code"] == "refused"
    assert (await stored("learner:session-test")).inputs == []
    await session.close()


async def test_an_idle_session_parks_its_engine_and_wakes_it_unchanged(monkeypatch):
    monkeypatch.setattr(session_module, "PARK_AFTER_S", 0.05)
    session, page = await opened()
    await session.handle({"action": "send", "name": "PlaceOrder"})
    await session.handle({"action": "step"})
    before = len(session.runner.engine.trace)
    for _ in range(50):
        if session.runner is None:
            break
        await asyncio.sleep(0.02)
    assert session.runner is None, "the engine was not parked"

    await session.handle({"action": "sync"})

    assert session.runner is not None
    assert len(session.runner.engine.trace) == before
    assert page.frames[-1]["type"] == "state"
    await session.close()


async def test_closing_saves_how_far_the_run_went_and_sends_nothing_more():
    session, page = await opened("learner:closing")
    await session.handle({"action": "send", "name": "PlaceOrder"})
    await session.handle({"action": "step"})
    page.open = False  # the tab closes; the next frame finds it gone
    await session.handle({"action": "step"})
    assert session.gone
    sent = len(page.frames)

    await session.close()

    assert len(page.frames) == sent
    row = await stored("learner:closing")
    assert len(row.inputs) == 1
    assert row.until > 0


async def test_a_shared_replay_plays_but_cannot_be_changed():
    sharer, _ = await opened("learner:sharer")
    await sharer.handle({"action": "send", "name": "PlaceOrder"})
    runner = sharer.runner
    token = sandboxes.share_token(sharer.sandbox, runner.engine, runner.scheduled)
    await sharer.close()

    page = Page()
    replay = SandboxSession(page.send)
    await replay.open_replay(token)
    await replay.handle({"action": "send", "name": "CancelOrder"})

    assert page.types()[0] == "state"
    assert page.frames[-1]["code"] == "refused"
    assert "shared replay" in page.frames[-1]["message"]
    await replay.close()
