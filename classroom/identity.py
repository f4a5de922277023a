"""Who is behind a request or a socket in a room: its teacher, one of its learners, or nobody.

A learner's id is private to their session: it is handed out when they join and never read from
a frame, so nobody can act as someone else by typing another id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from classroom.models import Room
from classroom.room import TEACHER

SESSION_KEY = "classroom_rooms"  # code -> the learner's id in that room


def learner_id(session, code: str) -> str | None:
    if session is None:
        return None
    rooms = session.get(SESSION_KEY) or {}
    pid = rooms.get(code) if isinstance(rooms, dict) else None
    return pid if isinstance(pid, str) else None


def remember(session, code: str, pid: str) -> None:
    rooms = dict(session.get(SESSION_KEY) or {})
    rooms[code] = pid
    session[SESSION_KEY] = rooms


def actor_for(*, user, session, code: str) -> str | None:
    """TEACHER for the room's own teacher, the learner's id for a joined learner, else None."""
    room = Room.objects.filter(code=code).only("teacher_id").first()
    if room is None:
        return None
    if user is not None and user.is_authenticated and user.pk == room.teacher_id:
        return TEACHER
    return learner_id(session, code)


def actor_for_scope(scope: Mapping[str, Any], code: str) -> str | None:
    return actor_for(user=scope.get("user"), session=scope.get("session"), code=code)
