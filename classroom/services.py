"""Every write to a room goes through here: one transaction per request, the log first.

Each server process keeps the rooms it has met folded in memory and catches up from the log
before every decision, so a room shared by several processes still sees one history: the room's
row is locked while a request is decided and its records appended, which is what makes "each
command goes to exactly one instance" hold across processes.
"""

from __future__ import annotations

import secrets
import threading
import time
import weakref

from django.db import transaction
from django.utils import timezone

from classroom.models import Room, RoomRecord
from classroom.narration import narrate
from classroom.room import PRIVATE_RECORDS, RoomRefused, RoomState, fold, opened_record
from live.cache import BoundedCache

# An alphabet without look-alikes (0/O, 1/I/L), so a code read off a projector is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
# The folded state is written back to the room's row every so many records, so that a process
# meeting the room cold replays only the tail of the log.
SNAPSHOT_EVERY = 100

# The rooms this process has folded. One that falls out is read again from its snapshot and
# the log's tail, so the bound costs a slower first request, never a wrong answer.
ROOMS_KEPT = 500
_cache = BoundedCache(size=ROOMS_KEPT)
# A room's lock lives only while someone holds it or waits on it: each caller keeps it for the
# length of its `with` block, so a process that meets thousands of rooms keeps none of them idle.
_room_locks: weakref.WeakValueDictionary[str, threading.RLock] = weakref.WeakValueDictionary()
_cache_lock = threading.Lock()


def now_ms() -> int:
    return int(time.time() * 1000)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: object) -> str:
    """What a person typed, as a code: case and spaces forgiven; '' when it cannot be one."""
    if not isinstance(raw, str):
        return ""
    code = "".join(raw.split()).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return ""
    return code


def is_teacher(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_staff or user.groups.filter(name="teachers").exists())
    )


@transaction.atomic
def room_open(*, teacher, scenario: str, title: str = "") -> Room:
    """A new open room with a fresh code; its first record names its flow and script."""
    for _ in range(20):
        code = new_code()
        if not Room.objects.filter(code=code).exists():
            break
    else:  # pragma: no cover - 31**6 codes make this a practical impossibility
        raise RuntimeError("could not find a free room code")
    record = {"seq": 1, "at": now_ms(), "prev": 0, **opened_record(code, scenario, title)}
    state = fold([record])
    record["text"] = narrate(record, state)
    room = Room.objects.create(
        code=code,
        teacher=teacher,
        title=title,
        scenario=scenario,
        last_seq=1,
        state=state.to_json(),
    )
    RoomRecord.objects.create(room=room, seq=1, type=record["type"], data=record)
    return room


def _lock(code: str) -> threading.RLock:
    """The lock for one room in this process. HTTP views run in threads of their own, so a page
    reading the room must not see it half-way through a write; taken before the database lock."""
    with _cache_lock:
        lock = _room_locks.get(code)
        if lock is None:
            lock = _room_locks[code] = threading.RLock()
        return lock


def _caught_up(room: Room) -> RoomState:
    """The room folded up to its last record, from this process's memory and the log's tail.

    The caller holds the room's lock. `room` may come without its `state` column (it is large,
    and needed only when this process meets the room cold).
    """
    state = _cache.peek(room.code)
    if state is None or state.seq > room.last_seq:
        snapshot = Room.objects.filter(pk=room.pk).values_list("state", flat=True).get()
        state = RoomState.from_json(snapshot) if snapshot else RoomState()
    if state.seq < room.last_seq:
        tail = RoomRecord.objects.filter(room=room, seq__gt=state.seq).order_by("seq")
        fold([r.data for r in tail], state)
    _cache[room.code] = state
    return state


def forget(code: str) -> None:
    with _cache_lock:
        _cache.pop(code, None)


def room_state(code: str) -> RoomState | None:
    """A copy of the room as it is now, for a page or a socket to render; None if unknown."""
    room = Room.objects.filter(code=code).defer("state").first()
    if room is None:
        return None
    with _lock(code):
        return RoomState.from_json(_caught_up(room).to_json())


def room_log(room: Room) -> list[dict]:
    return [r.data for r in RoomRecord.objects.filter(room=room).order_by("seq")]


