"""Reads for the level map and the level pages."""

from __future__ import annotations

from dataclasses import dataclass

from challenges.models import LevelAttempt
from courseware.content import load_course
from courseware.models import LessonProgress
from learners.identity import Learner
from simulator.engine import levels
from simulator.engine.levels import Level

OPEN, LOCKED, SOLVED = "open", "locked", "solved"


@dataclass(frozen=True)
class MapRow:
    level: Level
    state: str
    best_actions: int | None
    lesson_title: str = ""

    @property
    def against_par(self) -> str:
        if self.best_actions is None:
            return ""
        actions = f"{self.best_actions} action{'' if self.best_actions == 1 else 's'}"
        if self.best_actions <= self.level.par:
            return f"{actions}, at par"
        return f"{actions}, par {self.level.par}"


def all_levels() -> list[Level]:
    return list(levels.all_levels())


def attempts_by_level(learner: Learner | None) -> dict[str, LevelAttempt]:
    if learner is None:
        return {}
    return {a.level: a for a in LevelAttempt.objects.of(learner)}


def level_map(learner: Learner | None) -> list[MapRow]:
    """Every level and its state: a level opens when the one before it is solved, or when the
    learner has read the lesson it practises; the first is always open."""
    attempts = attempts_by_level(learner)
    read = set()
    if learner is not None:
        read = set(
            LessonProgress.objects.of(learner)
            .filter(read_at__isnull=False)
            .values_list("lesson_slug", flat=True)
        )
    titles = {lesson.slug: lesson.title for lesson in load_course().lessons}
    rows, previous_solved = [], True
    for level in all_levels():
        attempt = attempts.get(level.name)
        solved = attempt is not None and attempt.solved_at is not None
        if solved:
            state = SOLVED
        elif previous_solved or level.lesson in read:
            state = OPEN
        else:
            state = LOCKED
        best = attempt.best_actions if attempt else None
        rows.append(MapRow(level, state, best, titles.get(level.lesson, level.lesson)))
        previous_solved = solved
    return rows


def levels_of_lesson(slug: str) -> list[Level]:
    return [level for level in all_levels() if level.lesson == slug]
