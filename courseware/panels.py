"""What other apps add to the course's outline and to a learner's record page.

The quizzes point at lessons, so they import the course; the course showing quiz scores by
importing the quizzes back would tie the two apps in a cycle. Instead an app registers, from its
`ready()`, a function that reads what it has of a learner, and the pages put each result in
their template context under the name it was registered with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from learners.identity import Learner

_READERS: dict[str, Callable[[Learner | None], Any]] = {}


def register(name: str, read: Callable[[Learner | None], Any]) -> None:
    """`read(learner)` (None for a visitor with no key yet) becomes the context entry `name`."""
    _READERS[name] = read


def panels_for(learner: Learner | None) -> dict[str, Any]:
    return {name: read(learner) for name, read in _READERS.items()}
