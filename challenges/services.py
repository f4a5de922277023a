"""Every write to a learner's level attempts goes through these functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from challenges.models import LevelAttempt
from learners.identity import Learner
from naming.shared import course_classifier
from simulator.engine import Engine
from simulator.engine.errors import DomainError
from simulator.engine.levels import MAX_ACTIONS, Level, LevelError


class AttemptError(ValueError):
    """An action the level refused; the sentence is for the learner, and nothing was stored."""


@dataclass(frozen=True)
class Played:
    """An attempt replayed: the run, and whether it reaches the goal."""

    engine: Engine
    solved: bool


def replay(level: Level, actions: list[dict[str, Any]]) -> Played:
    engine = level.play(actions, course_classifier)
    return Played(engine, level.solved(engine))


def _attempt_for_update(learner: Learner, level: Level) -> LevelAttempt:
    attempt, _ = (
        LevelAttempt.objects.select_for_update()
        .of(learner)
        .get_or_create(level=level.name, defaults={**learner.fields})
    )
    return attempt


def _record(attempt: LevelAttempt, level: Level, actions: list[dict[str, Any]]) -> Played:
    played = replay(level, actions)
    attempt.actions = actions
    if played.solved:
        attempt.solved_at = attempt.solved_at or timezone.now()
        if attempt.best_actions is None or len(actions) < attempt.best_actions:
            attempt.best_actions = len(actions)
    attempt.save()
    return played


def attempt_act(
    *, learner: Learner, level: Level, action: dict[str, Any], times: int = 1
) -> Played:
    """Add an action (``times`` over) to the learner's attempt, if the level and the engine
    accept it; each repeat counts as an action of its own."""
    with transaction.atomic():
        attempt = _attempt_for_update(learner, level)
        actions = [*attempt.actions, *([action] * times)]
        if len(actions) > MAX_ACTIONS:
            raise AttemptError(f"An attempt has at most {MAX_ACTIONS} actions: start over.")
        try:
            return _record(attempt, level, actions)
        except (LevelError, DomainError) as error:
            transaction.set_rollback(True)
            raise AttemptError(str(error)) from error


def attempt_undo(*, learner: Learner, level: Level) -> None:
    with transaction.atomic():
        attempt = _attempt_for_update(learner, level)
        if attempt.actions:
            _record(attempt, level, attempt.actions[:-1])


def attempt_reset(*, learner: Learner, level: Level) -> None:
    with transaction.atomic():
        attempt = _attempt_for_update(learner, level)
        _record(attempt, level, [])


def attempts_merge_into_user(*, session_key: str, user) -> int:
    """Sign-in keeps the levels a visitor played: the better record of each level wins."""
    moved = 0
    with transaction.atomic():
        for anonymous in LevelAttempt.objects.select_for_update().filter(
            user__isnull=True, session_key=session_key
        ):
            mine = LevelAttempt.objects.filter(user=user, level=anonymous.level).first()
            if mine is None:
                anonymous.user, anonymous.session_key = user, ""
                anonymous.save(update_fields=["user", "session_key", "updated_at"])
                moved += 1
                continue
            if anonymous.best_actions is not None and (
                mine.best_actions is None or anonymous.best_actions < mine.best_actions
            ):
                mine.best_actions = anonymous.best_actions
            if anonymous.solved_at and (
                mine.solved_at is None or anonymous.solved_at < mine.solved_at
            ):
                mine.solved_at = anonymous.solved_at
            if not mine.actions and anonymous.actions:
                mine.actions = anonymous.actions
            mine.save()
            anonymous.delete()
            moved += 1
    return moved
