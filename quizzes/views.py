"""The quiz pages and the naming checker page.

Small function views. An htmx request gets the same template's partial; any other request gets
the whole page, so everything works without JavaScript (answers post, then redirect back).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learners.identity import learner_for_request
from quizzes.banks import BANKS_DIR, BankError, Quiz, load_banks
from quizzes.final import FINAL_SIZE, FINAL_SLUG, PASS_SHARE, left_behind, passed
from quizzes.grading import Graded, InvalidAnswer, grade, right_answer
from quizzes.misconceptions import load_catalogue
from quizzes.models import Answer, Attempt, ReviewAnswer
from quizzes.naming import MAX_INPUT_CHARS, MAX_NAMES, check_names
from quizzes.presenting import Presented, present
from quizzes.selectors import (
    answers_by_question,
    attempt_for,
    final_quiz,
    learner_records,
    misconception_history,
    misconception_statistics,
    question_statistics,
    review_due,
    review_due_count,
    review_items,
)
from quizzes.services import (
    QuizError,
    answer_record,
    attempt_start,
    parse_token,
    review_answer_record,
    review_seed,
)

TYPE_LABELS = {
    "classify": "Event or command?",
    "rename": "Fix the name",
    "choice": "Pick the design",
    "select": "Tick all that apply",
    "twotier": "Answer, then the reason",
    "spotbug": "Spot the bug",
    "truefalse": "True or false",
    "predict": "Predict the outcome",
    "order": "Put in order",
}


def is_partial(request) -> bool:
    """An htmx request for a fragment; a boosted link or form wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def _banks():
    return load_banks(Path(getattr(settings, "QUIZ_BANKS_DIR", None) or BANKS_DIR))


def _quiz_or_404(slug: str) -> Quiz:
    if slug == FINAL_SLUG:
        # The final's questions are drawn per attempt; this is its name and summary.
        return final_quiz(())
    quiz = _banks().by_slug.get(slug)
    if quiz is None:
        raise Http404(f"No quiz is called {slug!r}.")
    return quiz


def _lesson_titles() -> dict[str, str]:
    try:
        from courseware.content import load_course

        return {lesson.slug: lesson.title for lesson in load_course().lessons}
    except Exception:  # a broken lesson is the lessons check's to report, not this page's
        return {}


# --------------------------------------------------------------------------------------------
# The naming checker page


def _level_titles() -> dict[str, str]:
    try:
        from simulator.engine.levels import all_levels

        return {level.name: level.title for level in all_levels()}
    except Exception:  # a broken level is the levels check's to report, not this page's
        return {}


@require_http_methods(["GET", "HEAD", "POST"])
def grammar_page(request):
    # The form posts: a GET line dies past about 16 KB, under the stated limit. A short list
    # still has a link of its own, so GET reads the same field.
    names = (request.POST if request.method == "POST" else request.GET).get("names", "")
    report = check_names(names)
    context = {
        "names": names if len(names) <= MAX_INPUT_CHARS else "",
        "report": report,
        "max_names": MAX_NAMES,
        "max_chars": MAX_INPUT_CHARS,
        "examples": "PlaceOrder\nOrderPlaced\nSendEmail\ncharge.refunded\nreset_password\n"
        "OrderPlacedCommand\nCustomerData",
    }
    status = 400 if report.error else 200
    if is_partial(request):
        return render(request, "quizzes/grammar.html#results", context, status=status)
    return render(request, "quizzes/grammar.html", context, status=status)


# --------------------------------------------------------------------------------------------
# Quizzes


@require_safe
def quiz_list(request):
    banks = _banks()
    records = learner_records(learner=learner_for_request(request, create=False))
    rows = [(quiz, records.get(quiz.slug)) for quiz in banks.quizzes]
    return render(request, "quizzes/list.html", {"rows": rows})


def _detail(request, quiz: Quiz, *, error: str = "", status: int = 200):
    records = learner_records(learner=learner_for_request(request, create=False))
    titles = _lesson_titles()
    context = {
        "quiz": quiz,
        "record": records.get(quiz.slug),
        "token": uuid.uuid4(),
        "error": error,
        "lessons": [(slug, titles.get(slug, slug)) for slug in quiz.lessons],
        "types": sorted({TYPE_LABELS[q.type] for q in quiz.questions}),
    }
    return render(request, "quizzes/detail.html", context, status=status)


