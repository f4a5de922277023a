"""Frames for the browser: HTML fragments swapped in by htmx, plus the routes to animate."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from diagram import service_id, topic_id
from live.cache import BoundedCache
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
    world = runner.engine.world
    handlers = {spec.handler for spec in world.commands.values()}
    topics = runner.engine.state_view()["topics"]
    rows = []
    for name, state in view.items():
        counts = counters.get(name, {})
        subscribed = any(name in subs for subs in topics.values())
        # Offered only where subscribing gives the service something to do: a topic carrying
        # events it has rules for. A service that only sends (Checkout, a system's front desk)
        # has none, and the engine would refuse the request.
        joinable = any(t not in state["subscriptions"] for t in world.topics_wanted_by(name))
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
                "can_subscribe": joinable and not subscribed and name not in handlers,
                **state,
                "received": counts.get("received", 0),
                "handled_count": counts.get("handled", 0),
                "effects": effects,
            }
        )
    return rows


def _view(runner: Runner) -> dict[str, Any]:
    services = runner.engine.state_view()["services"]
    world = runner.engine.world
    view = {}
    for name, s in services.items():
        view[service_id(name)] = {
            "online": s["online"],
            "slow": s["slow"],
            "instances": s["instances"],
            "buffered": s["buffered"],
        }
        # The diagram draws the world's subscriptions; only those taken during the run (a late
        # subscriber) need saying, and most frames have none.
        joined = [t for t in s["subscriptions"] if t not in world.subscriptions_of.get(name, ())]
        if joined:
            view[service_id(name)]["topics"] = [topic_id(topic) for topic in joined]
    return {"services": view}


def _pause_notes(scenario: Scenario | None, runner: Runner) -> list[str]:
    """What the scenario says about the instant the run is stopped at; nothing while playing."""
    if scenario is None or runner.playing:
        return []
    return [pause.text for pause in scenario.pauses_at_now(runner.engine)]


def _prediction(sandbox: Sandbox, scenario: Scenario | None) -> int | None:
    """The stored prediction, if it still names a choice: a question rewritten since with fewer
    choices asks again rather than point past its end."""
    p = sandbox.prediction
    if scenario is None or p is None or p >= len(scenario.question.choices):
        return None
    return p


def _gated(sandbox: Sandbox, scenario: Scenario | None) -> bool:
    """Play waits: a guided scenario asks for a prediction before it runs."""
    return scenario is not None and _prediction(sandbox, scenario) is None


def gated(sandbox: Sandbox) -> bool:
    """True while a guided scenario waits for the learner's prediction."""
    return _gated(sandbox, scenario_of(sandbox))


def _predicted(scenario: Scenario | None, prediction: int | None) -> str:
    if scenario is None or prediction is None or prediction < 0:
        return ""
    return scenario.question.choices[prediction]


def _debrief(scenario: Scenario | None, prediction: int | None, runner: Runner) -> dict | None:
    """The prediction beside what the run showed, graded against the run as an answer is."""
    if scenario is None or prediction is None or prediction < 0 or not runner.finished():
        return None
    question = scenario.question
    held = question.holds(runner.engine)
    return {
        "predicted": question.choices[prediction],
        "happened": question.choices[question.answer]
        if held
        else "Not what the scenario expected: the run was changed along the way.",
        "correct": question.grade(prediction, runner.engine),
        "feedback": question.feedback[prediction] if question.feedback else "",
    }


def _context(sandbox: Sandbox, runner: Runner, answer: dict | None) -> dict[str, Any]:
    engine = runner.engine
    scenario = scenario_of(sandbox)
    return {
        "scenario": scenario,
        "guided": scenario is not None,
        "gated": _gated(sandbox, scenario),
        "prediction": _prediction(sandbox, scenario),
        "predicted": _predicted(scenario, _prediction(sandbox, scenario)),
        "debrief": _debrief(scenario, _prediction(sandbox, scenario), runner),
        "pause_notes": _pause_notes(scenario, runner),
        "playing": runner.playing,
        "finished": runner.finished(),
        "speed": runner.speed,
        "speeds": SPEEDS,
        "length": len(engine.trace),
        "live_length": len(engine.trace),
        "cursor": None,
        "can_undo": False,
        "next_kinds": NEXT_KINDS,
        "now": engine.now,
        "services": _services(runner),
        "commands": sorted(engine.world.commands),
        "events": sorted(engine.world.events),
        "answer": answer,
        "oob": True,
    }


