"""Judging each message of a design twice: by its name and by how it travels.

The name is read by the course's naming checker (:func:`naming.grammar.classify`). The
shape is read from the design: a message handed to one receiver off a queue, or one that waits
for a reply, behaves like a command; a message published to a topic that any number may
subscribe to behaves like an event. When the two disagree the course has a name for it, and the
judge says which, and suggests a rename in the course's style.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from naming.grammar import InvalidName, classify, suggest_rename

from .design import QUEUE, Design, Route

EVENT = "event"
COMMAND = "command"
UNCLEAR = "unclear"

COMMAND_IN_DISGUISE = "command-in-disguise"
EVENT_IN_DISGUISE = "event-in-disguise"
REPLY_LIKE_COMMAND = "reply-named-like-command"
MIXED_CHANNEL = "mixed-channel"
LABEL_CONTRADICTION = "name-contradicts-label"


@dataclass(frozen=True)
class Smell:
    code: str
    text: str


@dataclass
class Judgement:
    route: Route
    kind_by_name: str
    name_reason: str
    kind_by_shape: str
    shape_reason: str
    kind: str
    smells: list[Smell] = field(default_factory=list)
    rename: str | None = None

    def to_json(self) -> dict:
        """The line the command-line tool prints for this message."""
        return {
            "message": self.route.message,
            "channel": self.route.channel,
            "kind_by_name": self.kind_by_name,
            "kind_by_shape": self.kind_by_shape,
            "kind": self.kind,
            "smells": [smell.code for smell in self.smells],
            "rename": self.rename,
        }


def _by_name(name: str):
    try:
        return classify(name)
    except InvalidName:
        return None


def _by_shape(route: Route, design: Design) -> tuple[str, str]:
    if route.reply_to is not None:
        return UNCLEAR, (
            f"It is the reply to {route.reply_to}: it goes back to the one that asked, so how it"
            " travels says nothing about its kind."
        )
    if design.replies_to(route.message):
        return COMMAND, (
            f"{route.sender} waits for a reply to it, as a sender waits for the answer to a"
            " request."
        )
    if route.delivery == QUEUE:
        return COMMAND, (
            f"It goes onto the queue {route.channel}, where one receiver takes it and is"
            " expected to act on it."
        )
    return EVENT, (
        f"It is published to the topic {route.channel}: any number of applications may"
        " subscribe, and the sender expects nothing back."
    )


def judge(design: Design) -> list[Judgement]:
    """One judgement per route of ``design``, in the design's order."""
    judgements = []
    for route in design.routes:
        verdict = _by_name(route.message)
        if verdict is None:
            by_name, name_reason = UNCLEAR, "The name has no letters to read."
        else:
            by_name, name_reason = verdict.kind, verdict.explanation
        by_shape, shape_reason = _by_shape(route, design)
        kind = by_shape if by_shape != UNCLEAR else by_name
        judgement = Judgement(route, by_name, name_reason, by_shape, shape_reason, kind)
        name = route.message
        if by_name == COMMAND and by_shape == EVENT:
            judgement.rename = suggest_rename(name, EVENT)
            judgement.smells.append(
                Smell(
                    COMMAND_IN_DISGUISE,
                    f"{name} reads as an instruction but is published for anyone to hear:"
                    " a command in disguise. Either publish the fact that happened"
                    + (f" ({judgement.rename})" if judgement.rename else "")
                    + ", or send the request to the one application that must act on it.",
                )
            )
        elif by_name == EVENT and by_shape == COMMAND:
            judgement.rename = suggest_rename(name, COMMAND)
            judgement.smells.append(
                Smell(
                    EVENT_IN_DISGUISE,
                    f"{name} reads as a fact that already happened, yet it goes to one receiver"
                    " that must act on it: an event in disguise. Name the request"
                    + (f" ({judgement.rename})" if judgement.rename else "")
                    + ", or publish the fact to a topic and let subscribers decide.",
                )
            )
        if route.reply_to is not None and by_name == COMMAND:
            judgement.rename = suggest_rename(name, EVENT)
            judgement.smells.append(
                Smell(
                    REPLY_LIKE_COMMAND,
                    f"{name} answers {route.reply_to} but is named like a new instruction; a"
                    " reply reports what came of the request"
                    + (f", as {judgement.rename} would" if judgement.rename else "")
                    + ".",
                )
            )
        if verdict is not None and verdict.smell:
            judgement.smells.append(Smell(LABEL_CONTRADICTION, verdict.smell))
            judgement.rename = judgement.rename or verdict.suggestion
        if judgement.rename == name:
            judgement.rename = None
        judgements.append(judgement)

    kinds_on: dict[str, set[str]] = defaultdict(set)
    for judgement in judgements:
        if judgement.kind_by_name != UNCLEAR and judgement.route.reply_to is None:
            kinds_on[judgement.route.channel].add(judgement.kind_by_name)
    for judgement in judgements:
        channel = judgement.route.channel
        if judgement.route.reply_to is None and len(kinds_on[channel]) > 1:
            judgement.smells.append(
                Smell(
                    MIXED_CHANNEL,
                    f"Channel {channel} carries both events and commands. Subscribers of a"
                    " topic would receive requests meant for one handler, and a queue's"
                    " handler would take facts meant for everyone; give each kind its own"
                    " channel.",
                )
            )
    return judgements


def has_smells(judgements: list[Judgement]) -> bool:
    return any(j.smells for j in judgements)
