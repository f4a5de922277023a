"""Writes that pile up while one is in progress go to the database together, each answered."""

import asyncio
import threading

import pytest

from live import group_commit
from live.group_commit import GroupCommit, per_loop, per_loop_keyed


class Recorder:
    """A write_many that records its batches and holds the first until released."""

    def __init__(self):
        self.batches: list[list] = []
        self.release = threading.Event()

    def __call__(self, items):
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.release.wait(timeout=5)
        return [ValueError(f"refused {i}") if i < 0 else i * 10 for i in items]


async def test_writes_queued_behind_one_in_progress_share_the_next_batch():
    write = Recorder()
    commit = GroupCommit(write)
    first = asyncio.create_task(commit.submit(1))
    await asyncio.sleep(0.05)  # the first write is now under way
    later = [asyncio.create_task(commit.submit(i)) for i in (2, 3, 4)]
    await asyncio.sleep(0.05)
    write.release.set()

    assert await first == 10
    assert [await task for task in later] == [20, 30, 40]
    assert write.batches == [[1], [2, 3, 4]]


async def test_a_refused_item_is_raised_to_its_own_caller_only():
    write = Recorder()
    write.release.set()
    commit = GroupCommit(write)
    results = await asyncio.gather(
        commit.submit(5), commit.submit(-1), commit.submit(6), return_exceptions=True
    )
    assert (results[0], results[2]) == (50, 60)
    assert isinstance(results[1], ValueError)


async def test_a_failed_batch_reaches_every_caller_in_it_and_the_next_batch_still_runs():
    calls = []

    def flaky(items):
        calls.append(list(items))
        if len(calls) == 1:
            raise ConnectionError("database went away")
        return items

    commit = GroupCommit(flaky)
    results = await asyncio.gather(commit.submit(1), commit.submit(2), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    assert await commit.submit(3) == 3


async def test_one_writer_per_event_loop():
    get = per_loop(lambda: GroupCommit(lambda items: items))
    assert get() is get()


def test_a_new_event_loop_gets_its_own_writer():
    get = per_loop(lambda: GroupCommit(lambda items: items))

    async def which():
        return get()

    assert asyncio.run(which()) is not asyncio.run(which())


async def test_a_backlog_handed_back_between_batches_is_still_all_written(monkeypatch):
    monkeypatch.setattr(group_commit, "DRAIN_S", 0.0)
    monkeypatch.setattr(group_commit, "BATCH_LIMIT", 2)
    write = Recorder()
    commit = GroupCommit(write)
    first = asyncio.create_task(commit.submit(1))
    await asyncio.sleep(0.05)
    later = [asyncio.create_task(commit.submit(i)) for i in range(2, 7)]
    await asyncio.sleep(0.05)
    write.release.set()

    assert [await task for task in [first, *later]] == [10, 20, 30, 40, 50, 60]
    assert write.batches == [[1], [2, 3], [4, 5], [6]]


async def test_flushed_waits_for_every_write_queued_before_it():
    write = Recorder()
    commit = GroupCommit(write)
    await commit.flushed()  # nothing queued: returns at once
    queued = [commit.enqueue(i) for i in (1, -2, 3)]
    waiting = asyncio.create_task(commit.flushed())
    await asyncio.sleep(0.05)
    assert not waiting.done()
    write.release.set()

    await waiting
    assert all(future.done() for future in queued)
    assert isinstance(queued[1].exception(), ValueError)  # a failed write does not hold it up


async def test_a_drain_that_dies_fails_its_waiters_and_the_next_write_starts_afresh(monkeypatch):
    write = Recorder()
    write.release.set()
    commit = GroupCommit(write)

    def broken(function):
        async def run():
            raise OSError("the database thread is gone")

        return run

    monkeypatch.setattr(group_commit, "database_sync_to_async", broken)
    with pytest.raises(OSError, match="thread is gone"):
        await asyncio.wait_for(commit.submit(1), 5)
    monkeypatch.undo()
    assert await asyncio.wait_for(commit.submit(2), 5) == 20


async def test_a_write_somebody_waits_for_skips_the_gathering():
    write = Recorder()
    write.release.set()
    commit = GroupCommit(write, gather_s=5.0)
    started = asyncio.get_running_loop().time()
    result = await asyncio.wait_for(commit.enqueue(3, hurry=True), 2)
    assert result == 30
    assert asyncio.get_running_loop().time() - started < 1.0


async def test_isolated_failures_retry_a_failed_batch_one_item_at_a_time():
    calls = []

    def poisoned(items):
        calls.append(list(items))
        if "poison" in items:
            raise ValueError("the database refused this row")
        return [f"wrote {item}" for item in items]

    commit = GroupCommit(poisoned, isolate_failures=True)
    results = await asyncio.gather(
        *(commit.submit(item) for item in ("a", "poison", "b")), return_exceptions=True
    )

    assert results[0] == "wrote a"
    assert isinstance(results[1], ValueError)
    assert results[2] == "wrote b"
    assert calls == [["a", "poison", "b"], ["a"], ["poison"], ["b"]]


async def test_after_commit_sees_each_batch_in_order_before_its_callers_hear_back():
    seen: list[tuple[list, list]] = []
    answered: list[int] = []

    async def announce(items, results):
        await asyncio.sleep(0)  # a hook may wait (a channel layer's send)
        assert not answered or answered[-1] < items[0]
        seen.append((list(items), list(results)))

    write = Recorder()
    commit = GroupCommit(write, after_commit=announce)

    async def submit(item):
        result = await commit.submit(item)
        announced = [pair for items, rs in seen for pair in zip(items, rs, strict=True)]
        assert (item, result) in announced
        answered.append(item)
        return result

    first = asyncio.create_task(submit(1))
    await asyncio.sleep(0.05)
    later = [asyncio.create_task(submit(i)) for i in (2, 3, -4)]
    await asyncio.sleep(0.05)
    write.release.set()
    results = await asyncio.gather(first, *later, return_exceptions=True)

    assert results[:3] == [10, 20, 30]
    assert isinstance(results[3], ValueError)
    assert [items for items, _ in seen] == [[1], [2, 3, -4]]


async def test_a_failing_after_commit_hook_reaches_every_caller_of_its_batch():
    async def broken(items, results):
        raise ConnectionError("the channel layer is gone")

    write = Recorder()
    write.release.set()
    commit = GroupCommit(write, after_commit=broken)
    results = await asyncio.gather(commit.submit(1), commit.submit(2), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)


async def test_one_writer_per_key_and_event_loop():
    made = []
    get = per_loop_keyed(lambda key: made.append(key) or GroupCommit(lambda items: items))
    assert get("A") is get("A")
    assert get("A") is not get("B")
    assert made == ["A", "B"]


async def test_a_drain_cancelled_while_announcing_leaves_no_caller_waiting():
    announcing = asyncio.Event()

    async def stuck(items, results):
        announcing.set()
        await asyncio.Event().wait()  # a channel layer that never answers

    write = Recorder()
    write.release.set()
    commit = GroupCommit(write, after_commit=stuck)
    callers = [asyncio.create_task(commit.submit(i)) for i in (1, 2)]
    await asyncio.wait_for(announcing.wait(), 5)

    commit.task.cancel()
    results = await asyncio.gather(*callers, return_exceptions=True)

    assert all(isinstance(r, RuntimeError) for r in results)
    assert not commit.draining  # the next write starts a drain of its own
