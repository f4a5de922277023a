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
        while self.queue:
            batch, self.queue = self.queue[:BATCH_LIMIT], self.queue[BATCH_LIMIT:]
            try:
                results = await database_sync_to_async(services.room_act_many)(
                    code=self.code, requests=[request for request, _ in batch]
                )
                appended = [
                    record
                    for result in results
                    for record in (result.records if isinstance(result, RoomRefused) else result)
                ]
                await fanout.send_records(self.layer, self.code, appended)
            except Exception as error:  # every waiting socket hears of it, none hangs
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


_writers: dict[str, RoomWriter] = {}


def writer_for(code: str, layer) -> RoomWriter:
    writer = _writers.get(code)
    # A writer belongs to one event loop; tests start a new loop for each test.
    if writer is None or writer.loop is not asyncio.get_running_loop() or writer.layer is not layer:
        writer = _writers[code] = RoomWriter(code, layer)
    return writer
