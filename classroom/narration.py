"""One sentence per room record, for the room's log. Pure Python, like the room itself.

The sentences are the accessible account of the room: a learner following with a screen reader
hears who received what, and the teacher's review reads the same words afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from classroom.room import COMMAND_TIMEOUT_MS, RoomState

# Past this many names, a delivery list says "and N more" instead of reading out the class.
NAMES_SHOWN = 6
VERBS = {"publish": "publishes", "send": "sends"}


def _person(state: RoomState, pid: str | None) -> str:
    if pid is None:
        return "nobody"
    label = state.role_label(pid)
    name = state.name_of(pid)
    return f"{name} ({label})" if label else name


def _people(state: RoomState, pids: list[str]) -> str:
    shown = [_person(state, pid) for pid in pids[:NAMES_SHOWN]]
    rest = len(pids) - len(shown)
    if rest:
        shown.append(f"{rest} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _message_name(state: RoomState, mid: str) -> str:
    message = state.messages.get(mid)
    return message["name"] if message else "a message"


def narrate(record: Mapping[str, Any], state: RoomState) -> str:
    """The sentence for `record`, read against the state it produced."""
    kind = record["type"]
    if kind == "opened":
        title = f" ({record['title']})" if record.get("title") else ""
        return f"Room {record['code']}{title} opened to run “{record['scenario']}”."
    if kind == "joined":
        return f"{record['name']} joined the room."
    if kind == "role_taken":
        role = record["role"]
        who = state.name_of(record["pid"])
        if role["kind"] == "handler":
            return (
                f"{who} is now {role['service']}#{role['instance']}, one of the competing "
                f"instances that handle {role['service']}'s commands."
            )
        return f"{who} now plays {role['service']}, subscribed to {role['topic']}."
    if kind == "role_left":
        return f"{state.name_of(record['pid'])} gave up their role."
    if kind == "published":
        head = f"{record['name']} (event) from {record['from']} was published to {record['topic']}"
        if not record["deliveries"]:
            return (
                f"{head}; nobody in the room subscribes to it yet, and the publisher does not mind."
            )
        count = len(record["deliveries"])
        every = "its only subscriber" if count == 1 else f"all {count} subscribers"
        return f"{head} and delivered to {every}: {_people(state, record['deliveries'])}."
    if kind == "sent":
        head = f"{record['name']} (command) from {record['from']} was sent to {record['service']}"
        seconds = COMMAND_TIMEOUT_MS // 1000
        if record["pid"] is None:
            return (
                f"{head}, but no instance of {record['service']} is running: it will time out "
                f"after {seconds} s."
            )
        return (
            f"{head} and taken by exactly one instance, {_person(state, record['pid'])}; "
            f"{record['from']} waits up to {seconds} s for the answer."
        )
    if kind == "acknowledged":
        return f"{state.name_of(record['pid'])} acknowledged {_message_name(state, record['mid'])}."
    if kind == "accepted":
        return f"{_person(state, record['pid'])} accepted {_message_name(state, record['mid'])}."
    if kind == "rejected":
        return (
            f"{_person(state, record['pid'])} rejected {_message_name(state, record['mid'])}: "
            f"{record['reason']}."
        )
    if kind == "timed_out":
        message = state.messages.get(record["mid"], {})
        sender = message.get("from", "The sender")
        said = (
            f"{_message_name(state, record['mid'])} timed out: {sender} stopped waiting for "
            f"an answer from {_person(state, record['pid'])}"
        )
        decision = record.get("decision")
        if decision == "retry":
            return f"{said}, and will send it again (attempt {record['attempt'] + 1})."
        if decision == "compensate":
            steps = ", then ".join(f"{VERBS[s['verb']]} {s['name']}" for s in record["then"])
            return f"{said}, and gives up: it {steps}."
        if decision == "give_up":
            return f"{said}, and gives up."
        return f"{said}."
    if kind == "handed_over":
        message = state.messages.get(record["mid"], {})
        what = _message_name(state, record["mid"])
        if record["to"] is not None:
            to = _person(state, record["to"])
            return f"{record['name']} stopped playing their role: {what} passed to {to}."
        if message.get("kind") == "command":
            return (
                f"{record['name']} stopped playing their role: {what} is held by nobody now, so "
                f"{message.get('from', 'its sender')} will time out waiting for it."
            )
        return (
            f"{record['name']} stopped playing their role: {what} is released, never acknowledged."
        )
    if kind == "script_restarted":
        return "The teacher started the script again from its first message."
    if kind == "poll_opened":
        return f"Poll: {record['poll']['prompt']}"
    if kind == "poll_answered":
        return f"{state.name_of(record['pid'])} answered the poll."
    if kind == "poll_revealed":
        total = sum(record["counts"])
        return f"The poll's answer was revealed ({total} answered)."
    if kind == "closed":
        return "The teacher closed the room."
    if kind == "left":
        return f"{record.get('name') or 'A learner'} left the room."
    if kind == "removed":
        name = record.get("name") or "A learner"
        if record.get("banned"):
            return f"The teacher removed {name} from the room for good."
        return f"The teacher removed {name} from the room."
    if kind == "locked":
        return "The teacher locked the room: nobody new can join."
    if kind == "unlocked":
        return "The teacher unlocked the room: people can join with the code again."
    return kind.replace("_", " ")
