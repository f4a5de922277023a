"""Progress writes: reading, answering, and merging an anonymous session into a user."""

import dataclasses
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from courseware.content import Course, load_course
from courseware.grading import InvalidChoice
from courseware.models import CheckAnswer, LessonProgress
from courseware.selectors import course_outline, question_statistics
from courseware.services import (
    check_answer_record,
    progress_answers_changed,
    progress_mark_read,
    progress_merge_session_into_user,
    progress_open_lesson,
)
from learners.identity import Learner

pytestmark = pytest.mark.django_db

ANON = Learner(session_key="a" * 32)


@pytest.fixture
def course():
    return load_course()


@pytest.fixture
def lesson(course):
    lesson = course.lessons[0]
    assert len(lesson.checks) >= 2, "the first lesson should have at least two questions"
    return lesson


@pytest.fixture
def user():
    return get_user_model().objects.create_user("ada", password="an-unguessable-phrase-42")


def answer_all(learner, lesson, *, right=True):
    for q in lesson.checks:
        choice = q.answer if right else (q.answer + 1) % len(q.choices)
        check_answer_record(learner=learner, lesson=lesson, question_id=q.id, choice=choice)


def test_marking_read_keeps_the_first_read_time(lesson):
    progress_mark_read(learner=ANON, lesson_slug=lesson.slug)
    first = LessonProgress.objects.get()
    progress_mark_read(learner=ANON, lesson_slug=lesson.slug)
    again = LessonProgress.objects.get()
    assert again.pk == first.pk
    assert again.read_at == first.read_at
    assert again.touched_at >= first.touched_at
    assert again.checked_at is None
    assert LessonProgress.objects.count() == 1


def test_marking_read_again_moves_the_touch_time_in_one_query(lesson, django_assert_num_queries):
    progress_mark_read(learner=ANON, lesson_slug=lesson.slug)
    earlier = timezone.now() - timedelta(days=1)
    LessonProgress.objects.update(read_at=earlier, touched_at=earlier)
    with django_assert_num_queries(1):
        progress_mark_read(learner=ANON, lesson_slug=lesson.slug)
    progress = LessonProgress.objects.get()
    assert progress.read_at == earlier
    assert progress.touched_at > earlier


def test_reading_a_lesson_without_questions_checks_it_once(lesson, monkeypatch):
    bare = dataclasses.replace(lesson, checks=())
    course = Course(lessons=(bare,), by_slug={bare.slug: bare})
    monkeypatch.setattr("courseware.services.load_course", lambda: course)
    progress_mark_read(learner=ANON, lesson_slug=bare.slug)
    first = LessonProgress.objects.get()
    assert first.checked_at == first.read_at
    progress_mark_read(learner=ANON, lesson_slug=bare.slug)
    assert LessonProgress.objects.get().checked_at == first.checked_at


def test_marking_an_unknown_lesson_read_is_refused():
    with pytest.raises(KeyError):
        progress_mark_read(learner=ANON, lesson_slug="no-such-lesson")
    assert not LessonProgress.objects.exists()


def test_a_wrong_answer_is_kept_and_does_not_check_the_lesson(lesson):
    q = lesson.checks[0]
    answer = check_answer_record(
        learner=ANON, lesson=lesson, question_id=q.id, choice=(q.answer + 1) % len(q.choices)
    )
    assert not answer.correct
    progress = LessonProgress.objects.get(session_key=ANON.session_key)
    assert progress.read_at is not None
    assert progress.checked_at is None


def test_the_lesson_is_checked_once_every_question_was_right_at_least_once(lesson):
    answer_all(ANON, lesson, right=False)
    first, *rest = lesson.checks
    check_answer_record(learner=ANON, lesson=lesson, question_id=first.id, choice=first.answer)
    assert LessonProgress.objects.get().checked_at is None
    for q in rest:
        check_answer_record(learner=ANON, lesson=lesson, question_id=q.id, choice=q.answer)
    assert LessonProgress.objects.get().checked_at is not None
    # A later wrong answer does not take it back.
    answer_all(ANON, lesson, right=False)
    assert LessonProgress.objects.get().checked_at is not None
    assert CheckAnswer.objects.count() == 2 * len(lesson.checks) + len(lesson.checks)


def test_an_invalid_answer_writes_nothing(lesson):
    with pytest.raises(InvalidChoice):
        check_answer_record(learner=ANON, lesson=lesson, question_id=lesson.checks[0].id, choice=99)
    with pytest.raises(KeyError):
        check_answer_record(learner=ANON, lesson=lesson, question_id="nope", choice=0)
    assert not CheckAnswer.objects.exists()
    assert not LessonProgress.objects.exists()


def test_progress_of_one_learner_is_invisible_to_another(course, lesson, user):
    answer_all(ANON, lesson)
    outline = course_outline(learner=Learner(user_id=user.pk), course=course)
    assert outline.checked_count == 0
    assert not outline.started


