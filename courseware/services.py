"""Every write to a learner's progress goes through these functions."""

from __future__ import annotations

import secrets

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import Min, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from courseware.content import Course, Lesson, load_course
from courseware.grading import grade, lesson_is_checked
from courseware.models import CheckAnswer, LessonProgress
from courseware.selectors import questions_answered_correctly
from learners.identity import Learner


def _progress_for_update(learner: Learner, lesson_slug: str) -> LessonProgress:
    progress, _ = (
        LessonProgress.objects.select_for_update()
        .of(learner)
        .get_or_create(
            lesson_slug=lesson_slug,
            defaults={**learner.fields, "touched_at": timezone.now()},
        )
    )
    return progress


def progress_mark_read(*, learner: Learner, lesson_slug: str, course: Course | None = None) -> None:
    """A lesson counts as read from the first time its page is opened.

    Every opening also moves `touched_at`, which is where "continue where you left off" points.
    A returning reader costs one UPDATE and no lock: the read and checked times are only filled
    in by the database when they are still empty. Raises KeyError for a slug the course does not
    have. A caller that has just loaded the course passes it, which spares a look at the folder.
    """
    lesson = (course or load_course()).by_slug[lesson_slug]
    now = timezone.now()
    changes = {"touched_at": now, "read_at": Coalesce("read_at", Value(now))}
    if not lesson.checks:
        # A lesson without questions has nothing left to check once it is read.
        changes["checked_at"] = Coalesce("checked_at", Value(now))
    rows = LessonProgress.objects.of(learner).filter(lesson_slug=lesson.slug)
    if rows.update(**changes):
        return
    try:
        with transaction.atomic():
            LessonProgress.objects.create(
                **learner.fields,
                lesson_slug=lesson.slug,
                read_at=now,
                checked_at=None if lesson.checks else now,
                touched_at=now,
            )
    except IntegrityError:
        # The learner's other tab made the row between our UPDATE and INSERT.
        rows.update(**changes)


# A lesson page needs the questions its learner has answered right, and opening it moves the
# learner's latest touch. Both are kept for a minute in this process's "local" cache, so a learner
# who reloads a lesson or comes back to it soon costs no write and no query. The key carries a
# token from the session that every answer given in it replaces: a page can never miss an answer
# given in the same browser, in any process. Answers from another browser of the same account
# show within the minute, and the latest touch is at most a minute old.
ANSWERS_TOKEN_KEY = "courseware_answers"
LESSON_STATE_SECONDS = 60


def _lesson_state_key(session, learner: Learner, lesson_slug: str) -> str:
    return f"lesson:{learner.identity}:{lesson_slug}:{session.get(ANSWERS_TOKEN_KEY, '')}"


def progress_open_lesson(
    session, *, learner: Learner, lesson: Lesson, course: Course | None = None
) -> frozenset[str]:
    """Counts a lesson as read; returns the ids of its questions the learner has answered right.

    `session` is the request's session (any mapping will do).
    """
    key = _lesson_state_key(session, learner, lesson.slug)
    local = caches["local"]
    right = local.get(key)
    if right is None:
        progress_mark_read(learner=learner, lesson_slug=lesson.slug, course=course)
        right = frozenset(questions_answered_correctly(learner=learner, lesson_slug=lesson.slug))
        local.set(key, right, LESSON_STATE_SECONDS)
    return right


def progress_answers_changed(session) -> None:
    """Called after an answer is recorded: no lesson page of this session is served from before."""
    session[ANSWERS_TOKEN_KEY] = secrets.token_hex(8)


@transaction.atomic
def check_answer_record(
    *, learner: Learner, lesson: Lesson, question_id: str, choice: int
) -> CheckAnswer:
    """Grades an answer, keeps it, and marks the lesson checked when it completes the set.

    Raises KeyError for a question the lesson does not have and InvalidChoice for a choice the
    question does not have; in both cases nothing is written.
    """
    question = lesson.check(question_id)
    if question is None:
        raise KeyError(question_id)
    result = grade(question, choice)
    now = timezone.now()
    answer = CheckAnswer.objects.create(
        **learner.fields,
        lesson_slug=lesson.slug,
        question_id=question_id,
        choice=choice,
        correct=result.correct,
        answered_at=now,
    )
    progress = _progress_for_update(learner, lesson.slug)
    progress.touched_at = now
    if progress.read_at is None:
        # Answering a lesson's question means its page was open.
        progress.read_at = now
    if progress.checked_at is None and result.correct:
        right = (
            CheckAnswer.objects.of(learner)
            .filter(lesson_slug=lesson.slug, correct=True)
            .values_list("question_id", flat=True)
        )
        if lesson_is_checked(lesson, right):
            progress.checked_at = now
    progress.save()
    return answer


def _earliest(*moments):
    present = [m for m in moments if m is not None]
    return min(present) if present else None


def _checked_at(lesson: Lesson, user_id: int):
    """When the user's answers first covered every question: the latest first-correct time."""
    firsts = dict(
        CheckAnswer.objects.filter(user_id=user_id, lesson_slug=lesson.slug, correct=True)
        .values("question_id")
        .annotate(first=Min("answered_at"))
        .values_list("question_id", "first")
    )
    if not lesson_is_checked(lesson, firsts):
        return None
    return max((firsts[q.id] for q in lesson.checks), default=None)


@transaction.atomic
def progress_merge_session_into_user(*, session_key: str, user) -> int:
    """Moves an anonymous session's progress onto a user, losing nothing.

    `session_key` is the learner key kept in the session data. Answers are all kept (the union
    of both histories); for a lesson both have touched, the earlier read and checked times win,
    and a lesson becomes checked if the combined answers now cover every question. Returns how
    many lessons the session had.
    """
    if not session_key:
        return 0
    anonymous = Learner(session_key=session_key)
    CheckAnswer.objects.of(anonymous).update(user=user, session_key="")
    course = load_course()
    moved = 0
    for progress in LessonProgress.objects.select_for_update().of(anonymous):
        moved += 1
        mine = (
            LessonProgress.objects.select_for_update()
            .filter(user=user, lesson_slug=progress.lesson_slug)
            .first()
        )
        if mine is None:
            progress.user, progress.session_key = user, ""
            progress.save()
            mine = progress
        else:
            mine.read_at = _earliest(mine.read_at, progress.read_at)
            mine.checked_at = _earliest(mine.checked_at, progress.checked_at)
            mine.touched_at = max(mine.touched_at, progress.touched_at)
            progress.delete()
        lesson = course.by_slug.get(mine.lesson_slug)
        if mine.checked_at is None and lesson is not None and lesson.checks:
            mine.checked_at = _checked_at(lesson, user.pk)
        mine.save()
    return moved
