"""Sign-in: the anonymous learner becomes the account, and every app moves its own rows."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from learners.identity import LEARNER_KEY, Learner

# Sent with `anonymous` (the session's Learner) and `learner` (the account's Learner) and
# `user`, inside one transaction: a receiver that fails rolls back every app's merge, and the
# session keeps its key, so nothing is half moved.
learner_signed_in = Signal()


def claim_anonymous_learner(sender, request, user, **kwargs):
    """Hands what the visitor did before signing in to the account they signed in to.

    Django gives the session a new id at sign-in but keeps its data, so the learner key stored
    in that data still names the anonymous learner's rows. The key is then removed: the session
    now belongs to the account, and a later sign-out starts a new anonymous learner.
    """
    session = getattr(request, "session", None)
    key = session.get(LEARNER_KEY) if session is not None else None
    if not key:
        return
    with transaction.atomic():
        learner_signed_in.send(
            sender=Learner,
            anonymous=Learner(session_key=key),
            learner=Learner(user_id=user.pk),
            user=user,
        )
    del session[LEARNER_KEY]
