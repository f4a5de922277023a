import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.systems.helpers import DOCUMENTS

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run(
        [sys.executable, "manage.py", "asyncapi", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_smells_give_exit_status_1_and_one_json_object_per_line():
    result = run(DOCUMENTS / "streetlights-kafka-3.1.yml", "--format", "json")
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert set(lines[0]) == {
        "message", "channel", "kind_by_name", "kind_by_shape", "kind", "smells", "rename"
    }  # fmt: skip
    dim = next(line for line in lines if line["message"] == "dimLight")
    assert dim["smells"] == ["command-in-disguise"]
    assert dim["rename"] == "lightDimmed"


def test_a_clean_document_gives_exit_status_0(tmp_path):
    result = run(DOCUMENTS / "rpc-server-3.1.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sendSumResult on queue: command" in result.stdout


@pytest.mark.parametrize(
    "content",
    ["asyncapi: 3.0.0\ninfo: [", "asyncapi: 3.0.0\ninfo: {title: T}\n", "x-a: &a [*a]\n"],
)
def test_an_unusable_document_gives_exit_status_2_and_one_line(tmp_path, content):
    path = tmp_path / "doc.yaml"
    path.write_text(content)
    result = run(path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_remote_reference_and_a_missing_file_give_exit_status_2():
    assert run(DOCUMENTS / "adeo-kafka-request-reply-3.1.yml").returncode == 2
    missing = run(DOCUMENTS / "no-such-file.yml")
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
