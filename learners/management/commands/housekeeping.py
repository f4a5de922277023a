"""Clears expired sessions and what anonymous learners left behind them.

An anonymous learner is a key kept in their session. Once the session has expired, nothing can
reach that key again, so their rows are rows nobody will ever read: this command deletes them
from every `LearnerOwned` model, and never touches an account's rows or a key that a live
session still holds. A model whose rows serve someone besides their learner opts out with
`kept_when_session_expires` (the lessons' check answers are the staff's statistics). Run it
daily (docs/deploy.md).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from learners.identity import LEARNER_KEY
from learners.models import owned_models

CHUNK = 500
# Session engines that keep every session in the database, where this command reads them.
DATABASE_SESSIONS = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


def live_learner_keys() -> set[str]:
    """The learner keys held by sessions that have not expired."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    keys = set()
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for data in live.values_list("session_data", flat=True).iterator(chunk_size=CHUNK):
        key = store.decode(data).get(LEARNER_KEY)
        if key:
            keys.add(key)
    return keys


def _delete_abandoned(rows, live: set[str]) -> int:
    """Deletes rows whose learner key no live session holds, a few hundred keys at a time."""
    held = rows.values_list("session_key", flat=True).distinct()
    gone = [key for key in held.iterator() if key not in live]
    deleted = 0
    for start in range(0, len(gone), CHUNK):
        with transaction.atomic():
            count, _ = rows.filter(session_key__in=gone[start : start + CHUNK]).delete()
        deleted += count
    return deleted


def clear_abandoned() -> dict[str, int]:
    """How many rows went, by the models' plural names."""
    live = live_learner_keys()
    return {
        str(model._meta.verbose_name_plural): _delete_abandoned(model.objects.anonymous(), live)
        for model in owned_models()
        if not model.kept_when_session_expires
    }


class Command(BaseCommand):
    help = "Clears expired sessions and the rows of the anonymous learners they held."

    def handle(self, *args, **options):
        if settings.SESSION_ENGINE not in DATABASE_SESSIONS:
            raise CommandError("housekeeping reads sessions from the database; see docs/deploy.md")
        call_command("clearsessions")
        counts = clear_abandoned()
        for what, count in counts.items():
            self.stdout.write(f"{what}: {count} deleted")
