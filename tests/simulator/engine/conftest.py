"""Fixtures for the engine's tests: small worlds, a fixed classifier, a runner."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from simulator.engine import Engine, World
from simulator.engine.order_flow import ORDER_FLOW


@dataclass(frozen=True)
class FakeVerdict:
    name: str
    kind: str
    explanation: str = "judged by the test classifier"
    smell: str | None = None
    suggestion: str | None = None


def fake_classify(name: str) -> FakeVerdict:
    """Deterministic and independent of the course's grammar: a few names the tests use."""
    if name.endswith("Command") and "Placed" in name:
        return FakeVerdict(name, "event", smell="a past-tense name with a Command suffix")
    if name.startswith(("Place", "Process", "Ship", "Refund", "Send", "Do")):
        return FakeVerdict(name, "command", suggestion=None)
    if name.endswith(("ed", "Happened")):
        return FakeVerdict(name, "event")
    return FakeVerdict(name, "unclear")


@pytest.fixture
def classify():
    return fake_classify


@pytest.fixture
def make_engine():
    """Build an engine on the order flow (or on ``world``), with the test classifier."""

    def make(world: World | dict | None = None, *, seed: int = 0) -> Engine:
        if isinstance(world, dict):
            world = World.from_data(world)
        return Engine(world, seed=seed, classify_name=fake_classify)

    return make


@pytest.fixture
def order_flow_data():
    """A copy of the default world's data, safe to modify."""
    import copy

    return copy.deepcopy(ORDER_FLOW)


def steps(engine: Engine, step: str | None = None, **where) -> list:
    """Records of the engine's trace matching ``step`` and every ``field=value``."""
    found = []
    for record in engine.trace:
        if step is not None and record.step != step:
            continue
        if all(record.get("from" if k == "from_" else k) == v for k, v in where.items()):
            found.append(record)
    return found


# What Email writes for one order that goes through: a confirmation, a receipt, a shipping note.
EMAILS_PER_ORDER = 3


def place_order(engine: Engine, amount: int = 120, **extra) -> None:
    engine.apply({"action": "send", "name": "PlaceOrder", "payload": {"amount": amount}, **extra})
