"""Clears expired sessions and what anonymous learners left behind them.

An anonymous learner is a key kept in their session. Once the session has expired, nothing can
reach that key again, so their lesson progress, quiz attempts and sandbox are rows nobody will
ever read: this command deletes them, and never touches an account's rows or a key that a live
session still holds. Answers to the lessons' check questions stay: they are the staff's
per-question statistics, and only answering makes one. Run it daily (docs/deploy.md).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from courseware.models import LessonProgress
from courseware.services import LEARNER_KEY
from quizzes.models import Attempt
from simulator.models import Sandbox

CHUNK = 500


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


def _delete_abandoned(rows, field: str, live: set[str], prefix: str = "") -> int:
    """Deletes rows whose learner key no live session holds, a few hundred keys at a time."""
    held = rows.values_list(field, flat=True).distinct()
    gone = [value for value in held.iterator() if value.removeprefix(prefix) not in live]
    deleted = 0
    for start in range(0, len(gone), CHUNK):
        with transaction.atomic():
            count, _ = rows.filter(**{f"{field}__in": gone[start : start + CHUNK]}).delete()
        deleted += count
    return deleted


def clear_abandoned() -> dict[str, int]:
    live = live_learner_keys()
    anonymous = {"user__isnull": True}
    return {
        "lesson progress": _delete_abandoned(
            LessonProgress.objects.filter(**anonymous), "session_key", live
        ),
        "quiz attempts": _delete_abandoned(
            Attempt.objects.filter(**anonymous), "session_key", live
        ),
        "sandboxes": _delete_abandoned(
            Sandbox.objects.filter(owner__startswith="learner:"), "owner", live, "learner:"
        ),
    }


class Command(BaseCommand):
    help = "Clears expired sessions and the anonymous progress, attempts and sandboxes they left."

    def handle(self, *args, **options):
        if not settings.SESSION_ENGINE.startswith("django.contrib.sessions.backends.db"):
            raise CommandError("housekeeping reads sessions from the database; see docs/deploy.md")
        call_command("clearsessions")
        counts = clear_abandoned()
        for what, count in counts.items():
            self.stdout.write(f"{what}: {count} deleted")
