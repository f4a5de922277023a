"""``manage.py simulate``: list, narrate, JSON lines, and clear refusals."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from simulator.engine import list_scenarios, load_scenario

ROOT = Path(__file__).resolve().parents[2]


def simulate(*args):
    out = StringIO()
    call_command("simulate", *args, stdout=out)
    return out.getvalue()


def test_list_names_every_scenario_with_its_title():
    lines = simulate("--list").splitlines()
    assert [line.split()[0] for line in lines] == list_scenarios()
    assert lines[0].endswith(load_scenario("order-flow").title)


def test_text_is_one_sentence_per_record():
    lines = simulate("email-down").splitlines()
    assert lines[0] == "Email is down (seed 3)"
    engine = load_scenario("email-down").run()
    assert len(lines) == 1 + len(engine.trace)
    assert "t=45 OrderPlaced (event) waits in Email's buffer" in "\n".join(lines)


def test_jsonl_is_one_record_per_line():
    lines = simulate("order-flow", "--format", "jsonl").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == list(range(len(records)))
    assert {
        "t",
        "step",
        "message",
        "kind",
        "id",
        "correlation_id",
        "causation_id",
        "from",
        "to",
    } <= set(records[0])


def test_the_seed_can_be_chosen():
    assert simulate("order-flow", "--seed", "77").splitlines()[0].endswith("(seed 77)")
    assert simulate("order-flow", "--seed", "77") == simulate("order-flow", "--seed", "77")


def test_an_unknown_scenario_is_a_clear_error_with_exit_code_2():
    with pytest.raises(CommandError, match="order-flow") as info:
        simulate("order-flood")
    assert info.value.returncode == 2


def test_a_missing_name_is_an_error_with_exit_code_2():
    with pytest.raises(CommandError) as info:
        simulate()
    assert info.value.returncode == 2


def test_from_the_shell_bad_names_and_options_exit_with_2():
    for args in (["nope"], ["order-flow", "--format", "xml"], ["order-flow", "--seed", "x"]):
        result = subprocess.run(
            [sys.executable, "manage.py", "simulate", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2, args
        assert result.stderr.strip()
        assert not result.stdout