@dataclass(frozen=True)
class Timeline:
    """Where a socket's learner is looking: the present (`cursor` None) or record `cursor` of a
    live trace `live_length` records long; and whether a fork can still be undone."""

    cursor: int | None
    live_length: int
    can_undo: bool


# What "step to the next ..." can look for, and the trace steps that count as one.
NEXT_KINDS = {"event": ("published",), "delivery": ("delivered", "redelivered")}


# Rendered panels, shared by every socket of this process. The engine is deterministic: sandboxes
# of one scenario, seed and inputs hold the same trace and draw the same panels, so a class on one
# guided scenario is hundreds of sockets passing through the same few dozen states, each drawn
# once for all of them. Each state holds four or five panels of a few KB.
SHARED = BoundedCache(size=2048)


def _draw(part: str, context: dict[str, Any]) -> str:
    return render_to_string(f"simulator/_{part}.html", {**context, "oob": True})


class _Panels:
    """The panels of one frame, each drawn once per state of the run and then shared.

    A state is the scenario, the world, the seed, the inputs given (by the engine's history key)
    and how far the trace and the clock have got: everything the engine's output depends on.
    Whatever else a panel shows (playing, speed, the point a socket's log had reached) is added
    to its own key.
    """

    def __init__(self, sandbox: Sandbox, runner: Runner, timeline: Timeline | None = None) -> None:
        engine = runner.engine
        self.runner = runner
        self.scenario = scenario_of(sandbox)
        self.timeline = timeline or Timeline(None, len(engine.trace), False)
        # A look back at the past is never the end of the run, whatever is left to happen then.
        self.finished = runner.finished() and self.timeline.cursor is None
        self.prediction = _prediction(sandbox, self.scenario)
        self.gated = _gated(sandbox, self.scenario)
        self.key = (
            self.scenario,
            engine.world,
            engine.seed,
            engine.history_key(),
            len(engine.trace),
            engine.now,
        )

    def services(self) -> tuple[tuple, str]:
        def make():
            rows = tuple(_services(self.runner))
            return rows, _draw("services", {"services": rows})

        return SHARED.get(("services", self.key), make)

    def service_row(self, index: int) -> str:
        """One row of the services table, to replace its old self in place."""
        rows, _ = self.services()
        context = {"s": rows[index], "row_oob": True}
        return SHARED.get(("service_row", self.key, index), lambda: _draw("service_row", context))

    def view(self) -> dict[str, Any]:
        return SHARED.get(("view", self.key), lambda: _view(self.runner))

    def transport(self) -> str:
        runner, engine = self.runner, self.runner.engine
        context = {
            "playing": runner.playing,
            "finished": self.finished,
            "speed": runner.speed,
            "speeds": SPEEDS,
            "length": len(engine.trace),
            "now": engine.now,
            "gated": self.gated,
            "guided": self.scenario is not None,
            "cursor": self.timeline.cursor,
            "live_length": self.timeline.live_length,
            "can_undo": self.timeline.can_undo,
        }
        key = (
            "transport",
            self.key,
            runner.playing,
            runner.speed,
            self.finished,
            self.gated,
            self.timeline,
        )
        return SHARED.get(key, lambda: _draw("transport", context))

    def predict(self) -> tuple[tuple, str]:
        """The prediction form before Play, or the prediction made; keyed by what it shows."""
        shown = (self.scenario, self.prediction)
        context = {
            "scenario": self.scenario,
            "prediction": self.prediction,
            "predicted": _predicted(self.scenario, self.prediction),
        }
        return shown, SHARED.get(("predict", *shown), lambda: _draw("predict", context))

    def question_shown(self) -> tuple:
        """What the question panel depends on, for a socket to tell whether it changed."""
        return (self.scenario, self.finished, self.prediction)

    def pause(self) -> tuple[tuple[str, ...], str]:
        def make():
            notes = tuple(_pause_notes(self.scenario, self.runner))
            return notes, _draw("pause", {"pause_notes": notes})

        return SHARED.get(("pause", self.key, self.runner.playing), make)

    def question(self, answer: dict | None = None) -> str:
        def context():
            return {
                "scenario": self.scenario,
                "finished": self.finished,
                "answer": answer,
                "debrief": _debrief(self.scenario, self.prediction, self.runner),
            }

        if answer is not None:
            return _draw("question", context())  # one learner's own answer is not shared
        # A debrief grades against the run, so a finished run's own state is part of the key.
        run = self.key if self.finished and self.prediction is not None else None
        key = ("question", self.scenario, self.finished, self.prediction, run)
        return SHARED.get(key, lambda: _draw("question", context()))

    def log_since(self, since: int) -> tuple[tuple, str]:
        """The routes to animate and the log lines to append, for records from `since` on."""

        def make():
            entries = _entries(self.runner, since)
            routes = tuple(route for entry in entries for route in entry["routes"])
            return routes, _draw("log_append", {"entries": entries})

        return SHARED.get(("log_since", self.key, since), make)

    def whole_log(self) -> str:
        return SHARED.get(
            ("log", self.key), lambda: _draw("log", {"entries": _entries(self.runner, 0)})
        )


