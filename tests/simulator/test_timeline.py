"""The timeline looks back without losing anything; only a fork discards, and it can be undone."""

import asyncio
import re

import pytest
from channels.db import database_sync_to_async

from simulator.models import Sandbox
from tests.simulator.helpers import LOG, learner_session, open_tab, request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_pacing")]


def lines(frame: dict) -> list[str]:
    return re.findall(r'data-seq="(\d+)"', LOG.search(frame["content"]).group())


def status(frame: dict) -> str:
    return re.search(r'data-status="(\w+)"', frame["content"])[1]


async def stored(key: str) -> Sandbox:
    await asyncio.sleep(0.15)  # saves are written a moment after the frame that caused them
    return await database_sync_to_async(Sandbox.objects.get)(session_key=f"{key}")


async def a_run(cookie) -> tuple:
    """A tab with an order placed and stepped through a dozen instants."""
    tab, _ = await open_tab(cookie)
    await request(tab, {"action": "send", "name": "PlaceOrder"}, "steps")
    for _ in range(12):
        await request(tab, {"action": "step"}, "steps")
    return tab, await request(tab, {"action": "sync"}, "state")


async def test_scrubbing_back_and_forth_loses_nothing():
    cookie, key = await learner_session()
    tab, present = await a_run(cookie)
    before = await stored(key)

    past = await request(tab, {"action": "seek", "seq": 3}, "state")
    assert status(past) == "past"
    assert "Looking back: step 4 of" in past["content"]
    assert max(int(s) for s in lines(past)) < len(lines(present))
    assert 'value="3"' in past["content"]
    further = await request(tab, {"action": "seek", "seq": 8}, "state")
    assert len(lines(past)) < len(lines(further)) < len(lines(present))

    back = await request(tab, {"action": "seek", "seq": present["length"] - 1}, "state")
    assert lines(back) == lines(present)
    assert status(back) != "past"
    after = await stored(key)
    assert (after.inputs, after.until) == (before.inputs, before.until)
    await tab.disconnect()


async def test_a_fork_discards_the_future_and_an_undo_brings_it_back():
    cookie, key = await learner_session()
    tab, present = await a_run(cookie)
    await request(tab, {"action": "seek", "seq": 2}, "state")
    forked = await request(tab, {"action": "fork"}, "state")
    assert len(lines(forked)) < len(lines(present))
    assert "Undo the fork" in forked["content"]
    stored_fork = await stored(key)
    assert stored_fork.until < present_until(present)

    undone = await request(tab, {"action": "undo_fork"}, "state")
    assert lines(undone) == lines(present)
    assert "Undo the fork" not in undone["content"]
    restored = await stored(key)
    assert restored.until == present_until(present)
    await tab.disconnect()

    tab, reloaded = await open_tab(cookie)
    assert lines(reloaded) == lines(present)
    await tab.disconnect()


def present_until(frame: dict) -> int:
    return int(re.search(r"t=(\d+) ms", frame["content"])[1])


async def test_next_event_and_next_delivery_move_along_the_trace_or_step_the_run():
    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie)
    await request(tab, {"action": "send", "name": "PlaceOrder"}, "steps")
    # At the present, "next event" steps the run on until an event is published.
    stepped = await request(tab, {"action": "next", "kind": "event"}, "steps")
    assert "publishes the event OrderPlaced" in stepped["content"]
    # Looking back, it moves along what already happened instead.
    await request(tab, {"action": "seek", "seq": 0}, "state")
    delivery = await request(tab, {"action": "next", "kind": "delivery"}, "state")
    assert status(delivery) == "past"
    assert lines(delivery)[-1] != "0"
    assert "delivered" in LOG.search(delivery["content"]).group().split("<li")[-1]
    await tab.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"action": "fork"}, "refused"),
        ({"action": "undo_fork"}, "refused"),
        ({"action": "next", "kind": "anything"}, "bad_field"),
        ({"action": "next"}, "bad_field"),
        ({"action": "seek", "seq": 999}, "refused"),
    ],
)
async def test_a_timeline_frame_that_makes_no_sense_is_refused(frame, code):
    cookie, _ = await learner_session()
    tab, present = await a_run(cookie)
    await tab.send_json_to(frame)
    reply = await tab.receive_json_from(timeout=5)
    assert (reply["type"], reply["code"]) == ("error", code)
    after = await request(tab, {"action": "sync"}, "state")
    assert lines(after) == lines(present)
    await tab.disconnect()
