"""What each person in a room sees: the same room, drawn for the teacher or for one learner.

Frames carry HTML fragments that htmx swaps in by id (out of band), like the simulator's. Panels
that many records touch (the roster, the teacher's board) are redrawn whole; a new log line is
appended on its own, so a busy room sends little.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.template.loader import render_to_string

from classroom.announcements import announcement
from classroom.polls import all_questions
from classroom.projector import PROJECTOR, cast, routes, view
from classroom.room import TEACHER, RoomState, audience, poll_counts

TEMPLATE = "classroom/_panels.html"
BOARD_MESSAGES = 8
LEARNER_PANELS = ("status", "roster", "role", "inbox", "poll")
TEACHER_PANELS = ("status", "roster", "controls", "board", "poll", "people")
# The projector's "roster" is the cast written on the diagram; it has no forms at all.
PROJECTOR_PANELS = ("status", "roster", "poll")
PROJECTOR_TEMPLATE = "classroom/_projector.html"
# Which panels a record changes, beyond its log line.
TOUCHES: dict[str, tuple[str, ...]] = {
    "joined": ("status", "roster", "board", "people"),
    "role_taken": ("roster", "role", "board", "people"),
    "role_left": ("roster", "role", "board", "people"),
    "published": ("inbox", "board", "controls"),
    "sent": ("inbox", "board", "controls"),
    "acknowledged": ("inbox", "board"),
    "accepted": ("inbox", "board", "controls"),
    "rejected": ("inbox", "board", "controls"),
    "timed_out": ("inbox", "board", "controls"),
    "script_restarted": ("controls",),
    "poll_opened": ("poll", "controls"),
    "poll_answered": ("poll",),
    "poll_revealed": ("poll", "controls"),
    "closed": ("status", "roster", "role", "inbox", "poll", "controls", "board", "people"),
    "opened": (),
    "left": ("status", "roster", "board", "people"),
    "removed": ("status", "roster", "board", "people"),
    "handed_over": ("inbox", "board"),
    "locked": ("status", "people"),
    "unlocked": ("status", "people"),
}


def panels_for(viewer: str) -> tuple[str, ...]:
    if viewer == PROJECTOR:
        return PROJECTOR_PANELS
    return TEACHER_PANELS if viewer == TEACHER else LEARNER_PANELS


def touched(record: Mapping[str, Any], viewer: str) -> set[str]:
    return set(TOUCHES.get(record["type"], ())) & set(panels_for(viewer))


def concerns(record: Mapping[str, Any], viewer: str) -> bool:
    """True when the record puts something in this learner's inbox or answers them."""
    if viewer in (TEACHER, PROJECTOR):
        return False
    if record["type"] == "published":
        return viewer in record["deliveries"]
    if record["type"] == "handed_over":
        return viewer in (record["pid"], record["to"])
    return record.get("pid") == viewer


def _roster(state: RoomState) -> dict[str, Any]:
    catalogue = state.cat()
    topics = []
    for topic, services in catalogue.topics.items():
        rows = []
        for service in services:
            people = [
                state.participants[pid]["name"]
                for pid in state.subscribers(topic)
                if state.participants[pid]["role"]["service"] == service
            ]
            rows.append({"service": service, "people": people})
        topics.append({"topic": topic, "rows": rows})
    handlers = [
        {
            "service": service,
            "commands": [c for c, s in catalogue.commands.items() if s == service],
            "instances": [
                {
                    "label": state.role_label(pid),
                    "name": state.participants[pid]["name"],
                }
                for pid in state.handlers(service)
            ],
        }
        for service in catalogue.handlers
    ]
    idle = [p["name"] for p in state.participants.values() if not p.get("role")]
    return {"topics": topics, "handlers": handlers, "idle": idle}


def _inbox(state: RoomState, viewer: str) -> list[dict[str, Any]]:
    return sorted(state.pending_for(viewer), key=lambda m: m["seq"], reverse=True)