@require_safe
def quiz_detail(request, slug):
    if slug == FINAL_SLUG:
        return _final_detail(request)
    return _detail(request, _quiz_or_404(slug))


def _final_detail(request, *, error: str = "", status: int = 200):
    records = learner_records(learner=learner_for_request(request, create=False))
    context = {
        "quiz": final_quiz(()),
        "record": records.get(FINAL_SLUG),
        "token": uuid.uuid4(),
        "error": error,
        "size": FINAL_SIZE,
        "pass_share": round(PASS_SHARE * 100),
    }
    return render(request, "quizzes/final.html", context, status=status)


@require_POST
def quiz_start(request, slug):
    quiz = _quiz_or_404(slug)
    try:
        token = parse_token(request.POST.get("token"))
        learner = learner_for_request(request, create=True)
        attempt = attempt_start(learner=learner, quiz=quiz, token=token)
    except QuizError as exc:
        if quiz.slug == FINAL_SLUG:
            return _final_detail(request, error=str(exc), status=400)
        return _detail(request, quiz, error=str(exc), status=400)
    return redirect("quiz-attempt", slug=quiz.slug, pk=attempt.pk)


@dataclass(frozen=True)
class QuestionItem:
    """One question of an attempt as the page shows it: open, answered, or refused."""

    number: int
    presented: Presented
    graded: Graded | None = None
    error: str = ""
    lesson: str = ""
    lesson_title: str = ""
    response: str = ""  # a refused answer, to show back in the form
    action: str = ""  # where a review item's form posts
    anchor: str = ""  # the section's id on a review page

    @property
    def question(self):
        return self.presented.question

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.question.type]

    @property
    def positions(self) -> range:
        return range(1, len(self.question.items) + 1)

    @property
    def misconceptions(self) -> list:
        """The catalogue entries the wrong answer points to, for the feedback's links."""
        if self.graded is None or self.graded.correct:
            return []
        known = load_catalogue().by_id
        return [known[m] for m in self.graded.misconceptions if m in known]

    @property
    def belief_links(self) -> list:
        """(belief, lesson title, level title): titles give each link a name of its own, so a
        screen reader's list of links is not a column of the same two words."""
        beliefs = self.misconceptions
        if not beliefs:
            return []
        lessons, levels = _lesson_titles(), _level_titles()
        return [(m, lessons.get(m.lesson, m.lesson), levels.get(m.level, m.level)) for m in beliefs]

    @property
    def right_answer(self) -> str:
        if self.graded is not None:
            return self.graded.right_answer
        try:
            return right_answer(self.presented)
        except BankError:
            return ""


def _graded(presented: Presented, answer: Answer) -> Graded | None:
    try:
        graded = grade(presented, answer.response)
    except (BankError, InvalidAnswer, ValueError, IndexError):
        return None
    # What was recorded is the record, even if the bank has changed since.
    return Graded(
        correct=answer.correct,
        response=graded.response,
        your_answer=graded.your_answer,
        right_answer=graded.right_answer,
        feedback=graded.feedback,
        misconceptions=graded.misconceptions,
    )


def _item(quiz, attempt, number, question, answer=None, titles=None, **extra) -> QuestionItem:
    presented = present(question, attempt.seed)
    lesson = quiz.lesson_for(question)
    return QuestionItem(
        number=number,
        presented=presented,
        graded=_graded(presented, answer) if answer is not None else None,
        lesson=lesson,
        lesson_title=(titles or {}).get(lesson, ""),
        **extra,
    )


def _attempt_or_404(request, quiz: Quiz, pk: int) -> Attempt:
    attempt = attempt_for(learner=learner_for_request(request, create=False), quiz=quiz, pk=pk)
    if attempt is None:
        raise Http404("No such attempt of yours.")
    return attempt


def _quiz_and_attempt(request, slug: str, pk: int) -> tuple[Quiz, Attempt]:
    quiz = _quiz_or_404(slug)
    attempt = _attempt_or_404(request, quiz, pk)
    if quiz.slug == FINAL_SLUG:
        quiz = final_quiz(attempt.questions)
    return quiz, attempt


