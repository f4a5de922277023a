"""What a learner has done: which lessons they opened and how they answered the checks.

Both are `LearnerOwned` (see learners.models): a signed-in user's or an anonymous learner's.
"""

from __future__ import annotations

from django.db import models

from learners.models import LearnerOwned, one_per_learner


class LessonProgress(LearnerOwned):
    lesson_slug = models.SlugField(max_length=100)
    read_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When every check question had been answered correctly."
    )
    touched_at = models.DateTimeField(help_text="The learner's latest visit or answer.")

    class Meta(LearnerOwned.Meta):
        verbose_name_plural = "lesson progress"
        constraints = [
            *LearnerOwned.Meta.constraints,
            *one_per_learner("lesson_slug", prefix="lessonprogress", short="lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.session_key[:8]} · {self.lesson_slug}"


class CheckAnswer(LearnerOwned):
    """One attempt at a check-yourself question; attempts are kept, never overwritten."""

    # The staff's per-question statistics count answers whoever gave them.
    kept_when_session_expires = True

    lesson_slug = models.SlugField(max_length=100)
    question_id = models.SlugField(max_length=100)
    choice = models.PositiveSmallIntegerField()
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta(LearnerOwned.Meta):
        indexes = [
            models.Index(fields=["lesson_slug", "question_id"]),
            models.Index(fields=["session_key", "lesson_slug"]),
        ]

    def __str__(self) -> str:
        verdict = "right" if self.correct else "wrong"
        return f"{self.lesson_slug}/{self.question_id}: {self.choice} ({verdict})"
