"""The runner: pacing an engine in wall-clock time, and answering controls while it waits."""

import asyncio
import gc
import time

import pytest

from simulator import runner as runner_module
from simulator.engine import load_scenario
from simulator.runner import MAX_GAP_MS, MIN_GAP_MS, SCALE, Runner, gap_seconds


def test_a_gap_is_stretched_for_people_and_kept_within_bounds():
    assert gap_seconds(0, 1.0) == MIN_GAP_MS / 1000
    assert gap_seconds(10**6, 1.0) == MAX_GAP_MS / 1000
    middle = (MIN_GAP_MS + MAX_GAP_MS) / 2 / SCALE
    assert gap_seconds(middle, 1.0) == pytest.approx(middle * SCALE / 1000)
    assert gap_seconds(middle, 4.0) == pytest.approx(gap_seconds(middle, 1.0) / 4)


def timed_inputs() -> list[dict]:
    """The order flow's inputs, each with the virtual instant it is due (0 when unsaid)."""
    return [dict(i, at=i.get("at", 0)) for i in load_scenario("order-flow").inputs]


def order_flow_runner(**kwargs) -> tuple[Runner, list[float]]:
    shown: list[float] = []

    async def emit(scheduled: float) -> None:
        shown.append(scheduled)

    runner = Runner(load_scenario("order-flow").engine(), emit, scheduled=timed_inputs(), **kwargs)
    return runner, shown


async def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the runner never got there"
        await asyncio.sleep(0.001)


@pytest.mark.usefixtures("fast_pacing")
async def test_playing_shows_every_instant_in_order_until_the_end():
    runner, shown = order_flow_runner()
    runner.start()
    runner.play()
    await wait_until(runner.finished)
    await runner.stop()
    assert len(shown) >= 3
    assert shown == sorted(shown)
    assert runner.engine.trace == load_scenario("order-flow").run().trace


async def test_pausing_during_a_long_gap_stops_at_once_and_play_goes_on(monkeypatch):
    monkeypatch.setattr(runner_module, "MIN_GAP_MS", 60_000.0)
    monkeypatch.setattr(runner_module, "MAX_GAP_MS", 60_000.0)
    runner, shown = order_flow_runner()
    runner.start()
    runner.play()
    await asyncio.sleep(0.02)
    assert shown == []  # the first instant is a minute away
    runner.pause()
    await asyncio.sleep(0.02)
    monkeypatch.setattr(runner_module, "MIN_GAP_MS", 1.0)
    monkeypatch.setattr(runner_module, "MAX_GAP_MS", 1.0)
    assert shown == []
    runner.play()  # the plan is worked out again with the new pace, not the old minute
    await wait_until(lambda: len(shown) >= 2)
    await runner.stop()


async def test_a_control_given_while_an_instant_is_shown_is_not_lost(monkeypatch):
    monkeypatch.setattr(runner_module, "MIN_GAP_MS", 1.0)
    monkeypatch.setattr(runner_module, "MAX_GAP_MS", 1.0)
    runner: Runner

    async def emit(scheduled: float) -> None:
        runner.pause()  # arrives while the loop is busy showing, not while it sleeps

    runner = Runner(load_scenario("order-flow").engine(), emit, scheduled=timed_inputs())
    runner.start()
    runner.play()
    await wait_until(lambda: not runner.playing)
    shown = len(runner.engine.trace)
    await asyncio.sleep(0.05)
    assert len(runner.engine.trace) == shown
    await runner.stop()


@pytest.mark.usefixtures("fast_pacing")
async def test_paced_waits_leave_no_cycles_for_the_garbage_collector():
    # Thousands of sockets wait for their next frame many times a second. Whatever a wait leaves
    # in reference cycles is walked by every full collection, which stops every socket at once.
    runner, shown = order_flow_runner()
    gc.collect()
    gc.disable()
    try:
        runner.start()
        for _ in range(10):
            runner.engine = load_scenario("order-flow").engine()
            runner.scheduled = timed_inputs()
            runner.play()
            await wait_until(runner.finished)
        waits = len(shown)
        await runner.stop()
        cyclic = gc.collect()
    finally:
        gc.enable()
    assert waits >= 30
    assert cyclic < 10, f"{cyclic} objects in cycles after {waits} paced waits"
