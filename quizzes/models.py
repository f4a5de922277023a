"""Quiz attempts and their answers, for signed-in users and anonymous visitors alike.

An attempt is `LearnerOwned` (see learners.models): a signed-in user's or an anonymous learner's.
"""

from __future__ import annotations

from django.db import models

from learners.models import LearnerOwned


class Attempt(LearnerOwned):
    """One go at a quiz. Its seed fixes what it showed, so it can be reviewed as it was."""

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

    class Meta(LearnerOwned.Meta):
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


class ReviewAnswer(LearnerOwned):
    """One answer given in a review session; the schedule is folded from these and the
    quiz and lesson-check answers (quizzes.review)."""

    source = models.CharField(max_length=120, help_text='"quiz:<slug>" or "lesson:<slug>".')
    question_id = models.SlugField(max_length=100)
    response = models.CharField(max_length=400)
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta(LearnerOwned.Meta):
        indexes = [
            models.Index(fields=["user", "answered_at"]),
            models.Index(fields=["session_key", "answered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.question_id}: {'right' if self.correct else 'wrong'}"
