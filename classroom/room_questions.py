"""Poll questions about the room's own run, answered from what the room did. Pure Python.

A quiz bank's answer comes from the simulator's world, where five services subscribe to the order
topic; in a room only the learners playing them do, so "how many received it?" has a different
right answer in every room. These questions are put together when the teacher asks them, from the
room's state, and their right answer is the room's own count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from classroom import judge

# id -> how the teacher's list names the question
QUESTIONS: dict[str, str] = {
    "room/recipients": "How many people in the room received the last event published?",
    "room/one-instance": "How many instances received the last command sent?",
    "room/next": "What does the flow do after the last answer to a command of the script?",
}
WORDS = ["No one", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"]


class NothingToAsk(ValueError):
    """The room has not yet done what the question asks about; the message says what is missing."""


def compute(state: Any, question_id: str) -> dict[str, Any]:
    """The question with its choices and right answer, as `decide_poll` takes it."""
    build = {
        "room/recipients": _recipients,
        "room/one-instance": _one_instance,
        "room/next": _next,
    }.get(question_id)
    if build is None:
        raise NothingToAsk("There is no such question.")
    return {"id": question_id, "computed": True, **build(state)}


def _number(n: int) -> str:
    return WORDS[n] if n < len(WORDS) else str(n)


def _last(state: Any, kind: str) -> Mapping[str, Any] | None:
    found = [m for m in state.messages.values() if m["kind"] == kind]
    return max(found, key=lambda m: m["seq"]) if found else None


def _recipients(state: Any) -> dict[str, Any]:
    event = _last(state, "event")
    if event is None:
        raise NothingToAsk("Publish an event first: this question counts who received it.")
    right = len(event["deliveries"])
    in_world = len(state.world().topics.get(event["topic"], ()))
    counts = sorted({right, 1, in_world, len(state.participants), right + 1})[:5]
    names = [state.name_of(pid) for pid in event["deliveries"]]
    who = ", ".join(names) if names else "nobody"
    return {
        "prompt": (
            f"{event['name']} was published to {event['topic']}. "
            "How many people in this room received it?"
        ),
        "choices": [_number(n) for n in counts],
        "answer": counts.index(right),
        "explanation": (
            f"Every subscriber of {event['topic']} in the room got its own copy: {who}. "
            f"In the simulator {_number(in_world).lower()} services subscribe to it; here only "
            "the people playing them count, and the publisher never knew how many there were."
        ),
    }


def _one_instance(state: Any) -> dict[str, Any]:
    command = _last(state, "command")
    if command is None:
        raise NothingToAsk("Send a command first: this question asks who received it.")
    running = len(state.handlers(command["service"]))
    if command["assignee"] is not None and running < 2:
        raise NothingToAsk(
            f"Ask this once at least two people run {command['service']}: with a single "
            "instance, one and all are the same answer."
        )
    right = 0 if command["assignee"] is not None else 2
    holder = command["instance"] or "no instance"
    return {
        "prompt": (
            f"{command['name']} was sent to {command['service']}, which {_number(running).lower()} "
            "people in this room run as competing instances. How many of them received it?"
        ),
        "choices": ["Exactly one", "Every instance", "None of them"],
        "answer": right,
        "explanation": (
            f"A command goes to exactly one handler instance: here {holder}. "
            "Running more instances shares the work out; it never copies it."
            if right == 0
            else f"Nobody ran {command['service']} when it was sent, so it waited for nobody and "
            "timed out: a command needs exactly one handler."
        ),
    }


def _describe(step: Mapping[str, Any] | None) -> str:
    if step is None:
        return "Nothing more: the flow ends here"
    verb = "publishes" if step["verb"] == "publish" else "sends"
    again = " again" if step.get("attempt", 1) > 1 else ""
    return f"{step['from']} {verb} {step['name']}{again}"


OUTCOME_WORDS = {
    judge.ACCEPTED: "accepted",
    judge.REJECTED: "refused",
    judge.TIMED_OUT: "never answered",
}


def _next(state: Any) -> dict[str, Any]:
    answered = [
        m
        for m in state.messages.values()
        if m["kind"] == "command"
        and m.get("scripted")
        and m.get("run", 0) == state.run
        and m["status"] in OUTCOME_WORDS
    ]
    if not answered:
        raise NothingToAsk("Wait for an answer to a command of the script: this asks what follows.")
    command = max(answered, key=lambda m: m["seq"])
    firsts = {}
    for outcome in OUTCOME_WORDS:
        steps = state.next_steps(command, outcome)
        firsts[outcome] = _describe(steps[0] if steps else None)
    choices = list(dict.fromkeys(firsts.values()))
    if len(choices) < 2:
        raise NothingToAsk(f"Whatever happened to {command['name']}, the same comes next.")
    right = firsts[command["status"]]
    holder = state.name_of(command["assignee"]) if command["assignee"] else "Nobody"
    return {
        "prompt": (
            f"{holder} {OUTCOME_WORDS[command['status']]} {command['name']}. "
            "What does the flow do next?"
        ),
        "choices": choices,
        "answer": choices.index(right),
        "explanation": (
            f"{right}. What follows an answer is the flow's rule, as the simulator runs it, not "
            f"the choice of whoever plays the next service. Had {command['name']} been "
            + "; ".join(
                f"{OUTCOME_WORDS[o]}: {firsts[o]}" for o in OUTCOME_WORDS if o != command["status"]
            )
            + "."
        ),
    }
