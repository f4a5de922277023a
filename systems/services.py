"""Saving, listing and sharing a learner's systems, and opening one in the simulator."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.db import transaction
from django.urls import reverse

from learners.identity import Learner
from simulator.engine import DomainError

from .design import Design
from .models import SavedSystem
from .worlds import world_data

# A learner keeps at most this many systems; past it, the oldest must go before a new one.
MAX_SYSTEMS = 50
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16}$")
SYSTEM_PREFIX = "system"


class SystemRefused(DomainError):
    """A request about a saved system that cannot be met; nothing was stored."""


def new_token() -> str:
    return secrets.token_urlsafe(12)


def system_by_token(token: str) -> SavedSystem:
    """The system a share link names; SystemRefused when there is none."""
    system = SavedSystem.objects.filter(token=token).first() if TOKEN.match(token) else None
    if system is None:
        raise SystemRefused("There is no saved system at this link; it may have been deleted.")
    return system


def design_of(system: SavedSystem) -> Design:
    try:
        return Design.from_data(system.design)
    except ValueError:
        raise SystemRefused("This saved system cannot be read any more.") from None


def owns(learner: Learner | None, system: SavedSystem) -> bool:
    if learner is None:
        return False
    if learner.user_id is not None:
        return system.user_id == learner.user_id
    return system.user_id is None and system.session_key == learner.session_key


@transaction.atomic
def system_save(*, learner: Learner, design: Design, token: str = "") -> SavedSystem:
    """Stores `design` for `learner`: over their system `token` when they own it, else as a new
    system (a copy, when `token` is somebody else's: a shared system is read-only)."""
    if token:
        mine = SavedSystem.objects.select_for_update().of(learner).filter(token=token).first()
        if mine is not None:
            mine.title, mine.design = design.title, design.to_data()
            mine.save(update_fields=["title", "design", "updated_at"])
            return mine
    if SavedSystem.objects.of(learner).count() >= MAX_SYSTEMS:
        raise SystemRefused(
            f"You already have {MAX_SYSTEMS} saved systems; delete one before saving another."
        )
    return SavedSystem.objects.create(
        **learner.fields, token=new_token(), title=design.title, design=design.to_data()
    )


def system_delete(*, learner: Learner, token: str) -> None:
    deleted, _ = SavedSystem.objects.of(learner).filter(token=token).delete()
    if not deleted:
        raise SystemRefused("You have no saved system at this link.")


def systems_of(learner: Learner | None) -> list[SavedSystem]:
    if learner is None:
        return []
    return list(SavedSystem.objects.of(learner).only("token", "title", "updated_at"))


def systems_merge_into_user(*, session_key: str, user) -> int:
    """At sign-in, the systems a visitor saved become the account's."""
    if not session_key:
        return 0
    return SavedSystem.objects.filter(user__isnull=True, session_key=session_key).update(
        user=user, session_key=""
    )


def world_key(system: SavedSystem) -> str:
    """The key under which the simulator opens this system (simulator.sandboxes.world_choice)."""
    return f"{SYSTEM_PREFIX}:{system.token}"


def world_source(token: str) -> tuple[str, dict[str, Any], str]:
    """The simulator's world source for saved systems: a token to (title, world data, page)."""
    system = system_by_token(token)
    data, _ = world_data(design_of(system))
    return system.title, data, reverse("systems-saved", args=[system.token])
