"""Every write to quiz attempts goes through these functions."""

from __future__ import annotations

import secrets
import uuid
import zlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from learners.identity import Learner
from quizzes.banks import Question, Quiz
from quizzes.final import FINAL_SLUG, draw, weakness
from quizzes.grading import Graded, grade, parse_answer
from quizzes.models import Answer, Attempt, ReviewAnswer
from quizzes.presenting import present
from quizzes.selectors import final_candidates, misconception_evidence


class QuizError(ValueError):
    """A request the quiz cannot honour; the sentence is for the learner."""


def parse_token(raw: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError):
        raise QuizError("The form was out of date; start the quiz again from its page.") from None


@transaction.atomic
def attempt_start(*, learner: Learner, quiz: Quiz, token: uuid.UUID) -> Attempt:
    """A new attempt, or the one this token already started (a double submit is one attempt)."""
    existing = Attempt.objects.filter(token=token).first()
    if existing is not None:
        if existing.quiz_slug != quiz.slug or (
            existing.user_id,
            existing.session_key,
        ) != (learner.user_id, learner.session_key):
            raise QuizError("That form belongs to another attempt; start again from the quiz page.")
        return existing
    seed = secrets.randbelow(2**31)
    questions = []
    if quiz.slug == FINAL_SLUG:
        weak = weakness(misconception_evidence(learner=learner))
        questions = draw(final_candidates(), weak, seed=seed)
    return Attempt.objects.create(
        **learner.fields,
        quiz_slug=quiz.slug,
        seed=seed,
        token=token,
        started_at=timezone.now(),
        questions=questions,
    )


def answer_record(
    *, attempt: Attempt, quiz: Quiz, question: Question, data
) -> tuple[Answer, Graded]:
    """Read, grade and keep one answer. Raises InvalidAnswer (nothing stored) for a bad answer
    and QuizError when the question was already answered in this attempt."""
    presented = present(question, attempt.seed)
    response = parse_answer(presented, data)
    graded = grade(presented, response)
    now = timezone.now()
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                attempt=attempt,
                question_id=question.id,
                response=response,
                correct=graded.correct,
                answered_at=now,
            )
    except IntegrityError:
        raise QuizError(
            "You have already answered this question in this attempt; retry the quiz to "
            "answer it again."
        ) from None
    if attempt.finished_at is None:
        answered = set(attempt.answers.values_list("question_id", flat=True))
        if {q.id for q in quiz.questions} <= answered:
            Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).update(finished_at=now)
            attempt.finished_at = now
    return answer, graded


def review_seed(*, learner: Learner | None, key: tuple[str, str], answered: int) -> int:
    """The order a review shows an item in: fixed for one showing, new at the next one."""
    identity = learner.identity if learner is not None else "nobody"
    return zlib.crc32(f"{identity}:{key[0]}:{key[1]}:{answered}".encode())


def review_answer_record(*, learner: Learner, item, data, now=None) -> tuple[ReviewAnswer, Graded]:
    """Read, grade and keep one review answer; InvalidAnswer (nothing stored) for a bad one."""
    answered = ReviewAnswer.objects.filter(
        **learner.lookup, source=item.key[0], question_id=item.key[1]
    ).count()
    presented = present(
        item.question, review_seed(learner=learner, key=item.key, answered=answered)
    )
    response = parse_answer(presented, data)
    graded = grade(presented, response)
    answer = ReviewAnswer.objects.create(
        **learner.fields,
        source=item.key[0],
        question_id=item.key[1],
        response=response,
        correct=graded.correct,
        answered_at=now or timezone.now(),
    )
    return answer, graded


@transaction.atomic
def attempts_merge_session_into_user(*, session_key: str, user) -> int:
    """Moves an anonymous visitor's attempts (and review answers) onto the user who just
    signed in."""
    if not session_key:
        return 0
    anonymous = Learner(session_key=session_key)
    ReviewAnswer.objects.of(anonymous).update(user=user, session_key="")
    return Attempt.objects.of(anonymous).update(user=user, session_key="")
