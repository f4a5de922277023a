"""An idle sandbox puts its engine away and gets it back by replay, with nothing changed."""

import asyncio

import pytest

from simulator import rendering, sandboxes, session
from tests.simulator.test_resync import (
    assert_same_picture,
    current_state,
    learner_session,
    open_tab,
    request,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_pacing")]


@pytest.fixture
def rebuilds(monkeypatch):
    """Parks after 50 ms instead of seconds, and counts the engines rebuilt from inputs."""
    monkeypatch.setattr(session, "PARK_AFTER_S", 0.05)
    built = []
    real = sandboxes.engine_for

    def counting(sandbox):
        built.append(sandbox.scenario)
        return real(sandbox)

    monkeypatch.setattr(sandboxes, "engine_for", counting)
    return built


async def play_until_it_stops(tab) -> bool:
    """Plays until the run stops by itself; False if it was a guided pause, True at the end."""
    await request(tab, {"action": "play"}, "state")
    while not await tab.receive_nothing(timeout=0.3):
        frame = await tab.receive_json_from()
        if frame["type"] == "state" and not frame["playing"]:
            return False
    return True


async def play_to_the_end(tab, *, read_s: float) -> dict:
    """Plays through every guided pause, reading `read_s` at each; the state at the end."""
    while not await play_until_it_stops(tab):
        await asyncio.sleep(read_s)
    return await current_state(tab)


async def test_a_parked_guided_run_carries_on_exactly_as_one_never_parked(rebuilds):
    cookie, _ = await learner_session()
    parked, _ = await open_tab(cookie, "/ws/simulator/?scenario=order-flow")
    other, _ = await open_tab((await learner_session())[0], "/ws/simulator/?scenario=order-flow")
    for tab in (parked, other):
        await request(tab, {"action": "predict", "skip": True}, "state")
    built_at_connect = len(rebuilds)

    # Reading each pause's explanation for 0.3 s parks the engine; the other tab never waits.
    finished = await play_to_the_end(parked, read_s=0.3)
    rebuilt = len(rebuilds) - built_at_connect
    expected = await play_to_the_end(other, read_s=0)

    assert rebuilt >= 3, "the engine was not put away and rebuilt at each pause"
    assert finished["length"] > 10
    assert_same_picture(finished, expected)
    await parked.disconnect()
    await other.disconnect()


async def test_waking_keeps_the_speed_and_a_finished_run_takes_new_input(rebuilds):
    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie)
    await request(tab, {"action": "speed", "value": 2.0}, "state")
    await request(tab, {"action": "send", "name": "PlaceOrder"}, "steps")
    assert await play_until_it_stops(tab)
    built = len(rebuilds)
    await asyncio.sleep(0.3)  # played to the end and left alone: parked while "playing"

    answer = await request(tab, {"action": "publish", "name": "OrderPlaced"}, "steps")

    assert len(rebuilds) == built + 1
    assert answer["playing"] is True
    assert "OrderPlaced" in answer["content"]
    state = await current_state(tab)
    assert state["speed"] == 2.0
    await tab.disconnect()


async def test_a_socket_opening_a_state_already_shown_starts_parked_and_plays_the_same(rebuilds):
    rendering.SHARED.clear()
    first, _ = await open_tab((await learner_session())[0], "/ws/simulator/?scenario=email-down")
    built = len(rebuilds)
    second, shown = await open_tab(
        (await learner_session())[0], "/ws/simulator/?scenario=email-down"
    )
    assert len(rebuilds) == built, "the second socket built an engine just to show the start"
    assert shown["playing"] is False
    for tab in (first, second):
        await request(tab, {"action": "predict", "skip": True}, "state")

    one = await play_to_the_end(first, read_s=0)
    two = await play_to_the_end(second, read_s=0)

    assert len(rebuilds) > built  # playing woke it up
    assert_same_picture(two, one)
    await first.disconnect()
    await second.disconnect()