def room_log_tail(code: str, limit: int = 150) -> list[dict]:
    """The room's latest records that everyone may read, oldest first."""
    tail = (
        RoomRecord.objects.filter(room__code=code)
        .exclude(type__in=PRIVATE_RECORDS)
        .order_by("-seq")[:limit]
    )
    return [r.data for r in reversed(tail)]


def room_act(*, code: str, actor: str, action: str, fields: dict, now: int | None = None) -> list:
    """Decides one request against the room and appends what it caused; RoomRefused says no.

    Time-outs that are due are recorded even when the request itself is refused: they happened,
    and the refusal carries them in `records`.
    """
    result = room_act_many(code=code, requests=[(actor, action, fields)], now=now)[0]
    if isinstance(result, RoomRefused):
        raise result
    return result


Request = tuple[str, str, dict]


def room_act_many(
    *, code: str, requests: list[Request], now: int | None = None
) -> list[list[dict] | RoomRefused]:
    """Decides several requests in one transaction, in order: the records each appended, or its
    refusal. A class acknowledging an event sends many small writes at once; taking them together
    costs one lock, one insert and one commit instead of one each.
    """
    written = _write(code, requests, now)
    if written is None:
        return [RoomRefused("There is no room with that code.") for _ in requests]
    settled, results = written
    if settled and results:
        # Whoever came first tells the room about the time-outs.
        first = results[0]
        if isinstance(first, RoomRefused):
            first.records = settled
        else:
            results[0] = settled + first
    return results


def room_settle(*, code: str, now: int | None = None) -> list:
    """Records the time-outs that are due; called by whoever notices a deadline has passed."""
    written = _write(code, [], now)
    return written[0] if written is not None else []


def _write(
    code: str, requests: list[Request], now: int | None
) -> tuple[list[dict], list[list[dict] | RoomRefused]] | None:
    """The one way into a room's log: under the room's lock, in one transaction, the time-outs
    that are due and then each request in turn. None when there is no such room."""
    now = now_ms() if now is None else now
    results: list[list[dict] | RoomRefused] = []
    with _lock(code):
        try:
            with transaction.atomic():
                room = Room.objects.select_for_update().defer("state").get(code=code)
                state = _caught_up(room)
                settled = state.settle(now)
                appended = list(settled)
                for actor, action, fields in requests:
                    try:
                        records = state.act(actor, action, fields, now)
                    except RoomRefused as refusal:
                        appended += refusal.records
                        refusal.records = []
                        results.append(refusal)
                    else:
                        appended += records
                        results.append(records)
                if appended:
                    _append(room, state, appended)
        except Room.DoesNotExist:
            return None
        except Exception:
            forget(code)  # the memory may hold records the database never took
            raise
    return settled, results


def _append(room: Room, state: RoomState, records: list[dict]) -> None:
    # The sentence is written once, when the record is made, so the log reads later exactly as
    # it read live, even after people have changed roles.
    for record in records:
        record["text"] = narrate(record, state)
    RoomRecord.objects.bulk_create(
        RoomRecord(room=room, seq=r["seq"], type=r["type"], data=r) for r in records
    )
    room.last_seq = state.seq
    fields = ["last_seq"]
    crossed = room.last_seq // SNAPSHOT_EVERY != (room.last_seq - len(records)) // SNAPSHOT_EVERY
    if crossed or not state.open:
        room.state = state.to_json()
        fields.append("state")
    if not state.open and room.is_open:
        room.is_open = False
        room.closed_at = timezone.now()
        fields += ["is_open", "closed_at"]
    room.save(update_fields=fields)


def participant_join(*, code: str, name: str, was: str | None = None) -> str:
    """Adds a learner to an open room and returns their private id (kept in their session).

    `was` is the id this browser had in the room before, so a learner the teacher locked out
    is refused when they come back.
    """
    return join_room(code=code, name=name, was=was)[0]


def join_room(*, code: str, name: str, was: str | None = None) -> tuple[str, list[dict]]:
    """As participant_join, with the records the join appended: time-outs that fell due, then
    the `joined` record, for the caller to send to the room's sockets."""
    pid = secrets.token_hex(6)
    fields = {"name": name} if was is None else {"name": name, "was": was}
    return pid, room_act(code=code, actor=pid, action="join", fields=fields)
