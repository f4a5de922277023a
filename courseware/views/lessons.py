"""The course outline, the lesson pages and their check-yourself questions."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from courseware.content import CheckQuestion, Course, Lesson, load_course
from courseware.grading import Grade, InvalidChoice, grade, parse_choice
from courseware.lesson_pages import lesson_html
from courseware.models import Learner
from courseware.selectors import course_outline, questions_answered_correctly
from courseware.services import check_answer_record, learner_for_request, progress_mark_read


def is_partial_request(request) -> bool:
    """An htmx request for a fragment; a boosted link or form wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


@dataclass(frozen=True)
class CheckItem:
    """One question as the page shows it: untouched, just graded, or refused."""

    question: CheckQuestion
    grade: Grade | None = None
    error: str = ""
    answered_before: bool = False


def _outline_page(request):
    course = load_course()
    learner = learner_for_request(request, create=False)
    outline = course_outline(learner=learner, course=course)
    return render(request, "courseware/home.html", {"course": course, "outline": outline})


@require_safe
def home(request):
    return _outline_page(request)


@require_safe
def lesson_index(request):
    return _outline_page(request)


def _lesson_or_404(slug: str) -> tuple[Course, Lesson]:
    course = load_course()
    lesson = course.by_slug.get(slug)
    if lesson is None:
        raise Http404(f"No lesson is called {slug!r}.")
    return course, lesson


def _lesson_context(course: Course, lesson: Lesson, learner: Learner | None, item=None) -> dict:
    right = questions_answered_correctly(learner=learner, lesson_slug=lesson.slug)
    items = [
        item
        if item is not None and item.question.id == q.id
        else CheckItem(question=q, answered_before=q.id in right)
        for q in lesson.checks
    ]
    previous, following = course.neighbours(lesson.slug)
    return {
        "lesson": lesson,
        "body": lesson_html(lesson),
        "checks": items,
        "previous": previous,
        "next": following,
    }


@require_safe
def lesson_detail(request, slug):
    course, lesson = _lesson_or_404(slug)
    # Opening a lesson is what counts as reading it (see docs/architecture.md).
    learner = learner_for_request(request, create=True)
    progress_mark_read(learner=learner, lesson_slug=lesson.slug)
    return render(request, "courseware/lesson.html", _lesson_context(course, lesson, learner))


@require_POST
def lesson_check(request, slug, question_id):
    """Grades one answer: the question's fragment for htmx, the whole lesson otherwise."""
    course, lesson = _lesson_or_404(slug)
    question = lesson.check(question_id)
    if question is None:
        raise Http404(f"The lesson has no question {question_id!r}.")
    learner = learner_for_request(request, create=True)
    status = 200
    try:
        choice = parse_choice(question, request.POST.get("choice"))
    except InvalidChoice as exc:
        item = CheckItem(question=question, error=str(exc))
        status = 400
    else:
        check_answer_record(learner=learner, lesson=lesson, question_id=question.id, choice=choice)
        item = CheckItem(question=question, grade=grade(question, choice))
    if is_partial_request(request):
        context = {"lesson": lesson, "item": item}
        return render(request, "courseware/lesson.html#check", context, status=status)
    context = _lesson_context(course, lesson, learner, item=item)
    return render(request, "courseware/lesson.html", context, status=status)
