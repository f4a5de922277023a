"""The course's name classifier with its verdicts kept per process, as every engine the site
builds is handed it.

The engine judges names through whatever classifier its builder passes in and never imports the
grammar itself, so it stays plain Python. The site always passes ``course_classifier``: the
course's grammar with its verdicts kept per process. Verdicts are immutable and each engine of a
busy server judges the same few names of its world, so one process-wide cache serves them all;
judging a name afresh costs tens of microseconds, and engines are built by the dozen every second.
"""

from __future__ import annotations

from functools import lru_cache

from naming.grammar import Verdict, classify

# How many names a process keeps the verdict for: the world's few dozen names, plus the names
# learners type, which are few per learner.
VERDICTS_KEPT = 4096


@lru_cache(maxsize=VERDICTS_KEPT)
def course_classifier(name: str) -> Verdict:
    """The course grammar's verdict on ``name``, shared by every engine of the process."""
    return classify(name)
