"""Spaced review: a Leitner schedule folded from a learner's answers. Pure, no Django, no clock.

Every answer is an outcome with its own time. A missed quiz item enters box 1; every lesson check
enters, in box 1 when missed and box 2 when right. Each later answer moves the card: right, one
box up and a longer wait; wrong, back to box 1. A card answered right in the last box is retired.
The schedule is never stored: it is the fold of the answers, so it can be rebuilt at any time
from the record (the course's own lesson about facts, applied to the learner).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

# Days to wait before a card in box 1, 2, ... comes back.
INTERVALS = (1, 3, 7, 14, 30)
LAST_BOX = len(INTERVALS)

Key = tuple[str, str]  # (source, question id); a source is "quiz:<slug>" or "lesson:<slug>"


@dataclass(frozen=True)
class Outcome:
    key: Key
    at: datetime
    correct: bool
    origin: str  # "quiz", "lesson" or "review"


@dataclass(frozen=True)
class Card:
    key: Key
    box: int
    due: datetime | None  # None once retired
    lesson: str = ""

    @property
    def retired(self) -> bool:
        return self.due is None


def _due(box: int, at: datetime) -> datetime:
    return at + timedelta(days=INTERVALS[box - 1])


def step(card: Card | None, outcome: Outcome, *, lesson: str = "") -> Card | None:
    """The card after one more answer (None: the item is not, or not yet, under review)."""
    if card is None:
        if outcome.origin == "quiz" and outcome.correct:
            return None  # a quiz item enters review only when missed
        box = 2 if outcome.correct else 1
        return Card(outcome.key, box, _due(box, outcome.at), lesson)
    early = card.due is not None and outcome.at < card.due
    if outcome.origin != "review" and early and outcome.correct:
        # Retaking a quiz before the card is due is not spaced retrieval; only a miss counts.
        return card
    if not outcome.correct:
        return replace(card, box=1, due=_due(1, outcome.at))
    if card.retired:
        return card
    if card.box >= LAST_BOX:
        return replace(card, due=None)
    box = card.box + 1
    return replace(card, box=box, due=_due(box, outcome.at))


def fold(outcomes: Iterable[Outcome], lessons: dict[Key, str] | None = None) -> dict[Key, Card]:
    """Every card after all the outcomes, taken in time order."""
    lessons = lessons or {}
    cards: dict[Key, Card] = {}
    for outcome in sorted(outcomes, key=lambda o: o.at):
        card = step(cards.get(outcome.key), outcome, lesson=lessons.get(outcome.key, ""))
        if card is None:
            cards.pop(outcome.key, None)
        else:
            cards[outcome.key] = card
    return cards


def due_cards(cards: Iterable[Card], now: datetime) -> list[Card]:
    """Cards due at ``now``, the longest overdue first."""
    return sorted((c for c in cards if c.due is not None and c.due <= now), key=lambda c: c.due)


def interleave(cards: Iterable[Card], limit: int) -> list[Card]:
    """At most ``limit`` cards, taking one lesson after another so that neighbours differ.

    Within a lesson the longest overdue comes first; lessons take turns in the order of their
    most overdue card.
    """
    by_lesson: dict[str, list[Card]] = defaultdict(list)
    for card in sorted(cards, key=lambda c: (c.due is None, c.due or datetime.max)):
        by_lesson[card.lesson].append(card)
    queues = list(by_lesson.values())
    picked: list[Card] = []
    while queues and len(picked) < limit:
        for queue in list(queues):
            picked.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
            if len(picked) == limit:
                break
    return picked
