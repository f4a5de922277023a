from pathlib import Path
from textwrap import dedent

import pytest

from quizzes.banks import parse_bank


@pytest.fixture
def write_bank(tmp_path):
    """Writes a bank file into a folder of its own and returns the folder."""
    folder = tmp_path / "quizzes"
    folder.mkdir()

    def write(slug: str, text: str) -> Path:
        (folder / f"{slug}.toml").write_text(dedent(text), encoding="utf-8")
        return folder

    return write


@pytest.fixture
def bank_question(write_bank):
    """Parses one [[question]] table (TOML text) and returns (question, problems)."""

    def parse(text: str):
        folder = write_bank(
            "sample",
            'slug = "sample"\ntitle = "Sample"\nsummary = "s"\nlessons = []\n\n' + dedent(text),
        )
        quiz, problems = parse_bank(folder / "sample.toml")
        question = quiz.questions[0] if quiz and quiz.questions else None
        return question, problems

    return parse


@pytest.fixture
def lessons_dir(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name in ("01-facts-and-requests.md", "02-grammatical-test.md"):
        (folder / name).write_text("+++\n+++\n", encoding="utf-8")
    return folder
