import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"name", "kind", "verb", "form", "explanation", "smell"}


def run(*names, stdin=None):
    out = StringIO()
    call_command("classify", *names, stdout=out, stdin=stdin)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_prints_one_json_object_per_name():
    placed, place = run("OrderPlaced", "PlaceOrder")
    assert set(placed) == KEYS
    assert (placed["name"], placed["kind"], placed["verb"], placed["form"]) == (
        "OrderPlaced",
        "event",
        "placed",
        "past",
    )
    assert placed["smell"] is None
    assert place["kind"] == "command"


def test_a_contradiction_carries_its_smell():
    [record] = run("SendEmailEvent")
    assert "command in disguise" in record["smell"]


def test_reads_names_from_standard_input_when_no_argument_is_given():
    records = run(stdin=StringIO("charge.refunded\nsign_up_user\n"))
    assert [(r["name"], r["kind"]) for r in records] == [
        ("charge.refunded", "event"),
        ("sign_up_user", "command"),
    ]


def test_bad_names_are_reported_and_the_rest_carry_on():
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("classify", "OrderPlaced", "", "x" * 201, "42", "PlaceOrder", stdout=out)
    assert raised.value.returncode == 1
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r.get("kind") for r in records] == ["event", None, None, None, "command"]
    errors = [r["error"] for r in records if "error" in r]
    assert len(errors) == 3
    assert "empty" in errors[0]
    assert "200" in errors[1]
    assert "no letters" in errors[2]


def test_exit_codes_from_the_shell():
    good = subprocess.run(
        [sys.executable, "manage.py", "classify", "OrderPlaced"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert good.returncode == 0
    assert json.loads(good.stdout)["kind"] == "event"

    bad = subprocess.run(
        [sys.executable, "manage.py", "classify"],
        cwd=ROOT,
        input="PlaceOrder\n123\n",
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    lines = [json.loads(line) for line in bad.stdout.splitlines()]
    assert lines[0]["kind"] == "command"
    assert "error" in lines[1]
    assert "could not be read" in bad.stderr
