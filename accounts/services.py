"""What the site holds about a signed-in learner, to hand over or to delete.

A learner's lessons, answers and quiz attempts hang off their account; their sandbox is owned
by `user:<pk>`; room participation lives in the room's log under a private id that only their
session knows (see classroom/identity.py), so the rooms joined from this browser are the ones
this session remembers. The rooms a teacher opened belong to their account.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import transaction

from challenges.models import LevelAttempt
from classroom import acting, identity
from classroom import services as rooms
from classroom.models import Room
from classroom.room import RoomRefused
from courseware.models import CheckAnswer, LessonProgress
from quizzes.models import Attempt
from simulator.models import Sandbox


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _rooms_joined(session) -> list[dict[str, Any]]:
    joined = []
    for code, pid in (session.get(identity.SESSION_KEY) or {}).items():
        state = rooms.room_state(code)
        person = state.participants.get(pid) if state is not None else None
        if person is None:
            continue
        joined.append(
            {
                "code": code,
                "title": state.title,
                "open": state.open,
                "name": person["name"],
                "role": state.role_label(pid),
            }
        )
    return joined


def learner_data(*, user, session) -> dict[str, Any]:
    """Everything about `user` in plain JSON-ready data: what a data download contains."""
    progress = LessonProgress.objects.filter(user=user).order_by("lesson_slug")
    answers = CheckAnswer.objects.filter(user=user).order_by("answered_at", "pk")
    attempts = Attempt.objects.filter(user=user).prefetch_related("answers").order_by("pk")
    sandboxes = Sandbox.objects.filter(owner=f"user:{user.pk}")
    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "lessons": [
            {
                "lesson": p.lesson_slug,
                "read_at": _when(p.read_at),
                "checked_at": _when(p.checked_at),
                "touched_at": _when(p.touched_at),
            }
            for p in progress
        ],
        "check_answers": [
            {
                "lesson": a.lesson_slug,
                "question": a.question_id,
                "choice": a.choice,
                "correct": a.correct,
                "answered_at": _when(a.answered_at),
            }
            for a in answers
        ],
        "quiz_attempts": [
            {
                "quiz": a.quiz_slug,
                "seed": a.seed,
                "started_at": _when(a.started_at),
                "finished_at": _when(a.finished_at),
                "answers": [
                    {
                        "question": x.question_id,
                        "response": x.response,
                        "correct": x.correct,
                        "answered_at": _when(x.answered_at),
                    }
                    for x in sorted(a.answers.all(), key=lambda x: x.answered_at)
                ],
            }
            for a in attempts
        ],
        "sandboxes": [
            {
                "scenario": s.scenario,
                "seed": s.seed,
                "inputs": s.inputs,
                "until": s.until,
                "scheduled": s.scheduled,
                "updated_at": _when(s.updated_at),
            }
            for s in sandboxes
        ],
        "challenge_levels": [
            {
                "level": a.level,
                "actions": a.actions,
                "solved_at": _when(a.solved_at),
                "best_actions": a.best_actions,
            }
            for a in LevelAttempt.objects.filter(user=user).order_by("level")
        ],
        "rooms": {
            "joined": _rooms_joined(session),
            "taught": [
                {
                    "code": r.code,
                    "title": r.title,
                    "scenario": r.scenario,
                    "open": r.is_open,
                    "created_at": _when(r.created_at),
                }
                for r in Room.objects.filter(teacher=user)
            ],
        },
    }


def account_delete(*, user, session) -> None:
    """Deletes the account and what it owns: progress, answers, attempts, level attempts,
    sandboxes, the rooms it taught, and its places in the rooms it joined from this browser
    (it leaves them)."""
    for code, pid in (session.get(identity.SESSION_KEY) or {}).items():
        # Refused when they are gone already or the room is closed: nothing of theirs is live.
        # Announced, so the teacher sees the learner go and their tabs close.
        with contextlib.suppress(RoomRefused):
            acting.act_from_a_view(code, pid, "leave", {})
    session.pop(identity.SESSION_KEY, None)
    with transaction.atomic():
        Sandbox.objects.filter(owner=f"user:{user.pk}").delete()
        # The rest hangs off the user with CASCADE: progress, answers, attempts, level attempts,
        # taught rooms.
        user.delete()
