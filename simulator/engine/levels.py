"""Challenge levels: a starting state, a goal checked against the run, a par, hints, a solution.

A level is a TOML file in ``simulator/levels/``. The learner acts on the engine with the actions
the level allows; after every action the run settles and each part of the goal is checked with
the same language as the scenarios' questions (``predicates``), so the learner is told, in
words, which parts hold. A level is solved when every part holds.

Fields of a level file:

``title``, ``lesson`` (the slug of the lesson it belongs to), ``order``, ``briefing``
    what the learner reads first
``allowed``
    the engine actions the level offers (``inputs.ACTIONS``); nothing else is accepted
``seed``, optional ``[world]`` and ``[[start]]``
    the run the learner starts from: the world (the order flow unless given) and the inputs
    played, and settled, before the learner's first action
``[[goal]]``
    one table per part of the goal: ``text`` (what must be true, in words) and ``check``
``par``, ``hints`` (at most three, in order), ``[[solution]]``
    the fewest actions that solve it, the hints, and one stored way to solve it

Two properties make a level fair, and the content check verifies both for every file: the
stored solution solves it, and doing nothing does not.
"""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contentfiles import load_file, load_folder

from .core import Engine, default_world
from .errors import EngineError, ScenarioError
from .inputs import ACTIONS
from .naming import Classifier
from .predicates import holds, shape_problem
from .world import World

LEVEL_DIR = Path(__file__).resolve().parent.parent / "levels"
LEVEL_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LEVEL_KEYS = frozenset(
    {"title", "lesson", "order", "briefing", "allowed", "seed", "world", "start", "goal"}
    | {"par", "hints", "solution"}
)
MAX_HINTS = 3
MAX_ACTIONS = 200


class LevelError(ScenarioError):
    """A level file that breaks the format, or an action the level does not allow."""


@dataclass(frozen=True, slots=True)
class GoalPart:
    text: str
    check: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PartResult:
    text: str
    holds: bool


@dataclass(frozen=True, slots=True, eq=False)
class Level:
    name: str
    title: str
    lesson: str
    order: int
    briefing: str
    allowed: tuple[str, ...]
    seed: int
    start: tuple[Mapping[str, Any], ...]
    goal: tuple[GoalPart, ...]
    par: int
    hints: tuple[str, ...]
    solution: tuple[Mapping[str, Any], ...]
    world_data: Mapping[str, Any] | None = None

    def world(self) -> World:
        return World.from_data(self.world_data) if self.world_data else default_world()

    def begin(self, classify_name: Classifier | None = None) -> Engine:
        """The run the learner starts from: the starting inputs played and settled."""
        engine = Engine(self.world(), seed=self.seed, classify_name=classify_name)
        for item in self.start:
            engine.apply(dict(item))
        engine.run()
        return engine

    def act(self, engine: Engine, action: Mapping[str, Any]) -> None:
        """Apply one learner action, if the level allows it, and let the run settle."""
        name = action.get("action") if isinstance(action, Mapping) else None
        if name not in self.allowed:
            raise LevelError(
                f"this level offers {', '.join(self.allowed)}; {name!r} is not one of them"
            )
        engine.apply({k: v for k, v in action.items() if k != "at"})
        engine.run()

    def play(
        self, actions: Sequence[Mapping[str, Any]], classify_name: Classifier | None = None
    ) -> Engine:
        """The run after ``actions``, applied one after the other from the starting state."""
        if len(actions) > MAX_ACTIONS:
            raise LevelError(f"a level takes at most {MAX_ACTIONS} actions")
        engine = self.begin(classify_name)
        for action in actions:
            self.act(engine, action)
        return engine

    def progress(self, engine: Engine) -> tuple[PartResult, ...]:
        """Each part of the goal, and whether the run bears it out."""
        return tuple(PartResult(part.text, holds(part.check, engine)) for part in self.goal)

    def solved(self, engine: Engine) -> bool:
        return all(result.holds for result in self.progress(engine))


def list_levels(directory: Path | None = None) -> list[str]:
    """Level names in the order a learner meets them."""
    return [level.name for level in all_levels(directory)]


