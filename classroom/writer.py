"""Gathers the requests a process's sockets make to one room and writes them together.

Database work runs on one thread per process, one call at a time. While one call writes, the
requests that arrive queue here, and the next call takes all of them in one transaction (group
commit), so forty learners acknowledging the same event cost a handful of commits, not forty.
Each request still gets its own answer: its records, or its refusal. Before answering, the
writer sends everything the transaction appended to the room's groups, in order, one message per
group (classroom/fanout.py), so the records of a write reach every socket together. The queue
itself is the shared one in live/group_commit.py, one per room.
"""

from __future__ import annotations

from functools import partial

from classroom import fanout, services
from classroom.room import RoomRefused
from live.group_commit import GroupCommit, per_loop_keyed


class RoomWriter:
    def __init__(self, code: str, layer):
        self.code = code
        self.layer = layer
        self.queue = GroupCommit(
            partial(_act_many, code),
            after_commit=self._announce,
            isolate_failures=True,
        )

    async def submit(self, actor: str, action: str, fields: dict) -> list[dict]:
        """The records the request appended; raises RoomRefused (with any `records`) if refused."""
        return await self.queue.submit((actor, action, fields))

    async def _announce(self, requests: list, results: list) -> None:
        appended: list[dict] = []
        for result in results:
            if isinstance(result, RoomRefused):
                appended += getattr(result, "records", [])  # time-outs settled before it
            elif not isinstance(result, Exception):
                appended += result
        await fanout.send_records(self.layer, self.code, appended)


def _act_many(code: str, requests: list[services.Request]) -> list:
    return services.room_act_many(code=code, requests=requests)


_writers = per_loop_keyed(lambda key: RoomWriter(*key))


def writer_for(code: str, layer) -> RoomWriter:
    return _writers((code, layer))