def test_merge_moves_everything_an_anonymous_session_did(course, lesson, user):
    second = course.lessons[1]
    progress_mark_read(learner=ANON, lesson_slug=second.slug)
    answer_all(ANON, lesson)
    moved = progress_merge_session_into_user(session_key=ANON.session_key, user=user)
    assert moved == 2
    assert not LessonProgress.objects.filter(session_key=ANON.session_key).exists()
    assert not CheckAnswer.objects.filter(session_key=ANON.session_key).exists()
    outline = course_outline(learner=Learner(user_id=user.pk), course=course)
    states = {row.lesson.slug: row.state.value for row in outline.rows}
    assert states[lesson.slug] == "checked"
    assert states[second.slug] == "read"


def test_merge_keeps_the_earliest_read_and_unions_the_answers(lesson, user):
    me = Learner(user_id=user.pk)
    first, *rest = lesson.checks
    # On another device the user got the first question right a day ago...
    check_answer_record(learner=me, lesson=lesson, question_id=first.id, choice=first.answer)
    earlier = timezone.now() - timedelta(days=1)
    LessonProgress.objects.filter(user=user).update(read_at=earlier)
    CheckAnswer.objects.filter(user=user).update(answered_at=earlier)
    # ...and anonymously, today, the rest.
    for q in rest:
        check_answer_record(learner=ANON, lesson=lesson, question_id=q.id, choice=q.answer)
    assert LessonProgress.objects.get(session_key=ANON.session_key).checked_at is None

    progress_merge_session_into_user(session_key=ANON.session_key, user=user)

    progress = LessonProgress.objects.get()
    assert progress.user == user
    assert progress.read_at == earlier
    assert progress.checked_at is not None, "together the answers cover every question"
    assert CheckAnswer.objects.filter(user=user).count() == len(lesson.checks)


def test_merge_keeps_the_users_earlier_checked_time(lesson, user):
    me = Learner(user_id=user.pk)
    answer_all(me, lesson)
    earlier = timezone.now() - timedelta(days=3)
    LessonProgress.objects.filter(user=user).update(read_at=earlier, checked_at=earlier)
    answer_all(ANON, lesson)
    progress_merge_session_into_user(session_key=ANON.session_key, user=user)
    progress = LessonProgress.objects.get()
    assert progress.checked_at == earlier
    assert progress.read_at == earlier


def test_merging_an_empty_or_unknown_session_changes_nothing(lesson, user):
    answer_all(ANON, lesson)
    assert progress_merge_session_into_user(session_key="", user=user) == 0
    assert progress_merge_session_into_user(session_key="b" * 32, user=user) == 0
    assert LessonProgress.objects.get().session_key == ANON.session_key


def test_outline_continues_after_the_last_lesson_touched(course, lesson):
    answer_all(ANON, lesson)
    outline = course_outline(learner=ANON, course=course)
    assert outline.started
    assert outline.continue_lesson == course.lessons[1]
    assert outline.rows[0].questions_right == len(lesson.checks)


def test_question_statistics_count_attempts_right_answers_and_learners(course, lesson, user):
    q = lesson.checks[0]
    wrong = (q.answer + 1) % len(q.choices)
    me = Learner(user_id=user.pk)
    check_answer_record(learner=ANON, lesson=lesson, question_id=q.id, choice=wrong)
    check_answer_record(learner=ANON, lesson=lesson, question_id=q.id, choice=q.answer)
    check_answer_record(learner=me, lesson=lesson, question_id=q.id, choice=q.answer)
    check_answer_record(learner=me, lesson=lesson, question_id=q.id, choice=q.answer)
    stats = {(s.lesson.slug, s.question.id): s for s in question_statistics(course=course)}
    stat = stats[(lesson.slug, q.id)]
    assert (stat.attempts, stat.correct, stat.learners) == (4, 3, 2)
    assert stat.percent_correct == 75
    untouched = stats[(lesson.slug, lesson.checks[1].id)]
    assert untouched.attempts == 0
    assert untouched.percent_correct is None
    assert len(stats) == sum(len(lesson.checks) for lesson in course.lessons)


def test_opening_a_lesson_again_within_the_minute_asks_the_database_nothing(
    lesson, django_assert_num_queries
):
    session = {}
    assert progress_open_lesson(session, learner=ANON, lesson=lesson) == frozenset()
    assert LessonProgress.objects.get().read_at is not None
    with django_assert_num_queries(0):
        assert progress_open_lesson(session, learner=ANON, lesson=lesson) == frozenset()


def test_an_answer_given_in_the_session_is_in_the_next_opening(lesson):
    session = {}
    q = lesson.checks[0]
    progress_open_lesson(session, learner=ANON, lesson=lesson)
    check_answer_record(learner=ANON, lesson=lesson, question_id=q.id, choice=q.answer)
    progress_answers_changed(session)
    assert progress_open_lesson(session, learner=ANON, lesson=lesson) == {q.id}


def test_another_learner_opening_the_lesson_is_counted_for_themselves(lesson):
    session = {}
    other = Learner(session_key="b" * 32)
    progress_open_lesson(session, learner=ANON, lesson=lesson)
    progress_open_lesson(session, learner=other, lesson=lesson)
    assert LessonProgress.objects.count() == 2
