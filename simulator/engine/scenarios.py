"""Guided scenarios: data files in ``simulator/scenarios/<name>.toml``.

A scenario is a world (the order flow unless it brings its own), a seed, the learner inputs to
play, where a guided run should pause and what to say there, and a closing question. The
question's right answer is not taken on trust: its ``check`` is a predicate on the trace or the
counters, and the tests make sure it holds, so a change to the engine that changes the story also
fails the content.

A check is a table of one of these shapes::

    {where = {step = "buffered", to = "Email"}, count = 2}   # or min = / max =
    {counter = "Payment.cards_charged", equals = 2}          # or min = / max =
    {all = [ {...}, {...} ]}

A pause names the record the run stops after, as a pattern (the first record that matches) or as
a record index, and carries the few sentences the page shows while the run waits there::

    [[pauses]]
    after = { step = "buffered", to = "Email" }
    text = "Email is offline, so its copy of OrderPlaced waits in Email's own buffer."
"""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contentfiles import load_file

from .core import Engine
from .errors import ScenarioError, UnknownScenario
from .naming import Classifier
from .predicates import holds
from .trace import matches
from .world import World

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


@dataclass(frozen=True, slots=True)
class Question:
    """The "what did you notice?" question closing a scenario."""

    prompt: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    check: Mapping[str, Any]
    # One sentence per choice, said after the run to a learner who predicted that choice.
    feedback: tuple[str, ...] = ()

    def holds(self, engine: Engine) -> bool:
        """True when the engine's run shows what the right answer claims."""
        return evaluate(self.check, engine)

    def grade(self, choice: int, engine: Engine | None = None) -> bool:
        """Right when ``choice`` is the answer (and, given a run, the run bears it out)."""
        if choice != self.answer:
            return False
        return engine is None or self.holds(engine)


@dataclass(frozen=True, slots=True)
class Pause:
    """Where a guided run stops, and what the learner is told while it waits there."""

    after: int | Mapping[str, Any]
    text: str

    def first_match(self, engine: Engine) -> int | None:
        """``seq`` of the record this pause stops after in ``engine``'s trace, if it has one."""
        if isinstance(self.after, int):
            return self.after if self.after < len(engine.trace) else None
        for record in engine.trace:
            if matches(record, self.after):
                return record.seq
        return None


# Compared and hashed by identity: each version of a scenario file is parsed into one object,
# which can then stand in a cache key for "this scenario, as it is now".
@dataclass(frozen=True, slots=True, eq=False)
class Scenario:
    """One guided scenario, loaded from its data file."""

    name: str
    title: str
    summary: str
    seed: int
    inputs: tuple[Mapping[str, Any], ...]
    question: Question
    pauses: tuple[Pause, ...] = ()
    notice: tuple[str, ...] = ()
    world_data: Mapping[str, Any] | None = field(default=None, repr=False)
    # Built once at load time and shared by every engine of this scenario: engines only read
    # their world, and a copy per learner was a third of what an idle sandbox held in memory.
    built_world: World | None = field(default=None, repr=False, compare=False)

    def world(self) -> World | None:
        """The scenario's own world, or ``None`` for the default order flow."""
        if self.built_world is None and self.world_data is not None:
            return World.from_data(self.world_data)
        return self.built_world

    def engine(self, seed: int | None = None, classify_name: Classifier | None = None) -> Engine:
        """A fresh engine for this scenario, with nothing applied yet."""
        return Engine(
            self.world(), seed=self.seed if seed is None else seed, classify_name=classify_name
        )

    def run(self, seed: int | None = None, *, classify_name: Classifier | None = None) -> Engine:
        """Apply every input and run until nothing is left to happen."""
        engine = self.engine(seed, classify_name)
        for item in self.inputs:
            engine.apply(item)
        engine.run()
        return engine

    def pause_points(self, engine: Engine) -> list[int]:
        """``seq`` of the records a guided run pauses after: explicit indexes, and the first
        record matching each pattern."""
        points = {pause.first_match(engine) for pause in self.pauses}
        return sorted(p for p in points if p is not None)

    def pauses_at_now(self, engine: Engine) -> list[Pause]:
        """The pauses whose record belongs to the instant ``engine`` stands at.

        A run stopped at one of these instants is stopped at a moment the scenario explains; once
        the clock moves on (a step, or playing) the list is empty again. Reading it from the trace
        rather than remembering "we just paused" means a reload shows the same explanation.
        """
        found = []
        for pause in self.pauses:
            seq = pause.first_match(engine)
            if seq is not None and engine.trace[seq].t == engine.now:
                found.append(pause)
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "summary": self.summary,
            "notice": list(self.notice),
            "seed": self.seed,
            "inputs": [dict(i) for i in self.inputs],
            "pauses": [
                {"after": p.after if isinstance(p.after, int) else dict(p.after), "text": p.text}
                for p in self.pauses
            ],
            "question": {
                "prompt": self.question.prompt,
                "choices": list(self.question.choices),
                "answer": self.question.answer,
                "explanation": self.question.explanation,
                "feedback": list(self.question.feedback),
            },
        }


SCENARIO_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def list_scenarios() -> list[str]:
    """Names of the guided scenarios, in the order a course would meet them."""
    names = {path.stem for path in SCENARIO_DIR.glob("*.toml")}
    ordered = [n for n in COURSE_ORDER if n in names]
    return ordered + sorted(names - set(ordered))


COURSE_ORDER = (
    "order-flow",
    "competing-consumers",
    "email-down",
    "handler-crash",
    "payment-down",
    "invalid-data",
    "insufficient-funds",
    "duplicate-delivery",
    "replay",
    "late-subscriber",
    "command-in-disguise",
)


