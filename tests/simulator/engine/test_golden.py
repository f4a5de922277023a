"""Golden traces: every scenario's full trace, checked in as readable text.

A change in the engine that changes a story shows up as a diff of these files. When the change
is intended, regenerate them and review the diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/simulator/engine/test_golden.py

The scenarios run with the test classifier, so the files do not move when the course's grammar
rewords an explanation.
"""

import json
import os
from pathlib import Path

import pytest

from simulator.engine import list_scenarios, load_scenario, narrate

from .conftest import fake_classify

GOLDEN = Path(__file__).resolve().parent / "golden"
_SHOWN = {"seq", "t", "step", "message", "kind"}


def render(name: str) -> str:
    scenario = load_scenario(name)
    engine = scenario.run(classify_name=fake_classify)
    lines = [f"# {scenario.title} ({name}, seed {engine.seed})", ""]
    for record in engine.trace:
        data = record.to_dict()
        lines.append(f"{record.seq:>4} {narrate(record)}")
        rest = {k: v for k, v in data.items() if k not in _SHOWN and v is not None}
        lines.append("     " + json.dumps(rest, sort_keys=True))
    lines.append("")
    lines.append("counters " + json.dumps(engine.counters(), sort_keys=True))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", list_scenarios())
def test_the_trace_matches_the_golden_file(name):
    path = GOLDEN / f"{name}.txt"
    text = render(name)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file for {name}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
