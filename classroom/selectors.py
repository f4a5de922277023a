"""What the classroom reads without writing: the room as a socket draws it whole."""

from __future__ import annotations

from classroom import services
from classroom.room import RoomState


def room_with_log(code: str) -> tuple[RoomState | None, list[dict]]:
    """The room as it is now and the tail of its log everyone may read; (None, []) if unknown."""
    state = services.room_state(code)
    log = services.room_log_tail(code) if state is not None else []
    return state, log
