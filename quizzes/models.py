"""Quiz attempts and their answers, for signed-in users and anonymous visitors alike.

A learner is keyed exactly as the lessons key them (see courseware.models.Learner): a user, or
the random learner key kept in an anonymous session's data. Exactly one of the two is set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

ONE_LEARNER = (Q(user__isnull=False) & Q(session_key="")) | (
    Q(user__isnull=True) & ~Q(session_key="")
)


class Attempt(models.Model):
    """One go at a quiz. Its seed fixes what it showed, so it can be reviewed as it was."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    session_key = models.CharField(max_length=64, blank=True, default="")
    quiz_slug = models.SlugField(max_length=100)
    seed = models.PositiveIntegerField()
    token = models.UUIDField(
        unique=True, help_text="From the start form: submitting it twice finds this attempt."
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    questions = models.JSONField(
        default=list,
        blank=True,
        help_text="For the final: the questions drawn for it, as quiz--question keys.",
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=ONE_LEARNER, name="attempt_one_learner")]
        indexes = [
            models.Index(fields=["user", "quiz_slug"]),
            models.Index(fields=["session_key", "quiz_slug"]),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_slug} #{self.pk} ({self.user or self.session_key[:8]})"


class Answer(models.Model):
    """The one answer an attempt gives to a question; a retry is a new attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question_id = models.SlugField(max_length=100)
    response = models.CharField(max_length=400)
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_id"], name="answer_once_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {'right' if self.correct else 'wrong'}"


class ReviewAnswer(models.Model):
    """One answer given in a review session; the schedule is folded from these and the
    quiz and lesson-check answers (quizzes.review)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    session_key = models.CharField(max_length=64, blank=True, default="")
    source = models.CharField(max_length=120, help_text='"quiz:<slug>" or "lesson:<slug>".')
    question_id = models.SlugField(max_length=100)
    response = models.CharField(max_length=400)
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_LEARNER, name="reviewanswer_one_learner")
        ]
        indexes = [
            models.Index(fields=["user", "answered_at"]),
            models.Index(fields=["session_key", "answered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.question_id}: {'right' if self.correct else 'wrong'}"
