"""Reads of quiz attempts shaped for the pages that show them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q

from courseware.models import Learner
from quizzes.banks import BANKS_DIR, Question, Quiz, load_banks
from quizzes.grading import describe
from quizzes.models import Answer, Attempt
from quizzes.presenting import Presented


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
        Attempt.objects.filter(**learner.lookup)
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
    return Attempt.objects.filter(**learner.lookup, quiz_slug=quiz.slug, pk=pk).first()


def answers_by_question(attempt: Attempt) -> dict[str, Answer]:
    return {a.question_id: a for a in attempt.answers.all()}


@dataclass(frozen=True)
class QuestionStats:
    quiz: Quiz
    question: Question
    attempts: int
    correct: int
    wrong_answers: tuple[tuple[str, int], ...]  # most common first

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
                )
            )
    return stats
