"""The end-of-class summary: what each learner received, answered and chose, read from the log.

Pure Python, like the room: the summary is one more fold over the room's records, so it says the
same whether the room is open, closed, or rebuilt by another process.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

HEADERS = (
    "name",
    "roles played",
    "events received",
    "events acknowledged",
    "commands received",
    "commands accepted",
    "commands refused",
    "refusal reasons",
    "commands timed out",
    "handed over",
    "polls answered",
    "polls right",
    "poll answers",
)


@dataclass
class LearnerSummary:
    name: str
    roles: list[str] = field(default_factory=list)
    events_received: int = 0
    events_acknowledged: int = 0
    commands_received: int = 0
    commands_accepted: int = 0
    commands_refused: int = 0
    reasons: list[str] = field(default_factory=list)
    commands_timed_out: int = 0
    handed_over: int = 0
    polls_answered: int = 0
    polls_right: int = 0
    answers: list[str] = field(default_factory=list)

    def row(self) -> list[str | int]:
        return [
            self.name,
            "; ".join(self.roles),
            self.events_received,
            self.events_acknowledged,
            self.commands_received,
            self.commands_accepted,
            self.commands_refused,
            "; ".join(self.reasons),
            self.commands_timed_out,
            self.handed_over,
            self.polls_answered,
            self.polls_right,
            "; ".join(self.answers),
        ]


def _label(role: Mapping[str, Any]) -> str:
    if role["kind"] == "handler":
        return f"{role['service']}#{role['instance']}"
    return f"{role['service']} on {role['topic']}"


def summarise(records: Iterable[Mapping[str, Any]]) -> list[LearnerSummary]:
    """One summary per learner who ever joined, in the order they joined."""
    people: dict[str, LearnerSummary] = {}
    commands: dict[str, dict[str, Any]] = {}  # mid -> name, holder
    events: dict[str, str] = {}  # mid -> name
    poll: dict[str, Any] | None = None
    answers: dict[str, int] = {}

    def person(pid: Any) -> LearnerSummary | None:
        return people.get(pid) if isinstance(pid, str) else None

    for r in records:
        kind = r["type"]
        if kind == "joined":
            people[r["pid"]] = LearnerSummary(name=r["name"])
        elif kind == "role_taken" and (p := person(r["pid"])):
            label = _label(r["role"])
            if label not in p.roles:
                p.roles.append(label)
        elif kind == "published":
            events[r["mid"]] = r["name"]
            for pid in r["deliveries"]:
                if p := person(pid):
                    p.events_received += 1
        elif kind == "sent":
            commands[r["mid"]] = {"name": r["name"], "holder": r["pid"]}
            if p := person(r["pid"]):
                p.commands_received += 1
        elif kind == "acknowledged" and (p := person(r["pid"])):
            p.events_acknowledged += 1
        elif kind == "accepted" and (p := person(r["pid"])):
            p.commands_accepted += 1
        elif kind == "rejected" and (p := person(r["pid"])):
            p.commands_refused += 1
            name = commands.get(r["mid"], {}).get("name", "a command")
            p.reasons.append(f"{name}: {r['reason']}")
        elif kind == "timed_out":
            holder = commands.get(r["mid"], {}).get("holder")
            if holder == r.get("pid") and (p := person(holder)):
                p.commands_timed_out += 1
        elif kind == "handed_over":
            if p := person(r["pid"]):
                p.handed_over += 1
            if r["mid"] in commands:
                commands[r["mid"]]["holder"] = r["to"]
                if q := person(r["to"]):
                    q.commands_received += 1
            elif q := person(r["to"]):
                q.events_received += 1
        elif kind == "poll_opened":
            poll, answers = r["poll"], {}
        elif kind == "poll_answered":
            answers[r["pid"]] = r["choice"]
        elif kind == "poll_revealed" and poll is not None:
            for pid, choice in answers.items():
                if p := person(pid):
                    right = choice == poll["answer"]
                    p.polls_answered += 1
                    p.polls_right += right
                    verdict = "right" if right else "wrong"
                    p.answers.append(f"{poll['prompt']} {poll['choices'][choice]} ({verdict})")
            poll, answers = None, {}
    if poll is not None:  # asked but never revealed: the answers stand, ungraded
        for pid, choice in answers.items():
            if p := person(pid):
                p.answers.append(f"{poll['prompt']} {poll['choices'][choice]} (not revealed)")
    return list(people.values())


def to_csv(summaries: Iterable[LearnerSummary]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for summary in summaries:
        writer.writerow([_safe(cell) for cell in summary.row()])
    return out.getvalue()


def _safe(cell: str | int) -> str | int:
    """A learner's name or reason opened in a spreadsheet must stay text, never a formula."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell
