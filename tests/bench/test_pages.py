"""bench/pages.py in small: it serves the pages it names and ends with its RESULT line."""

import re
import subprocess
import sys

from bench.harness import ROOT

RESULT = re.compile(
    r"^RESULT lesson_rps=(\d+\.\d) minimal_rps=(\d+\.\d) ratio=(\d+\.\d\d) lesson_kb=(\d+\.\d)$"
)


def test_the_pages_bench_runs_and_prints_its_result_line():
    finished = subprocess.run(
        [sys.executable, "bench/pages.py", "--seconds", "0.3", "--rounds", "1", "--clients", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.strip().splitlines()
    match = RESULT.match(lines[-1])
    assert match, lines[-1]
    lesson_rps, minimal_rps, ratio, lesson_kb = map(float, match.groups())
    assert lesson_rps > 0
    assert minimal_rps > 0
    assert abs(ratio - lesson_rps / minimal_rps) < 0.02
    assert lesson_kb > 1, "a lesson page is more than a kilobyte of HTML"
    for page in (
        "| minimal | /bench/minimal/",
        "| lesson | /lessons/",
        "| outline | / |",
        "| quiz | /quizzes/",
        "| lesson, state not kept | /lessons/",
    ):
        assert page in finished.stdout


def test_the_minimal_view_exists_only_for_the_bench(client):
    assert client.get("/bench/minimal/").status_code == 404