def _state(
    sandbox: Sandbox,
    runner: Runner,
    *,
    full: bool,
    answer: dict | None,
    memo: dict | None,
    timeline: Timeline | None = None,
) -> tuple[dict[str, Any], tuple | None]:
    """A state frame, and a key that equal frames share (None when it shows one's own answer)."""
    panels = _Panels(sandbox, runner, timeline)
    rows, services = panels.services()
    notes, pause = panels.pause()
    shown, predict = panels.predict()
    if memo is not None:
        # Everything below is sent whole: what the socket has seen starts again from here.
        memo.clear()
        memo.update(pause=notes, services=rows, question=panels.question_shown(), predict=shown)
    content = [panels.transport(), predict, pause, services, panels.question(answer)]
    if full:
        content.append(panels.whole_log())
    frame = {
        "type": "state",
        "playing": runner.playing,
        "speed": runner.speed,
        "length": len(runner.engine.trace),
        "view": panels.view(),
        "content": "".join(content),
    }
    if answer is not None:
        return frame, None
    return frame, (
        "state_text",
        panels.key,
        runner.playing,
        runner.speed,
        panels.finished,
        full,
        sandbox.prediction,
        panels.timeline,
    )


def state_text(
    sandbox: Sandbox,
    runner: Runner,
    *,
    full: bool,
    answer: dict | None = None,
    memo: dict | None = None,
    timeline: Timeline | None = None,
) -> str:
    """The whole state frame as JSON text, encoded once for every socket that sends the same one."""
    frame, key = _state(sandbox, runner, full=full, answer=answer, memo=memo, timeline=timeline)
    if key is None:
        return json.dumps(frame)
    return SHARED.get(key, lambda: json.dumps(frame))


def _replay_key(sandbox: Sandbox) -> tuple:
    """What a stored sandbox replays to: two with the same key rebuild the same engine."""
    return (
        "first_state",
        scenario_of(sandbox),
        sandbox.world_choice.version if sandbox.world_choice else None,
        sandbox.seed,
        json.dumps(sandbox.inputs, sort_keys=True),
        sandbox.until,
        json.dumps(sandbox.scheduled, sort_keys=True),
        sandbox.prediction,
    )


def known_first_state(sandbox: Sandbox) -> tuple[str, dict, int] | None:
    """The first frame a socket sends for `sandbox` (with the memo it leaves and the length of
    the trace), when some socket of this process has already sent it for the same sandbox."""
    return SHARED.peek(_replay_key(sandbox))