def load_scenario(name: str) -> Scenario:
    """Load a scenario by name; an unknown name raises ``UnknownScenario`` listing the others."""
    # The live page asks for its scenario several times a frame, so the file is looked at
    # (one stat, not a listing of the folder) at most once every RECHECK_S.
    known = _recently_checked.get(name) if isinstance(name, str) else None
    now = time.monotonic()
    if known is not None and now - known[0] < RECHECK_S:
        return known[1]
    try:
        if not isinstance(name, str) or not SCENARIO_NAME.fullmatch(name):
            raise FileNotFoundError(name)
        path = SCENARIO_DIR / f"{name}.toml"
        path.stat()
    except OSError:  # a name too long for the file system among them
        known = ", ".join(list_scenarios())
        shown = name[:60] if isinstance(name, str) else name
        raise UnknownScenario(f"unknown scenario {shown!r}; choose one of: {known}") from None
    scenario = load_file(path, _parse_file, error=ScenarioError)
    _recently_checked[name] = (now, scenario)
    return scenario


RECHECK_S = 1.0
_recently_checked: dict[str, tuple[float, Scenario]] = {}


def _parse_file(path: Path, text: str) -> Scenario:
    """Parsed once per version of the file (contentfiles keeps it): the live page asks for its
    scenario on every frame, and an edited file (new time or size) is read afresh."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path.name}: {error}") from error
    return parse_scenario(path.stem, data)


def parse_scenario(name: str, data: Mapping[str, Any]) -> Scenario:
    """Check a scenario's data and build it; raises ``ScenarioError`` naming the problem."""

    def need(mapping: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
        value = mapping.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise ScenarioError(f"scenario {name}: {where}{key} must be {kind.__name__}")
        return value

    title = need(data, "title", str, "")
    summary = need(data, "summary", str, "")
    seed = need(data, "seed", int, "")
    inputs = need(data, "inputs", list, "")
    if not inputs or not all(isinstance(i, dict) and "action" in i for i in inputs):
        raise ScenarioError(f"scenario {name}: every input is a table with an action")
    q = need(data, "question", dict, "")
    choices = need(q, "choices", list, "question.")
    answer = need(q, "answer", int, "question.")
    if not 0 <= answer < len(choices) or len(choices) < 2:
        raise ScenarioError(f"scenario {name}: question.answer must index one of the choices")
    check = need(q, "check", dict, "question.")
    _check_shape(name, check)
    feedback = q.get("feedback", [])
    if not isinstance(feedback, list) or not all(isinstance(f, str) for f in feedback):
        raise ScenarioError(f"scenario {name}: question.feedback must be a list of strings")
    if feedback and len(feedback) != len(choices):
        raise ScenarioError(f"scenario {name}: question.feedback needs one entry per choice")
    question = Question(
        prompt=need(q, "prompt", str, "question."),
        choices=tuple(str(c) for c in choices),
        answer=answer,
        explanation=need(q, "explanation", str, "question."),
        check=check,
        feedback=tuple(feedback),
    )
    pauses = _pauses(name, data.get("pauses", []))
    world = data.get("world")
    # Built here so that a bad world fails at load time, not half-way through a lesson.
    built = World.from_data(world) if world is not None else None
    return Scenario(
        name=name,
        title=title,
        summary=summary,
        seed=seed,
        inputs=tuple(inputs),
        question=question,
        pauses=pauses,
        notice=tuple(data.get("notice", [])),
        world_data=world,
        built_world=built,
    )


PAUSE_KEYS = frozenset({"after", "text"})
MAX_PAUSE_TEXT = 600


def _pauses(name: str, raw: Any) -> tuple[Pause, ...]:
    """Every pause must say why the run stopped: a pause without words is a silent stop."""
    if not isinstance(raw, list):
        raise ScenarioError(f"scenario {name}: pauses must be an array of [[pauses]] tables")
    pauses = []
    for number, item in enumerate(raw, start=1):
        where = f"scenario {name}: pause {number}"
        if not isinstance(item, dict):
            raise ScenarioError(f"{where} must be a table with 'after' and 'text'")
        unknown = sorted(set(item) - PAUSE_KEYS)
        if unknown:
            raise ScenarioError(f"{where} has unknown keys: {', '.join(unknown)}")
        after = item.get("after")
        if isinstance(after, bool) or not (
            (isinstance(after, int) and after >= 0) or (isinstance(after, dict) and after)
        ):
            raise ScenarioError(
                f"{where}: 'after' must be a record pattern (a table) or a record index"
            )
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ScenarioError(f"{where} has no text: say what just happened and what to look at")
        text = " ".join(text.split())
        if len(text) > MAX_PAUSE_TEXT:
            raise ScenarioError(f"{where}: the text is longer than {MAX_PAUSE_TEXT} characters")
        pauses.append(Pause(after=after, text=text))
    return tuple(pauses)


def _check_shape(name: str, check: Mapping[str, Any]) -> None:
    if "all" in check:
        for part in check["all"]:
            _check_shape(name, part)
        return
    if ("where" in check) == ("counter" in check):
        raise ScenarioError(f"scenario {name}: a check has either 'where' or 'counter'")
    if not {"count", "equals", "min", "max"} & set(check):
        raise ScenarioError(f"scenario {name}: a check needs count, equals, min or max")


def evaluate(check: Mapping[str, Any], engine: Engine) -> bool:
    """Evaluate a check (the language of ``predicates``) against an engine's run."""
    return holds(check, engine)
