"""The course outline, the lesson pages and their check-yourself questions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST, require_safe

from courseware.content import CheckQuestion, Course, Lesson, load_course
from courseware.grading import Grade, InvalidChoice, choice_seed, grade, parse_choice, shuffled
from courseware.gzip_pieces import Piece, piece, pieces_response
from courseware.lesson_pages import lesson_html
from courseware.panels import panels_for
from courseware.selectors import (
    check_attempt_count,
    course_outline,
    questions_answered_correctly,
)
from courseware.services import (
    check_answer_record,
    progress_answers_changed,
    progress_open_lesson,
)
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


# Where a learner's own parts go in a lesson page rendered once for everyone.
_ACCOUNT_MARK = f"<!--account-{secrets.token_hex(16)}-->"
_CHECKS_MARK = f"<!--checks-{secrets.token_hex(16)}-->"

# slug -> (course, levels, pieces): the page cut at the two marks, one entry per lesson, replaced
# when the course or the levels are loaded afresh (the loaders hand out the same objects while no
# file changed).
_shells: dict[str, tuple[Course, tuple, tuple[Piece, Piece, Piece]]] = {}


def _lesson_shell(request, course: Course, lesson: Lesson) -> tuple[Piece, Piece, Piece]:
    """The page before the account links, between them and the questions, and after.

    Everything in it is the same for every learner: the layout around the account links
    depends only on the URL, which is the lesson's own.
    """
    levels = _levels()
    cached = _shells.get(lesson.slug)
    if cached is not None and cached[0] is course and cached[1] is levels:
        return cached[2]
    previous, following = course.neighbours(lesson.slug)
    context = {
        "lesson": lesson,
        "body": lesson_html(lesson),
        "previous": previous,
        "next": following,
        "levels": [level for level in levels if level.lesson == lesson.slug],
        "account_nav": mark_safe(_ACCOUNT_MARK),
        "checks": [mark_safe(_CHECKS_MARK)] if lesson.checks else [],
    }
    html = render_to_string("courseware/lesson.html", context, request)
    head, _, rest = html.partition(_ACCOUNT_MARK)
    middle, _, tail = rest.partition(_CHECKS_MARK)
    pieces = (piece(head), piece(middle), piece(tail))
    _shells[lesson.slug] = (course, levels, pieces)
    return pieces


# path -> the account links of a visitor who is not signed in, the same on every visit.
_anonymous_account_navs: dict[str, Piece] = {}


def _account_nav(request) -> Piece | str:
    if request.user.is_authenticated:
        return render_to_string("_base.html#account-nav", request=request)
    nav = _anonymous_account_navs.get(request.path)
    if nav is None:
        nav = piece(render_to_string("_base.html#account-nav", request=request))
        if len(_anonymous_account_navs) >= _CHECKS_MAX:
            _anonymous_account_navs.clear()
        _anonymous_account_navs[request.path] = nav
    return nav


# A question nobody has answered yet looks the same to every learner who sees its choices in
# the same order, except for the CSRF token, which goes in after the cache at this mark.
_CSRF_MARK = f"csrf-{secrets.token_hex(16)}"
_CHECKS_MAX = 4096
# (slug, question id, order, answered before) -> (lesson, the question cut where its token goes)
_checks: dict[tuple, tuple[Lesson, tuple[Piece, ...]]] = {}


def _check_pieces(request, lesson: Lesson, item: CheckItem, csrf_token: str) -> list[Piece | str]:
    """One question as it stands; one CSRF token serves all the questions of a page."""
    context = {"lesson": lesson, "item": item}
    if item.grade is not None or item.error or item.show_answer:
        return [render_to_string("courseware/lesson.html#check", context, request)]
    key = (lesson.slug, item.question.id, item.order, item.answered_before)
    cached = _checks.get(key)
    if cached is None or cached[0] is not lesson:
        if len(_checks) >= _CHECKS_MAX:
            _checks.clear()
        html = render_to_string(
            "courseware/lesson.html#check", {**context, "csrf_token": _CSRF_MARK}
        )
        cached = _checks[key] = (lesson, tuple(map(piece, html.split(_CSRF_MARK))))
    first, *rest = cached[1]
    pieces: list[Piece | str] = [first]
    for each in rest:
        pieces += (csrf_token, each)
    return pieces


def _lesson_page(
    request,
    course: Course,
    lesson: Lesson,
    learner: Learner | None,
    right: frozenset[str] | set[str],
    item=None,
    status=200,
) -> HttpResponse:
    """The whole lesson page: the shell, with this learner's account links and questions.

    `right` holds the ids of the questions the learner has answered right before; `item` is a
    question just answered, shown in place of its untouched form.
    """
    items = [
        item
        if item is not None and item.question.id == q.id
        else CheckItem(
            question=q, order=choice_order(learner, lesson, q), answered_before=q.id in right
        )
        for q in lesson.checks
    ]
    head, middle, tail = _lesson_shell(request, course, lesson)
    token = get_token(request) if items else ""
    pieces = [head, _account_nav(request), middle]
    for each in items:
        pieces += _check_pieces(request, lesson, each, token)
    pieces.append(tail)
    return pieces_response(request, pieces, status=status)


@require_safe
def lesson_detail(request, slug):
    course, lesson = _lesson_or_404(slug)
    # Opening a lesson is what counts as reading it (see docs/architecture.md).
    learner = learner_for_request(request, create=True)
    right = progress_open_lesson(request.session, learner=learner, lesson=lesson, course=course)
    return _lesson_page(request, course, lesson, learner, right)


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
            progress_answers_changed(request.session)
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
    right = questions_answered_correctly(learner=learner, lesson_slug=lesson.slug)
    return _lesson_page(request, course, lesson, learner, right, item=item, status=status)
