"""`manage.py check` loads every guided scenario, so a broken one fails CI rather than a lesson.

simulator.E001 a scenario file that does not parse or breaks the format (for instance a pause
               without its explanation)
simulator.E002 a pause that the scenario's own run never reaches, so its text would never show
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.core.checks import Error, register

from simulator.engine.errors import EngineError
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
            engine = scenario.run()
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


@register("content")
def scenario_check(app_configs=None, **kwargs) -> list[Error]:
    return check_scenarios()
