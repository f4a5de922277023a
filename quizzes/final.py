"""The cumulative final: drawn from the whole bank, weighted to the learner's weak misconceptions.

Pure, no Django. Evidence is a list of (misconception id, held) pairs read from the learner's
answers: picking a wrong choice is evidence the belief is held; answering right a question whose
wrong choices stand for a belief is evidence against it. Each belief's weakness is the share of
evidence for it, smoothed so that one answer does not decide (an unseen belief sits at one half).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FINAL_SLUG = "final"
FINAL_SIZE = 20
PASS_SHARE = 0.8
# How much more likely an item about a surely-held belief is drawn than one about a mastered one.
WEIGHT_SPREAD = 6
# Different questions on a belief answered right since it last showed, to call it left behind.
LEFT_BEHIND_AFTER = 2


@dataclass(frozen=True)
class Candidate:
    key: str  # "<quiz slug>--<question id>", the id the final's answers are stored under
    lesson: str
    misconceptions: frozenset[str]


def weakness(evidence: Iterable[tuple[str, bool]]) -> dict[str, float]:
    held, seen = Counter(), Counter()
    for misconception, is_held in evidence:
        seen[misconception] += 1
        held[misconception] += is_held
    return {m: (held[m] + 1) / (seen[m] + 2) for m in seen}


def left_behind(history: Iterable[tuple[str, bool, object]]) -> set[str]:
    """The beliefs a learner's answers show they have let go of.

    ``history`` holds (misconception, held, question) in the order the answers were given. One
    right answer after wrong ones can be luck, so a belief counts as left behind only once two
    different questions probing it were answered right since the last answer that showed it;
    the same question answered right twice may be remembered rather than understood.
    """
    since: dict[str, set[object]] = defaultdict(set)
    for misconception, is_held, question in history:
        if is_held:
            since[misconception] = set()
        else:
            since[misconception].add(question)
    return {m for m, questions in since.items() if len(questions) >= LEFT_BEHIND_AFTER}


def weight(candidate: Candidate, weak: dict[str, float]) -> float:
    worst = max((weak.get(m, 0.5) for m in candidate.misconceptions), default=0.5)
    return 1 + WEIGHT_SPREAD * worst


def draw(
    candidates: Sequence[Candidate], weak: dict[str, float], *, seed: int, size: int = FINAL_SIZE
) -> list[str]:
    """``size`` keys drawn without replacement, each with odds in proportion to its weight
    (Efraimidis and Spirakis's keys), then ordered so that lessons take turns."""
    rng = random.Random(seed)
    ranked = sorted(candidates, key=lambda c: rng.random() ** (1 / weight(c, weak)), reverse=True)[
        :size
    ]
    by_lesson: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in ranked:
        by_lesson[candidate.lesson].append(candidate)
    queues = list(by_lesson.values())
    ordered: list[str] = []
    while queues:
        for queue in list(queues):
            ordered.append(queue.pop(0).key)
            if not queue:
                queues.remove(queue)
    return ordered


def passed(right: int, total: int) -> bool:
    return total > 0 and right >= PASS_SHARE * total


def final_key(quiz_slug: str, question_id: str) -> str:
    return f"{quiz_slug}--{question_id}"


def split_key(key: str) -> tuple[str, str]:
    slug, _, question_id = key.partition("--")
    return slug, question_id
