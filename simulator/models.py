from django.db import models

PREDICTION_SKIPPED = -1


class Sandbox(models.Model):
    """A learner's simulator, stored as the inputs they made rather than as the state they saw.

    The engine is deterministic, so replaying `inputs` with `seed` rebuilds everything, and
    `until` says how far in virtual time the learner had let it run. Anonymous learners own a
    sandbox by session, signed-in learners by account.
    """

    owner = models.CharField(max_length=80, unique=True)
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

    # Not stored: the world the sandbox plays when it is not the order flow (a learner's own
    # system), a sandboxes.WorldChoice set by sandboxes.sandbox_for; its key is in `owner`.
    world_choice = None

    def __str__(self) -> str:
        return f"sandbox of {self.owner} ({len(self.inputs)} inputs)"
