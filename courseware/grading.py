"""Grading and lesson states as pure functions: no database, no request, easy to test."""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from courseware.content import CheckQuestion, Lesson


class InvalidChoice(ValueError):
    """An answer that names no choice of the question; nothing is recorded for it."""


@dataclass(frozen=True)
class Grade:
    question: CheckQuestion
    choice: int
    correct: bool

    @property
    def chosen(self) -> str:
        return self.question.choices[self.choice]

    @property
    def right_answer(self) -> str:
        return self.question.choices[self.question.answer]


def parse_choice(question: CheckQuestion, raw: object) -> int:
    """The index of a submitted choice, or InvalidChoice with a sentence a learner can read."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InvalidChoice("Pick one of the answers first.")
    try:
        choice = int(str(raw).strip())
    except ValueError:
        raise InvalidChoice("That answer is not one of the choices.") from None
    if not 0 <= choice < len(question.choices):
        raise InvalidChoice("That answer is not one of the choices.")
    return choice


# A page shows each of its questions in its learner's order on every visit; drawing the order
# costs more than looking it up.
@functools.lru_cache(maxsize=8192)
def shuffled(count: int, *, seed: str) -> tuple[int, ...]:
    """The order to show `count` choices in, as original indices, fixed by `seed`.

    Choices keep their original index in the form and in the database, so grading and the
    statistics never depend on the order a learner happened to see.
    """
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return tuple(order)


def choice_seed(learner_identity: str, lesson_slug: str, question_id: str) -> str:
    """One learner sees one order for a question on every visit; another learner, another."""
    return f"{learner_identity}:{lesson_slug}:{question_id}"


def grade(question: CheckQuestion, choice: int) -> Grade:
    if not 0 <= choice < len(question.choices):
        raise InvalidChoice("That answer is not one of the choices.")
    return Grade(question=question, choice=choice, correct=choice == question.answer)


class LessonState(StrEnum):
    NOT_STARTED = "not-started"
    READ = "read"
    CHECKED = "checked"

    @property
    def label(self) -> str:
        return {"not-started": "Not started", "read": "Read", "checked": "Checked"}[self.value]


def lesson_is_checked(lesson: Lesson, correctly_answered: Iterable[str]) -> bool:
    """Checked once every question has been answered correctly at least once.

    A lesson without questions is checked as soon as it is read: there is nothing to check.
    """
    return {q.id for q in lesson.checks} <= set(correctly_answered)


def lesson_state(*, read: bool, checked: bool) -> LessonState:
    if checked:
        return LessonState.CHECKED
    if read:
        return LessonState.READ
    return LessonState.NOT_STARTED


def continue_from(
    slugs: list[str], states: dict[str, LessonState], last_touched: str | None
) -> str | None:
    """Where "continue where you left off" leads.

    The first lesson at or after the last one the learner touched that is not yet checked,
    wrapping round to the start; the first lesson for a newcomer; None when all are checked.
    """
    if not slugs:
        return None
    start = slugs.index(last_touched) if last_touched in slugs else 0
    for slug in slugs[start:] + slugs[:start]:
        if states.get(slug, LessonState.NOT_STARTED) is not LessonState.CHECKED:
            return slug
    return None