def _attempt_context(quiz: Quiz, attempt: Attempt, replace: QuestionItem | None = None) -> dict:
    answers = answers_by_question(attempt)
    titles = _lesson_titles()
    items = []
    for number, question in enumerate(quiz.questions, 1):
        if replace is not None and replace.question.id == question.id:
            items.append(replace)
        else:
            items.append(_item(quiz, attempt, number, question, answers.get(question.id), titles))
    return {
        "quiz": quiz,
        "attempt": attempt,
        "items": items,
        "answered": len(answers),
        "right": sum(a.correct for a in answers.values()),
        "total": len(quiz.questions),
    }


@require_safe
def attempt_page(request, slug, pk):
    quiz, attempt = _quiz_and_attempt(request, slug, pk)
    return render(request, "quizzes/attempt.html", _attempt_context(quiz, attempt))


@require_POST
def attempt_answer(request, slug, pk, question_id):
    quiz, attempt = _quiz_and_attempt(request, slug, pk)
    question = quiz.question(question_id)
    if question is None:
        raise Http404(f"The quiz has no question {question_id!r}.")
    number = quiz.questions.index(question) + 1
    titles = _lesson_titles()
    status = 200
    try:
        answer, _ = answer_record(attempt=attempt, quiz=quiz, question=question, data=request.POST)
        item = _item(quiz, attempt, number, question, answer, titles)
    except InvalidAnswer as exc:
        raw = request.POST.get("answer", "")
        item = _item(
            quiz, attempt, number, question, None, titles, error=str(exc),
            response=raw[:200] if isinstance(raw, str) else "",
        )  # fmt: skip
        status = 400
    except QuizError as exc:
        answer = attempt.answers.get(question_id=question.id)
        item = _item(quiz, attempt, number, question, answer, titles, error=str(exc))
        status = 409
    if is_partial(request):
        context = _attempt_context(quiz, attempt, replace=item)
        context["item"] = item
        context["fresh"] = True
        return render(request, "quizzes/attempt.html#question", context, status=status)
    if status == 200:
        url = reverse("quiz-attempt", args=[quiz.slug, attempt.pk])
        return redirect(f"{url}#q-{question.id}")
    return render(
        request, "quizzes/attempt.html", _attempt_context(quiz, attempt, item), status=status
    )


@require_safe
def attempt_results(request, slug, pk):
    quiz, attempt = _quiz_and_attempt(request, slug, pk)
    context = _attempt_context(quiz, attempt)
    context["token"] = uuid.uuid4()
    context["missed"] = [i for i in context["items"] if not (i.graded and i.graded.correct)]
    context["comes_back"] = any(i.graded for i in context["missed"])
    if quiz.slug == FINAL_SLUG:
        held = {}
        for item in context["missed"]:
            for misconception in item.misconceptions:
                held.setdefault(misconception.id, misconception)
        context["final"] = True
        context["passed"] = passed(context["right"], context["total"])
        titles = _lesson_titles()
        levels = _level_titles()
        context["held"] = [
            (m, titles.get(m.lesson, m.lesson), levels.get(m.level, m.level)) for m in held.values()
        ]
    return render(request, "quizzes/results.html", context)


@require_safe
def stats_page(request):
    if not (request.user.is_authenticated and request.user.is_staff):
        # Rendered rather than raised: a refused visitor is not a server error to log.
        return render(request, "403.html", status=403)
    banks = _banks()
    stats = question_statistics(quizzes=banks.quizzes)
    by_quiz = [(quiz, [s for s in stats if s.quiz.slug == quiz.slug]) for quiz in banks.quizzes]
    context = {
        "by_quiz": by_quiz,
        "beliefs": misconception_statistics(quizzes=banks.quizzes),
        "poor": [s for s in stats if s.discriminates_poorly],
    }
    return render(request, "quizzes/stats.html", context)


# --------------------------------------------------------------------------------------------
# Spaced review


def _review_item(learner, item, number, counts, titles, graded=None, **extra) -> QuestionItem:
    seed = review_seed(learner=learner, key=item.key, answered=counts.get(item.key, 0))
    return QuestionItem(
        number=number,
        presented=present(item.question, seed),
        graded=graded,
        lesson=item.lesson,
        lesson_title=titles.get(item.lesson, ""),
        action=reverse("quiz-review-answer", args=[item.kind, item.source_slug, item.question.id]),
        anchor=f"r-{item.kind}-{item.source_slug}-{item.question.id}",
        **extra,
    )


