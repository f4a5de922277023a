"""A learner's saved system: the design they imported or drew, kept so they can run and share it.

Ownership copies challenges.LevelAttempt's fields (a user, or an anonymous session's learner
key, never both). The design is stored as plain data (``Design.to_data``), not as the document
it came from, so what runs is what the learner corrected.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from courseware.models import OWNED_BY_ONE_LEARNER


class SavedSystemQuerySet(models.QuerySet):
    def of(self, learner) -> SavedSystemQuerySet:
        """The systems this learner owns; a learner is a ``courseware.models.Learner``."""
        return self.filter(**learner.lookup)


class SavedSystem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    session_key = models.CharField(
        max_length=64, blank=True, default="", help_text="Learner key of an anonymous session."
    )
    # The share link's key: unguessable, so a system is private until its link is handed out.
    token = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    design = models.JSONField(help_text="The design as Design.to_data() gives it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedSystemQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(condition=OWNED_BY_ONE_LEARNER, name="savedsystem_one_learner"),
        ]

    def __str__(self) -> str:
        return self.title
