"""Gathers the requests a process's sockets make to one room and writes them together.

Database work runs on one thread per process, one call at a time. While one call writes, the
requests that arrive queue here, and the next call takes all of them in one transaction (group
commit), so forty learners acknowledging the same event cost a handful of commits, not forty.
Each request still gets its own answer: its records, or its refusal. Before answering, the
writer sends everything the transaction appended to the room's groups, in order, one message per
group (classroom/fanout.py), so the records of a write reach every socket together.
"""

from __future__ import annotations

import asyncio

from channels.db import database_sync_to_async

from classroom import fanout, services
from classroom.room import RoomRefused

BATCH_LIMIT = 200


class RoomWriter:
    def __init__(self, code: str, layer):
        self.code = code
        self.layer = layer
        self.loop = asyncio.get_running_loop()
        self.queue: list[tuple[services.Request, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def submit(self, actor: str, action: str, fields: dict) -> list[dict]:
        """The records the request appended; raises RoomRefused (with any `records`) if refused."""
        future = self.loop.create_future()
        self.queue.append(((actor, action, fields), future))
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._drain())
        result = await future
        if isinstance(result, services.RoomRefused):
            raise result
        return result

    async def _drain(self) -> None:
        alone = 0  # requests to try one at a time, after the batch they were in failed
        while self.queue:
            size = 1 if alone else BATCH_LIMIT
            batch, self.queue = self.queue[:size], self.queue[size:]
            alone = max(0, alone - 1)
            try:
                results = await database_sync_to_async(services.room_act_many)(
                    code=self.code, requests=[request for request, _ in batch]
                )
            except Exception as error:
                if len(batch) > 1:
                    # The batch's transaction was rolled back whole. One bad request must not
                    # fail the others, so each is tried again alone, and only a request that
                    # fails by itself hears of it.
                    self.queue = batch + self.queue
                    alone = len(batch)
                else:
                    _fail(batch, error)
                continue
            appended = [
                record
                for result in results
                for record in (result.records if isinstance(result, RoomRefused) else result)
            ]
            try:
                await fanout.send_records(self.layer, self.code, appended)
            except Exception as error:  # every waiting socket hears of it, none hangs
                _fail(batch, error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


def _fail(batch: list, error: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(error)


_writers: dict[str, RoomWriter] = {}


def writer_for(code: str, layer) -> RoomWriter:
    writer = _writers.get(code)
    # A writer belongs to one event loop; tests start a new loop for each test.
    if writer is None or writer.loop is not asyncio.get_running_loop() or writer.layer is not layer:
        writer = _writers[code] = RoomWriter(code, layer)
    return writer
