"""The seam between the engine and the naming classifier.

The engine only needs to know whether a name reads as an event, a command or neither, and why. The
real judgement is the course's grammar (the top-level ``naming`` package), which the engine never
imports: whoever builds an engine passes it a classifier (the site passes
``naming.shared.course_classifier``). An engine built without one falls back on
``simple_classify`` below, enough for tests and benches that exercise the engine alone.

A classifier is any callable taking a name and returning an object with the attributes ``kind``
(``"event"``, ``"command"`` or ``"unclear"``), ``explanation``, ``smell`` (text or ``None``) and
``suggestion`` (text or ``None``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .messages import COMMAND, EVENT, Message


class VerdictLike(Protocol):
    """What the engine reads from a classifier's answer."""

    kind: str
    explanation: str
    smell: str | None
    suggestion: str | None


Classifier = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class SimpleVerdict:
    """The answer of the small built-in classifier."""

    name: str
    kind: str
    explanation: str
    smell: str | None = None
    suggestion: str | None = None
    verb: str | None = None
    form: str | None = None


# A short list is enough for the fallback: the course's grammar is the real classifier.
_IMPERATIVES = frozenset(
    [
        "add",
        "approve",
        "book",
        "calculate",
        "cancel",
        "charge",
        "check",
        "create",
        "delete",
        "deactivate",
        "generate",
        "get",
        "notify",
        "pay",
        "place",
        "process",
        "refund",
        "register",
        "reject",
        "remove",
        "reserve",
        "send",
        "set",
        "ship",
        "submit",
        "update",
        "validate",
    ]
)
_IRREGULAR_PAST = frozenset(
    [
        "built",
        "done",
        "found",
        "held",
        "lost",
        "made",
        "paid",
        "sent",
        "sold",
        "taken",
        "bought",
        "began",
        "began",
        "written",
    ]
)
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(name)]


def _is_past(word: str) -> bool:
    return (word.endswith("ed") and len(word) > 3) or word in _IRREGULAR_PAST


def simple_classify(name: str) -> SimpleVerdict:
    """Judge a name by its first and last words: an imperative verb first reads as a command,
    a past participle last reads as an event."""
    words = _words(name)
    if not words:
        return SimpleVerdict(name, "unclear", f"{name!r} has no words to judge.")
    suffix = words[-1] if words[-1] in ("command", "event") else None
    core = words[:-1] if suffix and len(words) > 1 else words
    reads_as_command = core[0] in _IMPERATIVES
    reads_as_event = _is_past(core[-1])
    kind = "command" if reads_as_command else "event" if reads_as_event else "unclear"
    smell = None
    if suffix == "command" and reads_as_event:
        smell = f"{name} ends in 'Command' but the rest is a past-tense fact."
    elif suffix == "event" and reads_as_command:
        smell = f"{name} ends in 'Event' but starts with an imperative verb."
    if kind == "command":
        explanation = f"{name} starts with the imperative '{core[0]}': it asks for something."
    elif kind == "event":
        explanation = f"{name} ends in the past tense '{core[-1]}': it states a fact."
    else:
        explanation = f"{name} is neither clearly an order nor clearly a past fact."
    return SimpleVerdict(name, kind, explanation, smell)


class NameChecks:
    """The ``smell`` step: a name whose reading disagrees with its use (a part of ``Engine``,
    see core.py). Each engine asks its classifier once per name."""

    def _init_naming(self, classify_name: Classifier | None) -> None:
        self._classify: Classifier = classify_name or simple_classify
        self._verdicts: dict[str, Any] = {}
        self._clean_names: set[str] = set()  # names already judged fine for events

    def _check_name(self, msg: Message) -> None:
        verdict = self._verdicts.get(msg.name)
        if verdict is None:
            verdict = self._verdicts[msg.name] = self._classify(msg.name)
        kind = getattr(verdict, "kind", "unclear")
        smell = getattr(verdict, "smell", None)
        if msg.kind == COMMAND and kind == "event":
            reason = (
                f"{msg.name} reads as a fact that already happened, yet it is sent as a request"
            )
        elif msg.kind == EVENT and kind == "command":
            reason = (
                f"{msg.name} reads as an order, yet it is published as a fact: "
                "a command in disguise"
            )
        elif smell:
            reason = str(smell)
        else:
            if msg.kind == EVENT:
                self._clean_names.add(msg.name)
            return
        self.record(
            "smell",
            msg,
            None,
            msg.sender,
            reason=reason,
            reads_as=kind,
            used_as=msg.kind,
            explanation=getattr(verdict, "explanation", None),
            suggestion=getattr(verdict, "suggestion", None),
        )