def first_state(sandbox: Sandbox, runner: Runner, memo: dict) -> str:
    """The whole state of a freshly rebuilt sandbox, remembered for known_first_state."""
    text = state_text(sandbox, runner, full=True, memo=memo)
    SHARED.put(_replay_key(sandbox), (text, dict(memo), len(runner.engine.trace)))
    return text


def _unchanged(memo: dict | None, part: str, key: Any) -> bool:
    """True when `part` was last sent for the same `key`; remembers `key` otherwise."""
    if memo is None:
        return False
    if memo.get(part) == key:
        return True
    memo[part] = key
    return False


def _changed_rows(memo: dict | None, rows: tuple, full: bool) -> tuple[int, ...] | None:
    """Which rows of the services table a socket needs again; None for the whole table.

    A step changes a row or two (a counter, a buffer), and the table was most of every frame,
    so only those rows are sent. The whole table goes when the socket has no table to patch,
    or when services came or went.
    """
    previous = memo.get("services") if memo is not None else None
    if memo is not None:
        memo["services"] = rows
    if full or previous is None or [r["name"] for r in previous] != [r["name"] for r in rows]:
        return None
    return tuple(i for i, (old, new) in enumerate(zip(previous, rows, strict=True)) if old != new)


def _steps(
    sandbox: Sandbox,
    runner: Runner,
    since: int,
    *,
    full: bool,
    memo: dict | None,
    timeline: Timeline | None = None,
) -> tuple[dict[str, Any], tuple]:
    """A steps frame, and a key that equal frames share (see steps_text)."""
    panels = _Panels(sandbox, runner, timeline)
    routes, lines = panels.log_since(since)
    content = [lines, panels.transport()]
    notes, pause = panels.pause()
    with_pause = full or not _unchanged(memo, "pause", notes)
    if with_pause:
        content.append(pause)
    rows, services = panels.services()
    changed = _changed_rows(memo, rows, full)
    if changed is None:
        content.append(services)
    else:
        content.extend(panels.service_row(index) for index in changed)
    with_question = full or not _unchanged(memo, "question", panels.question_shown())
    if with_question:
        content.append(panels.question())
    shown, predict = panels.predict()
    with_predict = full or not _unchanged(memo, "predict", shown)
    if with_predict:
        content.append(predict)
    frame = {
        "type": "steps",
        "playing": runner.playing,
        "length": len(runner.engine.trace),
        "routes": routes,
        "view": panels.view(),
        "content": "".join(content),
    }
    shape = (
        panels.key,
        since,
        runner.playing,
        runner.speed,
        panels.finished,
        panels.gated,
        panels.timeline,
    )
    return frame, (*shape, with_pause, changed, with_question, with_predict, sandbox.prediction)


def steps_text(
    sandbox: Sandbox,
    runner: Runner,
    since: int,
    *,
    full: bool,
    memo: dict | None = None,
    timeline: Timeline | None = None,
) -> str:
    """New log lines and the panels they change, as JSON text encoded once for every socket that
    sends the same frame: escaping a frame's HTML for JSON cost more than anything else the event
    loop did for it. With a per-socket `memo`, a panel whose data has not changed since this
    socket last received it is left out: most paced frames change a row or two of the services
    table, and that table was three quarters of every frame."""
    frame, shape = _steps(sandbox, runner, since, full=full, memo=memo, timeline=timeline)
    return SHARED.get(("steps_text", shape), lambda: json.dumps(frame))


def with_lateness(text: str, late_ms: float) -> str:
    """Adds `late_ms` to an encoded frame without decoding it again."""
    return f'{text[:-1]}, "late_ms": {json.dumps(late_ms)}}}'


def render_share(token: str) -> str:
    return render_to_string("simulator/_share.html", {"token": token, "oob": True})


def render_error(message: str) -> str:
    return render_to_string("simulator/_error.html", {"message": message, "oob": True})


def page_context(sandbox: Sandbox, runner: Runner) -> dict[str, Any]:
    """Everything the full page needs to draw the sandbox before the socket opens."""
    context = _context(sandbox, runner, None)
    context["entries"] = _entries(runner, 0)
    context["oob"] = False
    return context
