"""Predict-the-outcome questions are graded by running the simulator's engine.

The right choice is the one whose trace predicate holds on the run, so the answer key cannot
drift from what the engine does. Only the engine's public surface is used: a scenario's run, or
an engine built from a seed and fed the question's inputs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from live.cache import BoundedCache
from quizzes.banks import BankError, Question


def _spec(question: Question) -> str:
    return json.dumps(
        {
            "scenario": question.scenario,
            "inputs": list(question.inputs),
            "seed": question.seed,
            "checks": [c.check for c in question.choices],
        },
        sort_keys=True,
        default=str,
    )


def run_engine(question: Question):
    """The engine after playing the question's scenario or inputs to the end."""
    from naming.shared import course_classifier
    from simulator.engine import Engine, load_scenario

    if question.scenario:
        return load_scenario(question.scenario).run(classify_name=course_classifier)
    engine = Engine(seed=question.seed, classify_name=course_classifier)
    for item in question.inputs:
        engine.apply(dict(item))
    engine.run()
    return engine


def holds(check: Mapping[str, Any], engine) -> bool:
    """A trace predicate in the engine's check language (``simulator.engine.predicates``)."""
    from simulator.engine.predicates import CheckError, shape_problem
    from simulator.engine.predicates import holds as run_holds

    problem = shape_problem(check)
    if problem:
        raise BankError(f"{problem}: {dict(check)}")
    try:
        return run_holds(check, engine)
    except CheckError as error:
        raise BankError(str(error)) from error


# Keyed by a question's whole specification, so a bank edited while the server runs makes new
# keys; the bound keeps the old ones from piling up. Banks hold far fewer predict questions.
_OUTCOMES = BoundedCache(size=1024)


def predict_outcomes(question: Question) -> tuple[bool, ...]:
    """Which choices' predicates hold on the engine run (the run is deterministic, so cached)."""

    def run() -> tuple[bool, ...]:
        engine = run_engine(question)
        return tuple(holds(c.check or {}, engine) for c in question.choices)

    return _OUTCOMES.get(_spec(question), run)


def predicted_answer(question: Question) -> int:
    """The one choice the engine bears out; BankError when none or several do."""
    outcomes = predict_outcomes(question)
    right = [i for i, ok in enumerate(outcomes) if ok]
    if len(right) != 1:
        raise BankError(
            f"question {question.id!r}: the engine run matches {len(right)} choices "
            f"({', '.join(str(i) for i in right) or 'none'}); exactly one must match."
        )
    return right[0]
