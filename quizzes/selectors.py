"""Reads of quiz attempts shaped for the pages that show them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q

from learners.identity import Learner
from quizzes.banks import BANKS_DIR, BankError, Choice, Question, Quiz, load_banks
from quizzes.final import FINAL_SLUG, Candidate, final_key, split_key
from quizzes.grading import describe, wrong_choices, wrong_picks
from quizzes.misconceptions import Misconception, load_catalogue
from quizzes.models import Answer, Attempt, ReviewAnswer
from quizzes.presenting import Presented
from quizzes.review import Key, Outcome, due_cards, fold, interleave
from quizzes.statistics import discrimination, is_poor


@dataclass(frozen=True)
class QuizRecord:
    attempts: int = 0
    best: int | None = None
    last: Attempt | None = None

    @property
    def last_score(self) -> int | None:
        return getattr(self.last, "right", None)


def learner_records(*, learner: Learner | None) -> dict[str, QuizRecord]:
    """Per quiz slug: how many attempts, the best score and the latest attempt."""
    if learner is None:
        return {}
    attempts = (
        Attempt.objects.of(learner)
        .annotate(right=Count("answers", filter=Q(answers__correct=True)))
        .order_by("-started_at", "-pk")
    )
    records: dict[str, QuizRecord] = {}
    for attempt in attempts:
        old = records.get(attempt.quiz_slug, QuizRecord())
        records[attempt.quiz_slug] = QuizRecord(
            attempts=old.attempts + 1,
            best=max(attempt.right, old.best or 0),
            last=old.last or attempt,
        )
    return records


def quiz_scores(*, learner: Learner | None) -> list[QuizRow]:
    """Every quiz with the learner's record (None when not taken), for the outline pages."""
    directory = Path(getattr(settings, "QUIZ_BANKS_DIR", None) or BANKS_DIR)
    records = learner_records(learner=learner)
    return [
        QuizRow(quiz=quiz, record=records.get(quiz.slug)) for quiz in load_banks(directory).quizzes
    ]


@dataclass(frozen=True)
class QuizRow:
    quiz: Quiz
    record: QuizRecord | None


def attempt_for(*, learner: Learner | None, quiz: Quiz, pk: int) -> Attempt | None:
    """The learner's own attempt at this quiz, or None (someone else's is never shown)."""
    if learner is None:
        return None
    return Attempt.objects.of(learner).filter(quiz_slug=quiz.slug, pk=pk).first()


def answers_by_question(attempt: Attempt) -> dict[str, Answer]:
    return {a.question_id: a for a in attempt.answers.all()}


@dataclass(frozen=True)
class QuestionStats:
    quiz: Quiz
    question: Question
    attempts: int
    correct: int
    wrong_answers: tuple[tuple[str, int], ...]  # most common first
    discrimination: float | None = None  # upper-lower index, None with too few learners

    @property
    def discriminates_poorly(self) -> bool:
        return is_poor(self.discrimination)

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.attempts) if self.attempts else None

    @property
    def most_common_wrong(self) -> tuple[str, int] | None:
        return self.wrong_answers[0] if self.wrong_answers else None


def question_statistics(*, quizzes: tuple[Quiz, ...], top: int = 3) -> list[QuestionStats]:
    """Per question, across every learner: answers, share right, the commonest wrong answers."""
    totals = {
        (row["attempt__quiz_slug"], row["question_id"]): row
        for row in Answer.objects.values("attempt__quiz_slug", "question_id").annotate(
            n=Count("id"), right=Count("id", filter=Q(correct=True))
        )
    }
    wrong: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in (
        Answer.objects.filter(correct=False)
        .values("attempt__quiz_slug", "question_id", "response")
        .annotate(n=Count("id"))
    ):
        wrong[(row["attempt__quiz_slug"], row["question_id"])][row["response"]] += row["n"]
    indices = _discrimination_by_item()
    stats = []
    for quiz in quizzes:
        for question in quiz.questions:
            key = (quiz.slug, question.id)
            row = totals.get(key, {})
            # Wrong answers are described without an attempt's seed: a generated name is not
            # part of the answer, and an order answer names the bank's items.
            presented = Presented(question, name=question.name)
            common = tuple(
                (describe(presented, response), n) for response, n in wrong[key].most_common(top)
            )
            stats.append(
                QuestionStats(
                    quiz=quiz,
                    question=question,
                    attempts=row.get("n", 0),
                    correct=row.get("right", 0),
                    wrong_answers=common,
                    discrimination=indices.get(key),
                )
            )
    return stats


# Spaced review ------------------------------------------------------------------------------

REVIEW_SESSION_SIZE = 10


@dataclass(frozen=True)
class ReviewItem:
    key: Key
    question: Question
    lesson: str

    @property
    def kind(self) -> str:
        return self.key[0].split(":", 1)[0]

    @property
    def source_slug(self) -> str:
        return self.key[0].split(":", 1)[1]


