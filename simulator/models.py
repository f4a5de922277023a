from django.db import models

from learners.models import LearnerOwned, one_per_learner

PREDICTION_SKIPPED = -1


class Sandbox(LearnerOwned):
    """A learner's simulator, stored as the inputs they made rather than as the state they saw.

    The engine is deterministic, so replaying `inputs` with `seed` rebuilds everything, and
    `until` says how far in virtual time the learner had let it run. Anonymous learners own a
    sandbox by session, signed-in learners by account: one per world. A sandbox owned by nobody
    lives in memory only (a shared run, a preview) and is never saved.
    """

    # Which world the sandbox plays: "" for the simulator's own (the order flow and its guided
    # scenarios); otherwise a key naming a world another app provides, so that each one a
    # learner opens keeps its own inputs beside their order-flow sandbox.
    world = models.CharField(max_length=120, blank=True, default="")
    scenario = models.CharField(max_length=40, blank=True)
    seed = models.IntegerField(default=0)
    inputs = models.JSONField(default=list)
    until = models.BigIntegerField(default=0)
    # A scenario's inputs that the clock has not reached yet ("Email comes back at t=1000").
    scheduled = models.JSONField(default=list)
    # What the learner predicted before watching a guided scenario: a choice of its question,
    # PREDICTION_SKIPPED, or None while Play still waits for one.
    prediction = models.SmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(LearnerOwned.Meta):
        verbose_name_plural = "sandboxes"
        constraints = [
            *LearnerOwned.Meta.constraints,
            *one_per_learner("world", prefix="sandbox", short="world"),
        ]

    # Not stored: the world the sandbox plays when it is not the order flow (a learner's own
    # system), a sandboxes.WorldChoice set by sandboxes.sandbox_for; its key and version are in
    # `world`.
    world_choice = None

    def __str__(self) -> str:
        owner = self.learner.identity if self.learner else "nobody"
        return f"sandbox of {owner} ({len(self.inputs)} inputs)"
