"""What a learner has done: which lessons they opened and how they answered the checks.

A learner is either a signed-in user or an anonymous visitor. An anonymous visitor is keyed by a
random learner key stored in their session data, not by Django's session id: the id is rotated at
sign-in, while the data (and so the key) survives, which is what lets sign-in find and merge it.
Exactly one of `user` and `session_key` is set on every row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q

OWNED_BY_ONE_LEARNER = (Q(user__isnull=False) & Q(session_key="")) | (
    Q(user__isnull=True) & ~Q(session_key="")
)


@dataclass(frozen=True)
class Learner:
    """Whose progress this is: a user, or the learner key of an anonymous session."""

    user_id: int | None = None
    session_key: str = ""

    def __post_init__(self):
        if (self.user_id is None) == (not self.session_key):
            raise ValueError("A learner is exactly one of: a user, or an anonymous session key.")

    @property
    def lookup(self) -> dict:
        if self.user_id is not None:
            return {"user_id": self.user_id, "session_key": ""}
        return {"user__isnull": True, "session_key": self.session_key}

    @property
    def fields(self) -> dict:
        return {"user_id": self.user_id, "session_key": self.session_key}

    @property
    def identity(self) -> str:
        """A stable text naming this learner, to seed what they see (never shown to anyone)."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"learner:{self.session_key}"


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    session_key = models.CharField(
        max_length=64, blank=True, default="", help_text="Learner key of an anonymous session."
    )
    lesson_slug = models.SlugField(max_length=100)
    read_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When every check question had been answered correctly."
    )
    touched_at = models.DateTimeField(help_text="The learner's latest visit or answer.")

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.CheckConstraint(
                condition=OWNED_BY_ONE_LEARNER, name="lessonprogress_one_learner"
            ),
            models.UniqueConstraint(
                fields=["user", "lesson_slug"],
                condition=Q(user__isnull=False),
                name="lessonprogress_unique_user_lesson",
            ),
            models.UniqueConstraint(
                fields=["session_key", "lesson_slug"],
                condition=Q(user__isnull=True),
                name="lessonprogress_unique_session_lesson",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.session_key[:8]} · {self.lesson_slug}"


class CheckAnswer(models.Model):
    """One attempt at a check-yourself question; attempts are kept, never overwritten."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    session_key = models.CharField(max_length=64, blank=True, default="")
    lesson_slug = models.SlugField(max_length=100)
    question_id = models.SlugField(max_length=100)
    choice = models.PositiveSmallIntegerField()
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=OWNED_BY_ONE_LEARNER, name="checkanswer_one_learner"),
        ]
        indexes = [
            models.Index(fields=["lesson_slug", "question_id"]),
            models.Index(fields=["session_key", "lesson_slug"]),
        ]

    def __str__(self) -> str:
        verdict = "right" if self.correct else "wrong"
        return f"{self.lesson_slug}/{self.question_id}: {self.choice} ({verdict})"