def _lesson_check_question(slug: str, check) -> Question:
    """A lesson's check-yourself question in the bank's terms, so review grades it the same
    way; the lesson's per-choice hints become each wrong choice's feedback."""
    return Question(
        id=check.id,
        type="choice",
        prompt=check.prompt,
        explanation=check.explanation,
        lesson=slug,
        answer=check.answer,
        choices=tuple(
            Choice(text=text, feedback=check.hint_for(i)) for i, text in enumerate(check.choices)
        ),
    )


# (banks, lessons, items): the last items built, handed out again while the loaders hand out
# the same banks and lessons (they do while no file changed). Callers only read them.
_review_items: tuple[object, object, dict] | None = None


def review_items() -> dict[Key, ReviewItem]:
    """Everything that can come up in review: every bank question and every lesson check."""
    global _review_items
    directory = Path(getattr(settings, "QUIZ_BANKS_DIR", None) or BANKS_DIR)
    banks = load_banks(directory)
    try:
        from courseware.content import load_course

        lessons = load_course().lessons
    except Exception:  # a broken lesson is the lessons check's to report; review goes on
        lessons = ()
    memo = _review_items
    if memo is not None and memo[0] is banks and memo[1] is lessons:
        return memo[2]
    items: dict[Key, ReviewItem] = {}
    for quiz in banks.quizzes:
        for question in quiz.questions:
            key = (f"quiz:{quiz.slug}", question.id)
            items[key] = ReviewItem(key, question, quiz.lesson_for(question))
    for lesson in lessons:
        for check in lesson.checks:
            key = (f"lesson:{lesson.slug}", check.id)
            items[key] = ReviewItem(key, _lesson_check_question(lesson.slug, check), lesson.slug)
    _review_items = (banks, lessons, items)
    return items


def _bank_key(slug: str, qid: str) -> Key:
    """The bank item a quiz answer is about; a final's answer is filed under the item it drew."""
    if slug == FINAL_SLUG:
        slug, qid = split_key(qid)
    return (f"quiz:{slug}", qid)


def review_outcomes(*, learner: Learner) -> list[Outcome]:
    """Every answer the learner gave that the schedule is folded from."""
    from courseware.models import CheckAnswer

    outcomes = [
        Outcome(_bank_key(slug, qid), at, correct, "quiz")
        for slug, qid, at, correct in Answer.objects.filter(
            **{f"attempt__{k}": v for k, v in learner.lookup.items()}
        ).values_list("attempt__quiz_slug", "question_id", "answered_at", "correct")
    ]
    outcomes += [
        Outcome((f"lesson:{slug}", qid), at, correct, "lesson")
        for slug, qid, at, correct in CheckAnswer.objects.filter(**learner.lookup).values_list(
            "lesson_slug", "question_id", "answered_at", "correct"
        )
    ]
    outcomes += [
        Outcome((source, qid), at, correct, "review")
        for source, qid, at, correct in ReviewAnswer.objects.filter(**learner.lookup).values_list(
            "source", "question_id", "answered_at", "correct"
        )
    ]
    return outcomes


def review_schedule(*, learner: Learner | None, items: dict[Key, ReviewItem] | None = None):
    """The learner's cards for items that still exist (a question removed from the bank
    leaves review with it)."""
    if learner is None:
        return {}
    items = review_items() if items is None else items
    lessons = {key: item.lesson for key, item in items.items()}
    cards = fold(review_outcomes(learner=learner), lessons)
    return {key: card for key, card in cards.items() if key in items}


def review_due(*, learner: Learner | None, now: datetime) -> list[ReviewItem]:
    """A review session: due items, lessons interleaved, at most REVIEW_SESSION_SIZE."""
    items = review_items()
    cards = review_schedule(learner=learner, items=items)
    session = interleave(due_cards(cards.values(), now), REVIEW_SESSION_SIZE)
    return [items[card.key] for card in session]


def review_due_count(*, learner: Learner | None, now: datetime) -> int:
    return len(due_cards(review_schedule(learner=learner).values(), now))


# The final ----------------------------------------------------------------------------------


def question_misconceptions(question: Question) -> frozenset[str]:
    """Every belief a wrong answer to this question can show."""
    try:
        wrong = wrong_choices(question)
    except BankError:
        wrong = []
    found = {c.misconception for c in wrong if c.misconception}
    if question.misconception:
        found.add(question.misconception)
    return frozenset(found)


def _answer_evidence(question: Question, response: str, correct: bool) -> list[tuple[str, bool]]:
    if correct:
        return [(m, False) for m in question_misconceptions(question)]
    picks = wrong_picks(question, response)
    held = {c.misconception for c in picks if c.misconception}
    if not picks and question.misconception:
        held.add(question.misconception)
    return [(m, True) for m in held]


