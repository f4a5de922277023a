"""What a learner's phone says out loud when something new reaches them, and where it points.

A phone in a pocket or scrolled down to the role card misses a new message or poll unless the
page announces it: the sentence goes to a live region, and the page scrolls to the panel named
and vibrates where the browser allows. Pure Python over the room's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from classroom.room import TEACHER, RoomState


def announcement(
    state: RoomState, viewer: str, record: Mapping[str, Any]
) -> tuple[str, str] | None:
    """(sentence, id of the element to bring into view) for a learner, or None."""
    if viewer == TEACHER or viewer not in state.participants:
        return None
    kind = record["type"]
    if kind == "published" and viewer in record["deliveries"]:
        return (
            f"New in your inbox: {record['name']}, an event from {record['from']}. "
            "It already happened: acknowledge it.",
            f"inbox-{record['mid']}",
        )
    if kind == "sent" and record.get("pid") == viewer:
        return (
            f"New in your inbox: {record['name']}, a command for you alone. "
            "Accept it or refuse it with a reason.",
            f"inbox-{record['mid']}",
        )
    if kind == "handed_over" and record.get("to") == viewer:
        return (
            f"New in your inbox: {record['name']}, handed over to you by someone who left "
            "their role. Answer it.",
            f"inbox-{record['mid']}",
        )
    if kind == "poll_opened":
        return f"New poll: {record['poll']['prompt']}", "room-poll"
    if kind == "poll_revealed" and state.poll is not None:
        poll = state.poll
        mine = poll["answers"].get(viewer)
        if mine is None:
            verdict = "you did not answer"
        elif mine == poll["answer"]:
            verdict = f"you answered “{poll['choices'][mine]}”, the right answer"
        else:
            verdict = (
                f"you answered “{poll['choices'][mine]}”; the right answer is "
                f"“{poll['choices'][poll['answer']]}”"
            )
        return f"The poll's answer is out: {verdict}.", "room-poll"
    return None
