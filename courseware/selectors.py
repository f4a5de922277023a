"""Reads of learner progress shaped for the pages that show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from courseware.content import CheckQuestion, Course, Lesson
from courseware.grading import LessonState, continue_from, lesson_state
from courseware.models import CheckAnswer, LessonProgress
from learners.identity import Learner


@dataclass(frozen=True)
class LessonRow:
    lesson: Lesson
    state: LessonState
    read_at: datetime | None = None
    checked_at: datetime | None = None
    attempts: int = 0
    questions_right: int = 0


@dataclass(frozen=True)
class Outline:
    rows: tuple[LessonRow, ...]
    continue_lesson: Lesson | None
    started: bool

    @property
    def checked_count(self) -> int:
        return sum(row.state is LessonState.CHECKED for row in self.rows)


def course_outline(*, learner: Learner | None, course: Course) -> Outline:
    """Each lesson with the learner's state, and where to continue."""
    progress: dict[str, LessonProgress] = {}
    attempts: dict[str, int] = {}
    right: dict[str, int] = {}
    if learner is not None:
        progress = {p.lesson_slug: p for p in LessonProgress.objects.of(learner)}
        for row in (
            CheckAnswer.objects.of(learner)
            .values("lesson_slug")
            .annotate(
                attempts=Count("id"),
                right=Count("question_id", filter=Q(correct=True), distinct=True),
            )
        ):
            attempts[row["lesson_slug"]] = row["attempts"]
            right[row["lesson_slug"]] = row["right"]
    rows = []
    for lesson in course.lessons:
        p = progress.get(lesson.slug)
        rows.append(
            LessonRow(
                lesson=lesson,
                state=lesson_state(read=bool(p and p.read_at), checked=bool(p and p.checked_at)),
                read_at=p.read_at if p else None,
                checked_at=p.checked_at if p else None,
                attempts=attempts.get(lesson.slug, 0),
                questions_right=right.get(lesson.slug, 0),
            )
        )
    touched = [p for p in progress.values() if p.lesson_slug in course.by_slug]
    last = max(touched, key=lambda p: p.touched_at).lesson_slug if touched else None
    slug = continue_from(
        [lesson.slug for lesson in course.lessons], {r.lesson.slug: r.state for r in rows}, last
    )
    return Outline(
        rows=tuple(rows),
        continue_lesson=course.by_slug.get(slug) if slug else None,
        started=bool(touched),
    )


def questions_answered_correctly(*, learner: Learner | None, lesson_slug: str) -> set[str]:
    if learner is None:
        return set()
    return set(
        CheckAnswer.objects.of(learner)
        .filter(lesson_slug=lesson_slug, correct=True)
        .values_list("question_id", flat=True)
        .distinct()
    )


def check_attempt_count(*, learner: Learner | None, lesson_slug: str, question_id: str) -> int:
    """How many answers the learner has given to one check question, right or wrong."""
    if learner is None:
        return 0
    return (
        CheckAnswer.objects.of(learner)
        .filter(lesson_slug=lesson_slug, question_id=question_id)
        .count()
    )


@dataclass(frozen=True)
class QuestionStats:
    lesson: Lesson
    question: CheckQuestion
    attempts: int
    correct: int
    learners: int

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.attempts) if self.attempts else None


def question_statistics(*, course: Course) -> list[QuestionStats]:
    """Per question, across every learner: attempts, correct attempts, distinct learners."""
    counts = {
        (row["lesson_slug"], row["question_id"]): row
        for row in CheckAnswer.objects.values("lesson_slug", "question_id").annotate(
            attempts=Count("id"),
            correct=Count("id", filter=Q(correct=True)),
            users=Count("user", distinct=True),
            sessions=Count("session_key", filter=~Q(session_key=""), distinct=True),
        )
    }
    stats = []
    for lesson in course.lessons:
        for question in lesson.checks:
            row = counts.get((lesson.slug, question.id), {})
            stats.append(
                QuestionStats(
                    lesson=lesson,
                    question=question,
                    attempts=row.get("attempts", 0),
                    correct=row.get("correct", 0),
                    learners=row.get("users", 0) + row.get("sessions", 0),
                )
            )
    return stats
