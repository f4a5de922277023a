"""The check language: predicates over a finished run, shared by scenarios, quizzes and levels.

A check is a small table. The leaves count something and compare the count:

``{where = {step = "delivered", message = "OrderPlaced"}, count = 5}``
    how many trace records match the pattern (``trace.matches``)
``{counter = "Payment.cards_charged", max = 1}``
    a service's counter
``{funds = "ada", equals = 500}``
    what a customer has left
``{untouched = "Order"}``
    nothing was changed about a service: no setting, fault or subscription of its own

A leaf compares with ``count``/``equals`` (exactly), ``min`` and ``max``; a ``where`` or a
``counter`` with none of them means "at least once". ``all``, ``any``, ``not`` and ``sequence``
(records matching each pattern, in that order) combine them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .trace import matches

if TYPE_CHECKING:
    from .core import Engine

COMBINATORS = frozenset({"all", "any", "not", "sequence"})
LEAVES = frozenset({"where", "counter", "funds", "untouched"})
COMPARISONS = frozenset({"count", "equals", "min", "max"})

# Records that change a service from outside: what "untouched" rules out.
_CHANGES = ("configured", "service_offline", "service_online", "subscribed")


class CheckError(ValueError):
    """A check that is not written in the language above."""


def shape_problem(check: Any) -> str | None:
    """Why ``check`` is not a well-formed check, or None."""
    if not isinstance(check, Mapping):
        return "a check is a table"
    kinds = (COMBINATORS | LEAVES) & set(check)
    if len(kinds) != 1:
        return f"a check has exactly one of {', '.join(sorted(COMBINATORS | LEAVES))}"
    (kind,) = kinds
    if kind in ("all", "any", "sequence"):
        parts = check[kind]
        if not isinstance(parts, list) or not parts:
            return f"'{kind}' takes a non-empty list"
        if kind == "sequence":
            if all(isinstance(p, Mapping) for p in parts):
                return None
            return "a sequence lists patterns"
        for part in parts:
            problem = shape_problem(part)
            if problem:
                return problem
        return None
    if kind == "not":
        return shape_problem(check["not"])
    if kind == "where" and not isinstance(check["where"], Mapping):
        return "'where' takes a pattern table"
    extra = set(check) - {kind} - COMPARISONS
    if extra:
        return f"unknown keys in a check: {', '.join(sorted(extra))}"
    return None


def holds(check: Mapping[str, Any], engine: Engine) -> bool:
    """True when the finished run of ``engine`` satisfies ``check``."""
    if "all" in check:
        return all(holds(part, engine) for part in check["all"])
    if "any" in check:
        return any(holds(part, engine) for part in check["any"])
    if "not" in check:
        return not holds(check["not"], engine)
    if "sequence" in check:
        patterns = list(check["sequence"])
        for record in engine.trace:
            if patterns and matches(record, patterns[0]):
                patterns.pop(0)
        return not patterns
    if "untouched" in check:
        service = check["untouched"]
        return not any(
            record.step in _CHANGES and service in (record.get("service"), record.to)
            for record in engine.trace
        )
    if "where" in check:
        value = sum(1 for record in engine.trace if matches(record, check["where"]))
    elif "counter" in check:
        service, _, counter = str(check["counter"]).partition(".")
        value = engine.counters().get(service, {}).get(counter, 0)
    elif "funds" in check:
        value = engine.state_view()["funds"].get(check["funds"], 0)
    else:
        raise CheckError(f"a check needs one of {', '.join(sorted(COMBINATORS | LEAVES))}")
    if not COMPARISONS & set(check):
        return value >= 1
    exact = check.get("count", check.get("equals"))
    if exact is not None and value != exact:
        return False
    if "min" in check and value < check["min"]:
        return False
    return not ("max" in check and value > check["max"])
