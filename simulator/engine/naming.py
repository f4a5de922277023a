"""The seam between the engine and the naming classifier.

The engine only needs to know whether a name reads as an event, a command or neither, and why. The
real judgement lives in ``naming.grammar.classify``; the engine imports it lazily, the first
time a name has to be judged, so that importing the engine stays cheap and free of the rest of the
site. Tests inject their own classifier to stay independent of the grammar's finer rules.

A classifier is any callable taking a name and returning an object with the attributes ``kind``
(``"event"``, ``"command"`` or ``"unclear"``), ``explanation``, ``smell`` (text or ``None``) and
``suggestion`` (text or ``None``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Protocol


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


# How many names a process keeps the course classifier's verdict for. Every learner's engine
# judges the same few names of the world, and learners type only a few of their own.
VERDICTS_KEPT = 4096


@cache
def default_classifier() -> Classifier:
    """The course's classifier, or the built-in one if the course's is not installed.

    Only a missing ``courseware`` package is forgiven: a grammar module that exists but fails to
    import is a bug and must be seen. The course's verdicts are immutable, so each name's is
    shared by every engine of the process: judging a name takes about 75 microseconds, and a busy
    server builds engines by the dozen every second.
    """
    try:
        from naming.grammar import classify
    except ModuleNotFoundError as error:
        if error.name not in ("courseware", "naming.grammar"):
            raise
        return simple_classify
    return lru_cache(maxsize=VERDICTS_KEPT)(classify)


# A short list is enough for the fallback: the course's grammar module is the real classifier.
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