def _answered(state: RoomState, viewer: str) -> list[dict[str, Any]]:
    """This learner's last few answered messages, so they see what became of them."""
    done = []
    for message in state.messages.values():
        if message["kind"] == "event" and message["deliveries"].get(viewer) == "acknowledged":
            done.append({**message, "outcome": "acknowledged"})
        elif (
            message["kind"] == "command"
            and message["assignee"] == viewer
            and message["status"] != "pending"
        ):
            done.append({**message, "outcome": message["status"]})
    return sorted(done, key=lambda m: m["seq"], reverse=True)[:5]


def _board(state: RoomState) -> list[dict[str, Any]]:
    recent = sorted(state.messages.values(), key=lambda m: m["seq"], reverse=True)
    rows = []
    for message in recent[:BOARD_MESSAGES]:
        if message["kind"] == "event":
            deliveries = message["deliveries"]
            waiting = [state.name_of(p) for p, s in deliveries.items() if s == "delivered"]
            acked = sum(1 for s in deliveries.values() if s == "acknowledged")
            rows.append(
                {
                    **message,
                    "total": acked + len(waiting),
                    "acked": acked,
                    "released": [
                        state.name_of(p) for p, s in deliveries.items() if s == "released"
                    ],
                    "waiting": waiting,
                }
            )
        else:
            holder = state.name_of(message["assignee"]) if message["assignee"] else ""
            rows.append({**message, "holder": holder})
    return rows


def _people(state: RoomState) -> list[dict[str, Any]]:
    """Everyone in the room, in the order they joined, for the teacher's list."""
    people = sorted(state.participants.items(), key=lambda item: item[1].get("joined", 0))
    return [
        {"pid": pid, "name": person["name"], "role": state.role_label(pid)}
        for pid, person in people
    ]


def _poll(state: RoomState, viewer: str) -> dict[str, Any] | None:
    poll = state.poll
    if poll is None:
        return None
    counts = poll["counts"] if poll["revealed"] else poll_counts(poll)
    total = sum(counts)
    mine = poll["answers"].get(viewer)
    bars = [
        {
            "text": text,
            "count": count,
            "percent": round(100 * count / total) if total else 0,
            "right": poll["revealed"] and i == poll["answer"],
            "mine": i == mine,
        }
        for i, (text, count) in enumerate(zip(poll["choices"], counts, strict=True))
    ]
    return {
        **poll,
        "bars": bars,
        "total": total,
        "people": len(state.participants),
        "mine": mine,
        # After the reveal each learner is told what they chose and whether it was right.
        "mine_text": poll["choices"][mine] if mine is not None else "",
        "mine_right": bool(poll["revealed"] and mine == poll["answer"]),
    }


def context(state: RoomState, viewer: str, panels: Iterable[str] | None = None) -> dict[str, Any]:
    """What the panels draw from; given `panels`, only what those need is computed.

    The roster walks every participant for every service, so building it for each learner's
    inbox frame made one published event cost the room O(learners²) work.
    """
    wanted = None if panels is None else set(panels)

    def needs(*names: str) -> bool:
        return wanted is None or not wanted.isdisjoint(names)

    teacher = viewer == TEACHER
    me = state.participants.get(viewer) if not teacher else None
    catalogue = state.cat()
    return {
        "room": state,
        "teacher": teacher,
        "me": me,
        "my_role": state.role_label(viewer) if me else "",
        "roster": _roster(state) if needs("roster", "role") else None,
        "inbox": _inbox(state, viewer) if me and needs("inbox") else [],
        "answered": _answered(state, viewer) if me and needs("inbox") else [],
        "board": _board(state) if teacher and needs("board") else [],
        "people": _people(state) if teacher and needs("people") else [],
        "poll": _poll(state, viewer) if needs("poll") else None,
        "poll_questions": all_questions() if teacher and needs("poll") else (),
        "next_step": state.next_step(),
        "awaited": state.awaited() if teacher and needs("controls") else None,
        "script_length": len(state.script),
        "subscriptions": catalogue.subscriptions(),
        "handler_services": catalogue.handlers,
        "events": sorted(catalogue.events),
        "commands": sorted(catalogue.commands),
        "oob": True,
    }


# The roster reads only records everyone receives, so it is the same HTML for every socket of a
# room at the same public sequence number: drawn once per process, not once per learner.
_rosters: dict[tuple[str, int], str] = {}
ROSTERS_KEPT = 256


