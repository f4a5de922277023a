"""Sends a room's new records to its sockets, through the channel layer's groups.

A room has three kinds of group: the whole room, the teacher, and one per learner. Records the
whole room may read go to the room's group; an acknowledgement or a poll answer goes to the
teacher and to the learner concerned. Records travel in batches: the records one write appended
(a writer takes every request waiting for the room in one transaction) go out as one message per
group, so a class acknowledging an event costs the teacher's group one message per write, not
one per learner. On Redis every message is a publish, and a process makes them one at a time.
"""

from __future__ import annotations

import json
from itertools import groupby

from classroom.room import TEACHER, audience


def room_group(code: str) -> str:
    return f"room-{code}"


def personal_group(code: str, actor: str) -> str:
    """The group for one person's private records: the teacher's, or one learner's."""
    return f"room-{code}-teacher" if actor == TEACHER else f"room-{code}-p-{actor}"


def records_message(records: list[dict]) -> dict:
    """Records as the channel layer carries them: as JSON text. The in-memory layer deep-copies
    a message for every socket of a group, and a published event's record lists every learner
    it went to, so 200 copies of 200 names made one publish cost O(learners²); a string is
    copied for nothing, and each socket reads its own copy out of it."""
    return {"type": "room.records", "records": json.dumps(records)}


async def send_records(layer, code: str, records: list[dict]) -> None:
    """Sends records in the order they were appended: each run of public records as one message
    to the room, each run of private ones as one message to the teacher and one to each learner
    concerned."""
    for public, run in groupby(records, key=lambda record: audience(record) is None):
        run = list(run)
        if public:
            await layer.group_send(room_group(code), records_message(run))
            continue
        await layer.group_send(personal_group(code, TEACHER), records_message(run))
        by_learner: dict[str, list[dict]] = {}
        for record in run:
            by_learner.setdefault(audience(record), []).append(record)
        for pid, theirs in by_learner.items():
            await layer.group_send(personal_group(code, pid), records_message(theirs))
