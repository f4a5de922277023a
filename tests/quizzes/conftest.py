from html.parser import HTMLParser
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


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._open: list[list] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            self._open.append([attrs.get("href", ""), attrs.get("aria-label"), []])

    def handle_data(self, data):
        for link in self._open:
            link[2].append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, label, text = self._open.pop()
            self.links.append((" ".join((label or "".join(text)).split()), href))


@pytest.fixture
def same_name_elsewhere():
    """The link names on a page that lead to more than one place, which a screen reader's list
    of links cannot tell apart."""

    def find(html: str) -> dict[str, set[str]]:
        parser = _Links()
        parser.feed(html)
        targets: dict[str, set[str]] = {}
        for name, href in parser.links:
            targets.setdefault(name, set()).add(href)
        return {name: hrefs for name, hrefs in targets.items() if len(hrefs) > 1}

    return find
