"""Frames for the browser: HTML fragments swapped in by htmx, plus the routes to animate."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from simulator.diagram import service_id
from simulator.engine import Scenario
from simulator.models import Sandbox
from simulator.presenter import group_fan_out, log_lines
from simulator.runner import SPEEDS, Runner
from simulator.sandboxes import scenario_of


def _entries(runner: Runner, since: int) -> list[dict[str, Any]]:
    records = [step.to_dict() for step in runner.engine.trace.since(since)]
    return group_fan_out(log_lines(records, runner.engine.world), records)


def _services(runner: Runner) -> list[dict[str, Any]]:
    view = runner.engine.state_view()["services"]
    counters = runner.engine.counters()
    handlers = {spec.handler for spec in runner.engine.world.commands.values()}
    topics = runner.engine.state_view()["topics"]
    rows = []
    for name, state in view.items():
        counts = counters.get(name, {})
        effects = [
            (key.replace("_", " "), value)
            for key, value in counts.items()
            if key not in ("received", "handled", "failed")
        ]
        rows.append(
            {
                "name": name,
                "id": service_id(name),
                "handler": name in handlers,
                "subscribed": any(name in subs for subs in topics.values()),
                **state,
                "received": counts.get("received", 0),
                "handled_count": counts.get("handled", 0),
                "effects": effects,
            }
        )
    return rows


def _view(runner: Runner) -> dict[str, Any]:
    services = runner.engine.state_view()["services"]
    return {
        "services": {
            service_id(name): {
                "online": s["online"],
                "slow": s["slow"],
                "instances": s["instances"],
                "buffered": s["buffered"],
            }
            for name, s in services.items()
        }
    }


def _pause_notes(scenario: Scenario | None, runner: Runner) -> list[str]:
    """What the scenario says about the instant the run is stopped at; nothing while playing."""
    if scenario is None or runner.playing:
        return []
    return [pause.text for pause in scenario.pauses_at_now(runner.engine)]


def _context(sandbox: Sandbox, runner: Runner, answer: dict | None) -> dict[str, Any]:
    engine = runner.engine
    scenario = scenario_of(sandbox)
    return {
        "scenario": scenario,
        "pause_notes": _pause_notes(scenario, runner),
        "playing": runner.playing,
        "finished": runner.finished(),
        "speed": runner.speed,
        "speeds": SPEEDS,
        "length": len(engine.trace),
        "now": engine.now,
        "services": _services(runner),
        "commands": sorted(engine.world.commands),
        "events": sorted(engine.world.events),
        "answer": answer,
        "oob": True,
    }


def render_state(
    sandbox: Sandbox,
    runner: Runner,
    *,
    full: bool,
    answer: dict | None = None,
    memo: dict | None = None,
) -> dict[str, Any]:
    context = _context(sandbox, runner, answer)
    if memo is not None:
        # Everything below is sent whole: what the socket has seen starts again from here.
        memo.clear()
        memo.update(
            pause=tuple(context["pause_notes"]),
            services=context["services"],
            question=(sandbox.scenario, context["finished"]),
        )
    parts = ["simulator/_transport.html", "simulator/_pause.html"]
    parts += ["simulator/_services.html", "simulator/_question.html"]
    if full:
        context["entries"] = _entries(runner, 0)
        parts.append("simulator/_log.html")
    content = "".join(render_to_string(part, context) for part in parts)
    return {
        "type": "state",
        "playing": runner.playing,
        "speed": runner.speed,
        "length": context["length"],
        "view": _view(runner),
        "content": content,
    }


def _unchanged(memo: dict | None, part: str, key: Any) -> bool:
    """True when `part` was last sent for the same `key`; remembers `key` otherwise."""
    if memo is None:
        return False
    if memo.get(part) == key:
        return True
    memo[part] = key
    return False


def render_steps(
    sandbox: Sandbox, runner: Runner, since: int, *, full: bool, memo: dict | None = None
) -> dict[str, Any]:
    """New log lines and the panels they change. With a per-socket `memo`, a panel whose data
    has not changed since this socket last received it is left out: most paced frames change a
    row or two of the services table, and that table was three quarters of every frame."""
    context = _context(sandbox, runner, None)
    context["entries"] = _entries(runner, since)
    parts = ["simulator/_log_append.html", "simulator/_transport.html"]
    if full or not _unchanged(memo, "pause", tuple(context["pause_notes"])):
        parts.append("simulator/_pause.html")
    if full or not _unchanged(memo, "services", context["services"]):
        parts.append("simulator/_services.html")
    question = (sandbox.scenario, context["finished"])
    if full or not _unchanged(memo, "question", question):
        parts.append("simulator/_question.html")
    content = "".join(render_to_string(part, context) for part in parts)
    return {
        "type": "steps",
        "playing": runner.playing,
        "length": context["length"],
        "routes": [route for entry in context["entries"] for route in entry["routes"]],
        "view": _view(runner),
        "content": content,
    }


def render_error(message: str) -> str:
    return render_to_string("simulator/_error.html", {"message": message, "oob": True})


def page_context(sandbox: Sandbox, runner: Runner) -> dict[str, Any]:
    """Everything the full page needs to draw the sandbox before the socket opens."""
    context = _context(sandbox, runner, None)
    context["entries"] = _entries(runner, 0)
    context["oob"] = False
    return context
