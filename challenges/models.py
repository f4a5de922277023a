"""A learner's attempt at a challenge level: the actions they took, and their best result.

The attempt is stored as its actions, like a sandbox: the page replays them through the level's
engine to show the run, so a reload, another device after sign-in, or a new version of the
engine all show what those actions do now.
"""

from __future__ import annotations

from django.db import models

from learners.models import LearnerOwned, one_per_learner


class LevelAttempt(LearnerOwned):
    level = models.SlugField(max_length=100)
    actions = models.JSONField(default=list, help_text="The learner's actions since the start.")
    solved_at = models.DateTimeField(null=True, blank=True)
    best_actions = models.PositiveIntegerField(
        null=True, blank=True, help_text="The fewest actions of a solving attempt."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(LearnerOwned.Meta):
        constraints = [
            *LearnerOwned.Meta.constraints,
            *one_per_learner("level", prefix="levelattempt", short="level"),
        ]

    def __str__(self) -> str:
        return f"{self.level} ({len(self.actions)} actions)"
