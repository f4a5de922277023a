"""Reading and writing learners' sandboxes. The engine is rebuilt from the stored inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.engine import Engine, Scenario, load_scenario
from simulator.models import Sandbox

# A sandbox is a list of inputs replayed on every connect; past this many, the learner resets.
MAX_INPUTS = 500


def owner_for_scope(scope: Mapping[str, Any]) -> str | None:
    """The sandbox owner behind a WebSocket: the signed-in user, else the session's learner."""
    from courseware.services import LEARNER_KEY

    user = scope.get("user")
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = scope.get("session")
    key = session.get(LEARNER_KEY) if session is not None else None
    return f"learner:{key}" if key else None


def sandbox_for(owner: str | None) -> Sandbox:
    """The owner's sandbox; an unsaved one for a visitor without a session."""
    if owner is None:
        return Sandbox(owner="")
    sandbox, _ = Sandbox.objects.get_or_create(owner=owner)
    return sandbox


def scenario_of(sandbox: Sandbox) -> Scenario | None:
    return load_scenario(sandbox.scenario) if sandbox.scenario else None


def engine_for(sandbox: Sandbox) -> Engine:
    """Replays the sandbox's inputs; the learner sees exactly what they saw before."""
    scenario = scenario_of(sandbox)
    world = scenario.world() if scenario else None
    return Engine.from_inputs(sandbox.inputs, seed=sandbox.seed, world=world, until=sandbox.until)


def sandbox_save(*, sandbox: Sandbox, engine: Engine, scheduled: list[dict]) -> Sandbox:
    sandbox.inputs = engine.inputs
    sandbox.until = engine.now
    sandbox.scheduled = scheduled
    if sandbox.owner:
        sandbox.save()
    return sandbox


def scenario_inputs_after(sandbox: Sandbox, instant: int) -> list[dict]:
    """The scenario's inputs still to come after `instant`; a learner's own are not replayed."""
    scenario = scenario_of(sandbox)
    if scenario is None:
        return []
    timed = [dict(i, at=i.get("at", 0)) for i in scenario.inputs]
    return [i for i in timed if i["at"] > instant]


def sandbox_load_scenario(*, sandbox: Sandbox, name: str | None) -> Sandbox:
    """Starts over, empty or with a scenario whose inputs wait for their virtual time."""
    scenario = load_scenario(name) if name else None
    sandbox.scenario = scenario.name if scenario else ""
    sandbox.seed = scenario.seed if scenario else 0
    sandbox.inputs = []
    sandbox.until = 0
    sandbox.scheduled = [dict(i, at=i.get("at", 0)) for i in scenario.inputs] if scenario else []
    if sandbox.owner:
        sandbox.save()
    return sandbox