def all_levels(directory: Path | None = None) -> tuple[Level, ...]:
    """Every level in the order a learner meets them; the folder is read again only when a file
    in it changed, so a page that lists levels costs one look at the folder."""
    return load_folder(
        directory or LEVEL_DIR, "*.toml", _in_order, parse=_parse_file, error=LevelError
    )


def _in_order(parsed: list[tuple[Path, Level]]) -> tuple[Level, ...]:
    for path, _ in parsed:
        if not LEVEL_NAME.fullmatch(path.stem):
            raise LevelError("a level's name is lower-case words joined by hyphens")
    return tuple(sorted((level for _, level in parsed), key=lambda lv: (lv.order, lv.name)))


def load_level(name: str, directory: Path | None = None) -> Level:
    directory = directory or LEVEL_DIR
    if not LEVEL_NAME.fullmatch(name or ""):
        raise LevelError("a level's name is lower-case words joined by hyphens")
    path = directory / f"{name}.toml"
    if not path.is_file():
        raise LevelError(f"there is no level called {name}")
    return load_file(path, _parse_file, error=LevelError)


def _parse_file(path: Path, text: str) -> Level:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LevelError(f"level {path.stem}: {error}") from error
    return parse_level(path.stem, data)


def parse_level(name: str, data: Mapping[str, Any]) -> Level:
    """Build a level from parsed TOML; raises ``LevelError`` naming what is wrong."""

    def need(key: str, kind: type) -> Any:
        value = data.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise LevelError(f"level {name}: {key} must be {kind.__name__}")
        return value

    unknown = sorted(set(data) - LEVEL_KEYS)
    if unknown:
        raise LevelError(f"level {name}: unknown keys {', '.join(unknown)}")
    allowed = need("allowed", list)
    bad = [a for a in allowed if a not in ACTIONS]
    if not allowed or bad:
        raise LevelError(f"level {name}: allowed lists engine actions; not actions: {bad}")
    goal = []
    for number, raw in enumerate(need("goal", list), start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            raise LevelError(f"level {name}: goal part {number} needs a text and a check")
        problem = shape_problem(raw.get("check"))
        if problem:
            raise LevelError(f"level {name}: goal part {number}: {problem}")
        goal.append(GoalPart(" ".join(raw["text"].split()), raw["check"]))
    if not goal:
        raise LevelError(f"level {name}: a level needs a goal")
    hints = need("hints", list)
    if not 1 <= len(hints) <= MAX_HINTS or not all(isinstance(h, str) for h in hints):
        raise LevelError(f"level {name}: one to {MAX_HINTS} hints, each a text")
    solution = need("solution", list)
    par = need("par", int)
    if not solution or par < 1 or par > len(solution):
        raise LevelError(f"level {name}: par counts the fewest actions; the solution has more")
    for item in (*data.get("start", []), *solution):
        if not isinstance(item, dict) or "action" not in item:
            raise LevelError(f"level {name}: every start and solution input has an action")
    level = Level(
        name=name,
        title=need("title", str),
        lesson=need("lesson", str),
        order=need("order", int),
        briefing=" ".join(need("briefing", str).split()),
        allowed=tuple(allowed),
        seed=need("seed", int),
        start=tuple(data.get("start", [])),
        goal=tuple(goal),
        par=par,
        hints=tuple(" ".join(h.split()) for h in hints),
        solution=tuple(solution),
        world_data=data.get("world"),
    )
    try:
        level.world()
    except EngineError as error:
        raise LevelError(f"level {name}: {error}") from error
    return level


@dataclass(frozen=True, slots=True)
class Verdict:
    """What ``verify`` found: the solution's run and the empty run, part by part."""

    solution: tuple[PartResult, ...]
    empty: tuple[PartResult, ...]
    seconds: float

    @property
    def solution_solves(self) -> bool:
        return all(r.holds for r in self.solution)

    @property
    def empty_solves(self) -> bool:
        return all(r.holds for r in self.empty)

    @property
    def fair(self) -> bool:
        return self.solution_solves and not self.empty_solves


def verify(level: Level, classify_name: Classifier | None = None) -> Verdict:
    """Play the stored solution and the empty run; a fair level is solved by the first only."""
    began = time.perf_counter()
    solved = level.progress(level.play(level.solution, classify_name))
    empty = level.progress(level.begin(classify_name))
    return Verdict(solved, empty, time.perf_counter() - began)