def _review_counts(learner) -> dict:
    if learner is None:
        return {}
    rows = (
        ReviewAnswer.objects.filter(**learner.lookup)
        .values_list("source", "question_id")
        .annotate(n=Count("id"))
    )
    return {(source, qid): n for source, qid, n in rows}


def _review_context(learner, replace: QuestionItem | None = None) -> dict:
    now = timezone.now()
    due = review_due(learner=learner, now=now)
    counts = _review_counts(learner)
    titles = _lesson_titles()
    items = [_review_item(learner, item, n, counts, titles) for n, item in enumerate(due, 1)]
    if replace is not None:
        items = [i for i in items if i.anchor != replace.anchor]
        items.insert(0, replace)
    return {
        "items": items,
        "due": review_due_count(learner=learner, now=now),
        "lessons": len({i.lesson for i in items}),
    }


@require_safe
def review_page(request):
    learner = learner_for_request(request, create=False)
    return render(request, "quizzes/review.html", _review_context(learner))


@require_POST
def review_answer(request, kind, source, question_id):
    learner = learner_for_request(request, create=False)
    key = (f"{kind}:{source}", question_id)
    item = review_items().get(key) if kind in ("quiz", "lesson") else None
    if item is None:
        raise Http404("Nothing to review under that name.")
    due_keys = {i.key for i in review_due(learner=learner, now=timezone.now())}
    counts = _review_counts(learner)
    titles = _lesson_titles()
    status = 200
    if key not in due_keys:
        # Answered already (a second submit) or never missed: nothing to schedule.
        shown = _review_item(
            learner, item, 1, counts, titles,
            error="This question is not due for review now; the review page lists what is.",
        )  # fmt: skip
        status = 409
    else:
        try:
            _, graded = review_answer_record(learner=learner, item=item, data=request.POST)
            shown = _review_item(learner, item, 1, counts, titles, graded=graded)
        except InvalidAnswer as exc:
            raw = request.POST.get("answer", "")
            shown = _review_item(
                learner, item, 1, counts, titles, error=str(exc),
                response=raw[:200] if isinstance(raw, str) else "",
            )  # fmt: skip
            status = 400
    if is_partial(request):
        context = {"item": shown, "fresh": True, "due": review_due_count(
            learner=learner, now=timezone.now())}  # fmt: skip
        return render(request, "quizzes/review.html#item", context, status=status)
    return render(request, "quizzes/review.html", _review_context(learner, shown), status=status)


# --------------------------------------------------------------------------------------------
# The course record: a printable page once the final is passed

MAX_NAME_CHARS = 80


def _passed_final(learner):
    if learner is None:
        return None
    attempts = (
        Attempt.objects.filter(**learner.lookup, quiz_slug=FINAL_SLUG, finished_at__isnull=False)
        .annotate(right=Count("answers", filter=Q(answers__correct=True)))
        .order_by("-finished_at")
    )
    return next((a for a in attempts if passed(a.right, len(a.questions))), None)


@require_safe
def completion_page(request):
    learner = learner_for_request(request, create=False)
    attempt = _passed_final(learner)
    if attempt is None:
        return render(request, "quizzes/completion.html", {"attempt": None}, status=404)
    error = ""
    if request.user.is_authenticated:
        name = request.user.get_full_name() or request.user.get_username()
    else:
        raw = request.GET.get("name", "")
        name = " ".join(raw.split())
        if len(name) > MAX_NAME_CHARS or any(not ch.isprintable() for ch in name):
            error = f"A name here is printable text of at most {MAX_NAME_CHARS} characters."
            name = ""
    left = left_behind(misconception_history(learner=learner))
    catalogue = load_catalogue().by_id
    mastered = [catalogue[m] for m in sorted(left) if m in catalogue]
    titles = _lesson_titles()
    context = {
        "attempt": attempt,
        "name": name,
        "error": error,
        "anonymous": not request.user.is_authenticated,
        "max_name": MAX_NAME_CHARS,
        "mastered": mastered,
        "lessons": list(titles.values()),
        "score": attempt.right,
        "total": len(attempt.questions),
    }
    return render(request, "quizzes/completion.html", context, status=400 if error else 200)
