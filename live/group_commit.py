"""Gathers database writes made by a process's sockets and does them together.

Database work runs on one thread per process, one call at a time, and with connections closed
after each call (see docs/deploy.md) every call also opens one. While one write is in progress,
the writes that arrive queue here, and the next transaction takes all of them (group commit): under
load a batch grows with the queue, and a quiet server still writes each one at once. A backlog is
written on one connection, batch after batch, for up to DRAIN_S; then the thread is handed back, so
that other database work (a socket connecting, a page) is not kept waiting behind a busy room.
Each caller waits for its own write to be committed and gets its own result back.

Two options serve the classroom's room writer, one instance per room: `after_commit` is awaited on
the event loop with each committed batch before its callers hear back (the room sends what the
batch appended to its sockets, in commit order), and `isolate_failures` retries the items of a
batch whose transaction failed as a whole one at a time, so that one bad request fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Hashable

from channels.db import database_sync_to_async
from django.db import close_old_connections

BATCH_LIMIT = 200
DRAIN_S = 0.05


class GroupCommit[Item, Result]:
    """`write_many(items)` runs on the database thread and returns one result per item, in order.

    A result that is an exception is raised to its own caller only; an exception from the whole
    call reaches every caller of that batch, so none is left waiting.
    """

    def __init__(
        self,
        write_many: Callable[[list[Item]], list[Result]],
        *,
        gather_s: float = 0,
        after_commit: Callable[[list[Item], list[Result]], Awaitable[None]] | None = None,
        isolate_failures: bool = False,
    ):
        self.write_many = write_many
        self.gather_s = gather_s
        self.after_commit = after_commit
        self.isolate_failures = isolate_failures
        self.loop = asyncio.get_running_loop()
        # Shared with the database thread, which takes batches off the queue itself.
        self.lock = threading.Lock()
        self.queue: list[tuple[Item, asyncio.Future]] = []
        self.draining = False
        self.task: asyncio.Task | None = None
        self.last: asyncio.Future | None = None  # the latest write queued
        # A committed batch whose callers wait for the after-commit hook.
        self.unannounced: list[tuple[Item, asyncio.Future]] = []
        # Set by a write somebody is waiting for: the batch goes without gathering more.
        self.hurry = asyncio.Event()

    async def submit(self, item: Item) -> Result:
        return await self.enqueue(item)

    def enqueue(self, item: Item, *, hurry: bool = False) -> asyncio.Future:
        """Queues `item` and returns the future of its result, for a caller that need not wait.

        Writes are done in the order they were queued, so a caller waiting for its last write
        knows that all its earlier ones are done too.
        """
        future = self.last = self.loop.create_future()
        with self.lock:
            self.queue.append((item, future))
            start, self.draining = not self.draining, True
        if hurry:
            self.hurry.set()
        if start:
            self.task = self.loop.create_task(self._drain())
        return future

    async def flushed(self) -> None:
        """Returns once every write queued before the call is done (written or failed)."""
        last = self.last
        if last is not None and not last.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(last)

    async def _drain(self) -> None:
        try:
            if self.gather_s and not self.hurry.is_set():
                # Let the batch fill while its callers are not waiting.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.hurry.wait(), self.gather_s)
            self.hurry.clear()
            while True:
                more, written = await database_sync_to_async(self._write_queued)()
                for batch, results in written:
                    self.unannounced = batch
                    await self._announce(batch, results)
                self.unannounced = []
                if self.after_commit is not None:
                    with self.lock:
                        more = bool(self.queue)
                        self.draining = more
                if not more:
                    break  # otherwise the thread was handed back with a backlog; queue again
        except BaseException as error:
            # Whatever ended this task early, no caller may be left waiting for ever, and the
            # next write must start a new drain rather than queue behind a dead one.
            with self.lock:
                left, self.queue, self.draining = self.unannounced + self.queue, [], False
            self.unannounced = []
            failure = error if isinstance(error, Exception) else RuntimeError("write abandoned")
            for _, future in left:
                _settle(future, failure)
            if not isinstance(error, Exception):
                raise  # a cancellation goes on; a failure has been handed to every waiter

    def _write_queued(self) -> tuple[bool, list]:
        """Writes batches until the queue is empty (False) or DRAIN_S is up (True).

        Without an `after_commit` hook each caller hears back as soon as its batch commits.
        With one, a single batch is written and returned, so that the hook sees it at once
        rather than after the rest of the backlog; the event loop then looks for more.
        """
        deadline = time.monotonic() + DRAIN_S
        while True:
            with self.lock:
                batch, self.queue = self.queue[:BATCH_LIMIT], self.queue[BATCH_LIMIT:]
                if not batch:
                    self.draining = False
                    return False, []
            results = self._write_batch([item for item, _ in batch])
            if self.after_commit is not None:
                return True, [(batch, results)]
            for (_, future), result in zip(batch, results, strict=True):
                self.loop.call_soon_threadsafe(_settle, future, result)
            if time.monotonic() >= deadline:
                return True, []

    def _write_batch(self, items: list) -> list:
        try:
            return self.write_many(items)
        except Exception as error:
            close_old_connections()  # a broken connection is not used for the next write
            if not self.isolate_failures or len(items) == 1:
                return [error] * len(items)
        # The batch's transaction was rolled back whole: each item is tried again by itself,
        # and only an item that fails alone hears of a failure.
        return [self._write_batch([item])[0] for item in items]

    async def _announce(self, batch: list, results: list) -> None:
        try:
            await self.after_commit([item for item, _ in batch], results)
        except Exception as error:  # every caller of the batch hears of it; none hangs
            results = [error] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result)


def _settle(future: asyncio.Future, result: object) -> None:
    if future.done():
        return
    if isinstance(result, Exception):
        future.set_exception(result)
    else:
        future.set_result(result)


def per_loop(make: Callable[[], GroupCommit]) -> Callable[[], GroupCommit]:
    """One GroupCommit per event loop, made on first use (tests start a loop for each test)."""
    made: dict[asyncio.AbstractEventLoop, GroupCommit] = {}

    def get() -> GroupCommit:
        loop = asyncio.get_running_loop()
        if loop not in made:
            made.clear()  # an older loop's writer has nobody left to serve
            made[loop] = make()
        return made[loop]

    return get


def per_loop_keyed(make: Callable[[Hashable], GroupCommit]) -> Callable[[Hashable], GroupCommit]:
    """One GroupCommit per key (a room) and event loop, made on first use."""
    made: dict[Hashable, GroupCommit] = {}
    owner: list[asyncio.AbstractEventLoop | None] = [None]

    def get(key: Hashable) -> GroupCommit:
        loop = asyncio.get_running_loop()
        if owner[0] is not loop:
            made.clear()  # an older loop's writers have nobody left to serve
            owner[0] = loop
        if key not in made:
            made[key] = make(key)
        return made[key]

    return get
