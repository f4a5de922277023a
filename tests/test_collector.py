"""Garbage collections on a clock (config/collector.py)."""

import asyncio
import gc

import pytest

from config import collector


@pytest.fixture
def collections(monkeypatch):
    """The generations collected, in order, on a fast clock; no real collection is run."""
    taken: list[int] = []
    monkeypatch.setattr(collector, "YOUNG_EVERY_S", 0.002)
    monkeypatch.setattr(collector.gc, "collect", taken.append)
    return taken


async def wait_for_count(taken: list[int], count: int) -> None:
    for _ in range(2000):
        if len(taken) >= count:
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"only {len(taken)} collections ran")


def test_the_middle_and_the_full_collections_come_at_their_ticks():
    every_middle = collector.MIDDLE_EVERY
    every_full = every_middle * collector.FULL_EVERY
    assert [collector.generation_for(t) for t in range(1, every_middle)] == [0] * (every_middle - 1)
    assert collector.generation_for(every_middle) == 1
    assert collector.generation_for(every_full - every_middle) == 1
    assert collector.generation_for(every_full) == 2
    assert collector.generation_for(every_full + 1) == 0


async def test_the_clock_starts_once_per_loop_and_takes_each_generation_in_turn(collections):
    collector.pace()
    collector.pace()  # a second connection must not start a second clock
    await wait_for_count(collections, 2 * collector.MIDDLE_EVERY)
    await asyncio.sleep(0.02)
    expected = [collector.generation_for(t) for t in range(1, len(collections) + 1)]
    assert collections == expected  # one clock: with two, each tick number would come twice
    assert collections.count(1) >= 2


async def test_a_collector_turned_off_is_left_off(collections):
    gc.disable()
    try:
        collector.pace()
        await asyncio.sleep(0.05)
    finally:
        gc.enable()
    assert collections == []
    await wait_for_count(collections, 1)  # the clock kept going, and collects once allowed


async def test_the_first_connection_starts_the_clock(collections):
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    await collector.PacedCollection(app)({"type": "http"}, None, None)
    assert seen == ["http"]
    assert asyncio.get_running_loop() in collector._paced
    await wait_for_count(collections, 1)
