"""What every learner's row has in common: who owns it, and how to find a learner's rows."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from learners.identity import Learner

OWNED_BY_ONE_LEARNER = (Q(user__isnull=False) & Q(session_key="")) | (
    Q(user__isnull=True) & ~Q(session_key="")
)


class LearnerOwnedQuerySet(models.QuerySet):
    def of(self, learner: Learner):
        """The rows of this one learner."""
        return self.filter(**learner.lookup)

    def anonymous(self):
        """The rows that still belong to a session rather than an account."""
        return self.filter(user__isnull=True)


class LearnerOwned(models.Model):
    """A row that belongs to one learner: exactly one of `user` and `session_key` is set.

    Rows of a deleted account go with it (CASCADE). Rows of an anonymous learner whose session
    has expired are deleted by `manage.py housekeeping`, unless the model sets
    `kept_when_session_expires` because the rows still serve someone else.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    # The learner key of an anonymous session (learners.identity), never Django's session id.
    session_key = models.CharField(max_length=64, blank=True, default="")

    objects = LearnerOwnedQuerySet.as_manager()

    kept_when_session_expires = False

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=OWNED_BY_ONE_LEARNER, name="%(class)s_one_learner"),
        ]

    @property
    def learner(self) -> Learner | None:
        """Whose row this is; None for a row made in memory only, owned by nobody."""
        if self.user_id is not None:
            return Learner(user_id=self.user_id)
        if self.session_key:
            return Learner(session_key=self.session_key)
        return None

    def give_to(self, learner: Learner) -> None:
        """Sets the owner fields (the caller saves)."""
        self.user_id, self.session_key = learner.user_id, learner.session_key


def one_per_learner(field: str, *, prefix: str, short: str) -> list[models.UniqueConstraint]:
    """The two constraints that keep one row per learner and `field`: one among accounts' rows,
    one among anonymous sessions' rows (a row has only one of the two owner fields set)."""
    return [
        models.UniqueConstraint(
            fields=["user", field],
            condition=Q(user__isnull=False),
            name=f"{prefix}_unique_user_{short}",
        ),
        models.UniqueConstraint(
            fields=["session_key", field],
            condition=Q(user__isnull=True),
            name=f"{prefix}_unique_session_{short}",
        ),
    ]


def owned_models() -> list[type[LearnerOwned]]:
    """Every installed model that keeps learners' rows."""
    return [m for m in apps.get_models() if issubclass(m, LearnerOwned)]