def misconception_history(*, learner: Learner | None) -> list[tuple[str, bool, Key]]:
    """(misconception, held, item) from every quiz, final and review answer of the learner, in
    the order they were given; a final's answer is filed under the bank item it drew."""
    if learner is None:
        return []
    items = review_items()
    timed: list[tuple[datetime, int, Key, str, bool]] = []
    rows = Answer.objects.filter(
        **{f"attempt__{k}": v for k, v in learner.lookup.items()}
    ).values_list("answered_at", "pk", "attempt__quiz_slug", "question_id", "response", "correct")
    for when, pk, slug, qid, response, correct in rows:
        timed.append((when, pk, _bank_key(slug, qid), response, correct))
    for when, pk, source, qid, response, correct in ReviewAnswer.objects.filter(
        **learner.lookup
    ).values_list("answered_at", "pk", "source", "question_id", "response", "correct"):
        timed.append((when, pk, (source, qid), response, correct))
    history: list[tuple[str, bool, Key]] = []
    for _, _, key, response, correct in sorted(timed, key=lambda row: row[:2]):
        item = items.get(key)
        if item is not None:
            history += [
                (m, held, key) for m, held in _answer_evidence(item.question, response, correct)
            ]
    return history


def misconception_evidence(*, learner: Learner | None) -> list[tuple[str, bool]]:
    """(misconception, held) pairs from every quiz, final and review answer of the learner."""
    return [(m, held) for m, held, _ in misconception_history(learner=learner)]


def final_candidates() -> list[Candidate]:
    directory = Path(getattr(settings, "QUIZ_BANKS_DIR", None) or BANKS_DIR)
    return [
        Candidate(final_key(quiz.slug, q.id), quiz.lesson_for(q), question_misconceptions(q))
        for quiz in load_banks(directory).quizzes
        for q in quiz.questions
    ]


def final_quiz(keys: list[str] | tuple[str, ...]) -> Quiz:
    """The final as a quiz of its own: the drawn questions under their final keys."""
    directory = Path(getattr(settings, "QUIZ_BANKS_DIR", None) or BANKS_DIR)
    by_slug = load_banks(directory).by_slug
    questions = []
    for key in keys:
        slug, qid = split_key(key)
        quiz = by_slug.get(slug)
        question = quiz.question(qid) if quiz else None
        if question is not None:  # a question since removed from the bank drops out
            questions.append(replace(question, id=key, lesson=quiz.lesson_for(question)))
    return Quiz(
        slug=FINAL_SLUG,
        title="The final",
        summary=(
            "Twenty questions from the whole course, more of them about the ideas you have "
            "found hardest. Four in five right passes."
        ),
        lessons=(),
        questions=tuple(questions),
    )


# Staff statistics beyond one question ------------------------------------------------------


def _answer_rows():
    """Every answer as (learner, quiz slug, question id, response, correct), the final's under
    the bank question they came from."""
    rows = Answer.objects.values_list(
        "attempt__user_id", "attempt__session_key", "attempt__quiz_slug", "question_id",
        "response", "correct",
    )  # fmt: skip
    for user_id, session_key, slug, qid, response, correct in rows.iterator():
        if slug == FINAL_SLUG:
            slug, qid = split_key(qid)
        yield (user_id, session_key), slug, qid, response, correct


def _discrimination_by_item() -> dict[tuple[str, str], float | None]:
    rows = list(_answer_rows())
    right, total = Counter(), Counter()
    for learner, _, _, _, correct in rows:
        total[learner] += 1
        right[learner] += correct
    per_item: dict[tuple[str, str], list[tuple[float, bool]]] = defaultdict(list)
    for learner, slug, qid, _, correct in rows:
        per_item[(slug, qid)].append((right[learner] / total[learner], correct))
    return {key: discrimination(answers) for key, answers in per_item.items()}


@dataclass(frozen=True)
class MisconceptionStats:
    misconception: Misconception
    exposures: int  # answers to questions where this belief was one of the wrong choices
    shown: int  # answers that picked a wrong choice standing for it

    @property
    def percent_shown(self) -> int | None:
        return round(100 * self.shown / self.exposures) if self.exposures else None


def misconception_statistics(*, quizzes: tuple[Quiz, ...]) -> list[MisconceptionStats]:
    """Per belief in the catalogue: how often learners met it and how often they showed it."""
    questions = {(quiz.slug, q.id): q for quiz in quizzes for q in quiz.questions}
    exposures, shown = Counter(), Counter()
    for _, slug, qid, response, correct in _answer_rows():
        question = questions.get((slug, qid))
        if question is None:
            continue
        for misconception, held in _answer_evidence(question, response, correct):
            shown[misconception] += held
        for misconception in question_misconceptions(question):
            exposures[misconception] += 1
    stats = [
        MisconceptionStats(m, exposures[m.id], shown[m.id]) for m in load_catalogue().misconceptions
    ]
    return sorted(stats, key=lambda s: (-(s.percent_shown or 0), s.misconception.name))