def _roster_html(state: RoomState) -> str:
    key = (state.code, state.public_seq)
    html = _rosters.get(key)
    if html is None:
        if len(_rosters) >= ROSTERS_KEPT:
            _rosters.clear()
        html = _rosters[key] = render_to_string(
            f"{TEMPLATE}#roster", context(state, TEACHER, ["roster"])
        )
    return html


# A public record's log line is the same for every socket: drawn once per process, not once per
# learner (200 times for each published event).
_log_lines: dict[tuple[str, int], str] = {}
LOG_LINES_KEPT = 256


def _log_line_html(code: str, record: Mapping[str, Any]) -> str:
    key = (code, record["seq"])
    html = _log_lines.get(key)
    if html is None:
        if len(_log_lines) >= LOG_LINES_KEPT:
            _log_lines.clear()
        html = _log_lines[key] = render_to_string(f"{TEMPLATE}#log_append", {"lines": [record]})
    return html


# Learners whose inboxes hold the same messages see the same HTML. After a publish most of a class
# has the same few events waiting and the same ones answered, so each distinct inbox is drawn
# once per process rather than once per learner. The key holds everything the panel shows that
# can differ between two learners of a room; a message's own text never changes.
_inboxes: dict[tuple, str] = {}
INBOXES_KEPT = 1024


def _inbox_html(state: RoomState, ctx: Mapping[str, Any]) -> str:
    key = (
        state.code,
        state.open,
        bool(ctx["my_role"]),
        tuple(m["mid"] for m in ctx["inbox"]),
        tuple((m["mid"], m["outcome"], m.get("reason")) for m in ctx["answered"]),
    )
    html = _inboxes.get(key)
    if html is None:
        if len(_inboxes) >= INBOXES_KEPT:
            _inboxes.clear()
        html = _inboxes[key] = render_to_string(f"{TEMPLATE}#inbox", ctx)
    return html


def _projector_panels(state: RoomState, panels: Iterable[str]) -> str:
    ctx = context(state, PROJECTOR, ["poll"])
    ctx.update(teacher=False, projector=True, cast=cast(state))
    return "".join(render_to_string(f"{PROJECTOR_TEMPLATE}#{panel}", ctx) for panel in panels)


def render_panels(state: RoomState, viewer: str, panels: Iterable[str]) -> str:
    panels = sorted(panels)
    if viewer == PROJECTOR:
        return _projector_panels(state, panels)
    shared = _roster_html(state) if "roster" in panels else ""
    others = [panel for panel in panels if panel != "roster"]
    ctx = context(state, viewer, others)
    return shared + "".join(
        _inbox_html(state, ctx)
        if panel == "inbox"
        else render_to_string(f"{TEMPLATE}#{panel}", ctx)
        for panel in others
    )


def full_frame(state: RoomState, viewer: str, log: list[Mapping[str, Any]]) -> dict[str, Any]:
    content = render_panels(state, viewer, panels_for(viewer)) + render_to_string(
        f"{TEMPLATE}#log", {"lines": log, "oob": True}
    )
    frame = {"type": "room", "seq": state.seq, "content": content}
    if viewer == PROJECTOR:
        frame["view"] = view(state)
    return frame


def record_frame(
    state: RoomState, viewer: str, record: Mapping[str, Any], panels: Iterable[str] = ()
) -> dict[str, Any]:
    """A frame for one new record: its log line, and the inbox at once if it concerns me."""
    now = set(panels)
    mine = concerns(record, viewer)
    if mine:
        now.add("inbox")
    content = render_panels(state, viewer, now) if now else ""
    if audience(record) is None:
        content += _log_line_html(state.code, record)
    frame = {
        "type": "update",
        "seq": record["seq"],
        "record": {k: record.get(k) for k in ("seq", "type", "mid", "name")},
        "for_you": mine,
        "content": content,
    }
    if viewer == PROJECTOR:
        frame.update(routes=routes(record, state), view=view(state))
    said = announcement(state, viewer, record)
    if said is not None:
        frame["announce"], frame["target"] = said
    return frame


def error_frame(code: str, message: str) -> dict[str, Any]:
    return {
        "type": "error",
        "code": code,
        "message": message,
        "content": render_to_string(f"{TEMPLATE}#error", {"message": message, "oob": True}),
    }
