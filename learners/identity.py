"""The learner behind a request or a socket.

An anonymous visitor is keyed by a random learner key stored in their session data, not by
Django's session id: the id is rotated at sign-in while the data (and so the key) survives,
which is what lets sign-in find what the visitor did and hand it to the account.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The entry's name predates this app; renaming it would orphan every visitor's progress.
LEARNER_KEY = "courseware_learner_key"


@dataclass(frozen=True)
class Learner:
    """Whose row this is: a user, or the learner key of an anonymous session."""

    user_id: int | None = None
    session_key: str = ""

    def __post_init__(self):
        if (self.user_id is None) == (not self.session_key):
            raise ValueError("A learner is exactly one of: a user, or an anonymous session key.")

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def lookup(self) -> dict:
        """Keyword arguments of a filter that finds exactly this learner's rows."""
        if self.user_id is not None:
            return {"user_id": self.user_id, "session_key": ""}
        return {"user__isnull": True, "session_key": self.session_key}

    @property
    def fields(self) -> dict:
        """The owner fields of a new row of this learner's."""
        return {"user_id": self.user_id, "session_key": self.session_key}

    @property
    def identity(self) -> str:
        """A stable text naming this learner, to seed what they see (never shown to anyone)."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"learner:{self.session_key}"


def _learner(user, session) -> Learner | None:
    if user is not None and user.is_authenticated:
        return Learner(user_id=user.pk)
    key = session.get(LEARNER_KEY) if session is not None else None
    return Learner(session_key=key) if key else None


def learner_for_request(request, *, create: bool) -> Learner | None:
    """The learner behind a request: the signed-in user, else the session's learner key.

    With `create`, an anonymous visitor without a key gets one (and so a session); without it,
    such a visitor has no learner yet and None is returned, so reading a page writes nothing.
    """
    learner = _learner(getattr(request, "user", None), request.session)
    if learner is None and create:
        learner = Learner(session_key=secrets.token_hex(16))
        request.session[LEARNER_KEY] = learner.session_key
    return learner


def learner_for_scope(scope: Mapping[str, Any]) -> Learner | None:
    """The learner behind a WebSocket; None for a visitor whose session has no key yet.

    A socket never makes a key: its session is saved by no response, so a key made here would
    be lost with the socket.
    """
    return _learner(scope.get("user"), scope.get("session"))
