"""`manage.py check` loads every guided scenario, so a broken one fails CI rather than a lesson.

simulator.E001 a scenario file that does not parse or breaks the format (for instance a pause
               without its explanation)
simulator.E002 a pause that the scenario's own run never reaches, so its text would never show
simulator.E003 a challenge level that does not parse or breaks the format
simulator.E004 a level whose stored solution does not solve it
simulator.E005 a level that doing nothing solves
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.core.checks import Error, register

from naming.shared import course_classifier
from simulator.engine.errors import EngineError
from simulator.engine.levels import LEVEL_DIR, LevelError, load_level, verify
from simulator.engine.scenarios import SCENARIO_DIR, SCENARIO_NAME, parse_scenario

GUIDE = "See 'A guided scenario' in docs/authoring.md."


def check_scenarios(directory: Path = SCENARIO_DIR) -> list[Error]:
    """Every problem in the scenario files of `directory`, one Error each."""
    errors = []
    for path in sorted(directory.glob("*.toml")):
        if not SCENARIO_NAME.fullmatch(path.stem):
            message = f"{path.name}: a scenario's file name is lower-case words joined by hyphens."
            hint = f"Rename {path.name}. {GUIDE}"
            errors.append(Error(message, hint=hint, obj=path.name, id="simulator.E001"))
            continue
        try:
            scenario = parse_scenario(path.stem, tomllib.loads(path.read_text(encoding="utf-8")))
            engine = scenario.run(classify_name=course_classifier)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, EngineError) as exc:
            hint = f"Fix {path.name}. {GUIDE}"
            errors.append(Error(str(exc), hint=hint, obj=path.name, id="simulator.E001"))
            continue
        for number, pause in enumerate(scenario.pauses, start=1):
            if pause.first_match(engine) is None:
                errors.append(
                    Error(
                        f"{path.name}: pause {number} (after {pause.after}) matches no record of "
                        "the scenario's run, so the run never stops there.",
                        hint=f"Point 'after' at a record the log shows. {GUIDE}",
                        obj=path.name,
                        id="simulator.E002",
                    )
                )
    return errors


LEVEL_GUIDE = "See 'A challenge level' in docs/authoring.md."


def check_levels(directory: Path | None = None) -> list[Error]:
    """Every level file must parse, be solved by its stored solution, and not by doing nothing."""
    directory = directory or LEVEL_DIR
    errors = []
    for path in sorted(directory.glob("*.toml")):
        try:
            level = load_level(path.stem, directory)
            verdict = verify(level, course_classifier)
        except (LevelError, EngineError) as exc:
            hint = f"Fix {path.name}. {LEVEL_GUIDE}"
            errors.append(Error(str(exc), hint=hint, obj=path.name, id="simulator.E003"))
            continue
        if not verdict.solution_solves:
            failing = "; ".join(r.text for r in verdict.solution if not r.holds)
            errors.append(
                Error(
                    f"{path.name}: the stored solution leaves parts of the goal unmet: {failing}",
                    hint=f"Fix the solution or the goal; `manage.py challenge {level.name} --check`"
                    f" shows each part. {LEVEL_GUIDE}",
                    obj=path.name,
                    id="simulator.E004",
                )
            )
        if verdict.empty_solves:
            errors.append(
                Error(
                    f"{path.name}: doing nothing already meets every part of the goal.",
                    hint=f"Add a part that only an action can make true. {LEVEL_GUIDE}",
                    obj=path.name,
                    id="simulator.E005",
                )
            )
    return errors


@register("content")
def scenario_check(app_configs=None, **kwargs) -> list[Error]:
    return check_scenarios() + check_levels()
