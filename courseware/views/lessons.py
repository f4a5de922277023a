"""The course outline, the lesson pages and their check-yourself questions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST, require_safe

from courseware.content import CheckQuestion, Course, Lesson, load_course
from courseware.grading import Grade, InvalidChoice, choice_seed, grade, parse_choice, shuffled
from courseware.lesson_pages import lesson_html
from courseware.panels import panels_for
from courseware.selectors import (
    check_attempt_count,
    course_outline,
    questions_answered_correctly,
)
from courseware.services import check_answer_record, progress_mark_read
from learners.identity import Learner, learner_for_request


def is_partial_request(request) -> bool:
    """An htmx request for a fragment; a boosted link or form wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


@dataclass(frozen=True)
class CheckItem:
    """One question as the page shows it: untouched, just graded, or refused.

    A first wrong answer gets the hint aimed at the chosen choice and keeps the answer back;
    `show_answer` says the answer and its explanation are on the page (a right answer, a second
    try, or the learner asked).
    """

    question: CheckQuestion
    order: tuple[int, ...] = ()
    grade: Grade | None = None
    error: str = ""
    answered_before: bool = False
    show_answer: bool = False

    @property
    def shown_choices(self) -> list[tuple[int, str]]:
        """(original index, text) in the order this learner sees them."""
        order = self.order or range(len(self.question.choices))
        return [(index, self.question.choices[index]) for index in order]

    @property
    def hint(self) -> str:
        if self.grade is None or self.grade.correct:
            return ""
        return self.question.hint_for(self.grade.choice)

    @property
    def right_answer(self) -> str:
        return self.question.choices[self.question.answer]


def choice_order(learner: Learner | None, lesson: Lesson, question: CheckQuestion) -> tuple:
    identity = learner.identity if learner is not None else ""
    return shuffled(len(question.choices), seed=choice_seed(identity, lesson.slug, question.id))


# (slug, state) -> (course, html): one row of the outline, replaced when the course is reloaded.
_rows: dict[tuple, tuple[Course, SafeString]] = {}


def _row_html(course: Course, row) -> SafeString:
    key = (row.lesson.slug, row.state)
    cached = _rows.get(key)
    if cached is None or cached[0] is not course:
        html = mark_safe(render_to_string("courseware/home.html#row", {"row": row}))
        cached = _rows[key] = (course, html)
    return cached[1]


def _outline_page(request):
    course = load_course()
    learner = learner_for_request(request, create=False)
    outline = course_outline(learner=learner, course=course)
    rows = [_row_html(course, row) for row in outline.rows]
    context = {"course": course, "outline": outline, "outline_rows": rows, **panels_for(learner)}
    return render(request, "courseware/home.html", context)


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


def _levels():
    from simulator.engine.levels import all_levels

    return all_levels()


# slug -> (course, levels, top, bottom): one entry per lesson, replaced when the course or the
# levels are loaded afresh (the loaders hand out the same objects while no file changed).
_parts: dict[str, tuple[Course, tuple, SafeString, SafeString]] = {}


def _lesson_parts(course: Course, lesson: Lesson) -> tuple[SafeString, SafeString]:
    """The HTML above and below the questions, which is the same for every learner."""
    levels = _levels()
    cached = _parts.get(lesson.slug)
    if cached is not None and cached[0] is course and cached[1] is levels:
        return cached[2], cached[3]
    previous, following = course.neighbours(lesson.slug)
    context = {
        "lesson": lesson,
        "body": lesson_html(lesson),
        "previous": previous,
        "next": following,
        "levels": [level for level in levels if level.lesson == lesson.slug],
    }
    top = mark_safe(render_to_string("courseware/lesson.html#top", context))
    bottom = mark_safe(render_to_string("courseware/lesson.html#bottom", context))
    _parts[lesson.slug] = (course, levels, top, bottom)
    return top, bottom


# A question nobody has answered yet looks the same to every learner who sees its choices in
# the same order, except for the CSRF token, which goes in after the cache at this mark.
_CSRF_MARK = f"csrf-{secrets.token_hex(16)}"
_CHECKS_MAX = 4096
# (slug, question id, order, answered before) -> (lesson, html)
_checks: dict[tuple, tuple[Lesson, str]] = {}


def _check_html(request, lesson: Lesson, item: CheckItem) -> SafeString:
    context = {"lesson": lesson, "item": item}
    if item.grade is not None or item.error or item.show_answer:
        return mark_safe(render_to_string("courseware/lesson.html#check", context, request))
    key = (lesson.slug, item.question.id, item.order, item.answered_before)
    cached = _checks.get(key)
    if cached is None or cached[0] is not lesson:
        if len(_checks) >= _CHECKS_MAX:
            _checks.clear()
        html = render_to_string(
            "courseware/lesson.html#check", {**context, "csrf_token": _CSRF_MARK}
        )
        cached = _checks[key] = (lesson, html)
    return mark_safe(cached[1].replace(_CSRF_MARK, get_token(request)))


def _lesson_context(
    request, course: Course, lesson: Lesson, learner: Learner | None, item=None
) -> dict:
    right = questions_answered_correctly(learner=learner, lesson_slug=lesson.slug)
    items = [
        item
        if item is not None and item.question.id == q.id
        else CheckItem(
            question=q, order=choice_order(learner, lesson, q), answered_before=q.id in right
        )
        for q in lesson.checks
    ]
    top, bottom = _lesson_parts(course, lesson)
    checks = [_check_html(request, lesson, each) for each in items]
    return {"lesson": lesson, "checks": checks, "top": top, "bottom": bottom}


@require_safe
def lesson_detail(request, slug):
    course, lesson = _lesson_or_404(slug)
    # Opening a lesson is what counts as reading it (see docs/architecture.md).
    learner = learner_for_request(request, create=True)
    progress_mark_read(learner=learner, lesson_slug=lesson.slug, course=course)
    return render(
        request, "courseware/lesson.html", _lesson_context(request, course, lesson, learner)
    )


@require_POST
def lesson_check(request, slug, question_id):
    """Grades one answer: the question's fragment for htmx, the whole lesson otherwise.

    "Show me the answer" posts `reveal` instead of a choice: it records nothing.
    """
    course, lesson = _lesson_or_404(slug)
    question = lesson.check(question_id)
    if question is None:
        raise Http404(f"The lesson has no question {question_id!r}.")
    learner = learner_for_request(request, create=True)
    order = choice_order(learner, lesson, question)
    status = 200
    if request.POST.get("reveal"):
        item = CheckItem(question=question, order=order, show_answer=True)
    else:
        try:
            choice = parse_choice(question, request.POST.get("choice"))
        except InvalidChoice as exc:
            item = CheckItem(question=question, order=order, error=str(exc))
            status = 400
        else:
            earlier = check_attempt_count(
                learner=learner, lesson_slug=lesson.slug, question_id=question.id
            )
            check_answer_record(
                learner=learner, lesson=lesson, question_id=question.id, choice=choice
            )
            result = grade(question, choice)
            item = CheckItem(
                question=question,
                order=order,
                grade=result,
                show_answer=result.correct or earlier > 0,
            )
    if is_partial_request(request):
        context = {"lesson": lesson, "item": item}
        return render(request, "courseware/lesson.html#check", context, status=status)
    context = _lesson_context(request, course, lesson, learner, item=item)
    return render(request, "courseware/lesson.html", context, status=status)
