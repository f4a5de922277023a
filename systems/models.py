"""A learner's saved system: the design they imported or drew, kept so they can run and share it.

Owned like every learner's row (learners.models.LearnerOwned). The design is stored as plain
data (``Design.to_data``), not as the document it came from, so what runs is what the learner
corrected.
"""

from __future__ import annotations

from django.db import models

from learners.models import LearnerOwned


class SavedSystem(LearnerOwned):
    # The share link's key: unguessable, so a system is private until its link is handed out.
    token = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    design = models.JSONField(help_text="The design as Design.to_data() gives it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(LearnerOwned.Meta):
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title
