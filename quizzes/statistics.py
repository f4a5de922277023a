"""Item statistics for staff: pure functions over (learner's overall share right, item right).

Discrimination is the classic upper-lower index: among the learners who answered an item, the
share right in the best 27 % (by their share right over everything they answered) minus the
share right in the worst 27 %. An item the strong and the weak answer equally well (under 0.2)
tells nothing about understanding and is worth rewriting.
"""

from __future__ import annotations

from collections.abc import Sequence

GROUP_SHARE = 0.27
MIN_ANSWERS = 10  # below this the index is noise
POOR = 0.2


def discrimination(answers: Sequence[tuple[float, bool]]) -> float | None:
    """``answers``: one (learner's overall share right, right on this item) per learner."""
    if len(answers) < MIN_ANSWERS:
        return None
    ranked = sorted(answers, key=lambda a: a[0])
    n = max(1, round(GROUP_SHARE * len(ranked)))
    lower, upper = ranked[:n], ranked[-n:]
    return round(sum(r for _, r in upper) / n - sum(r for _, r in lower) / n, 2)


def is_poor(index: float | None) -> bool:
    return index is not None and index < POOR
