"""The course as data: lessons are Markdown files with TOML front matter.

This module only parses and validates; it knows nothing of URLs or templates, so the system check,
the views and the tests all read the same objects. `docs/authoring.md` is the authors' contract.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from contentfiles import load_folder, read_text

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# One object for every load: contentfiles keys its caches on it, and a Path keeps its hash.
LESSON_DIR = CONTENT_DIR / "lessons"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER_RE = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n?(.*)\Z", re.DOTALL)
TRY_KINDS = ("scenario", "naming-checker")


class ContentError(ValueError):
    """A content file that cannot be served; the message names the file and the fix.

    `code` says which rule was broken, so the system check can report each kind of mistake
    under its own id.
    """

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CheckQuestion:
    id: str
    prompt: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    # One hint per choice, aimed at the misunderstanding behind it; "" for the right answer.
    hints: tuple[str, ...] = ()

    def hint_for(self, choice: int) -> str:
        return self.hints[choice] if 0 <= choice < len(self.hints) else ""


@dataclass(frozen=True)
class TryIt:
    kind: str
    label: str
    prompt: str = ""
    scenario: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    order: int
    summary: str
    body: str
    path: Path
    minutes: int = 5
    topics: tuple[int, ...] = ()
    objectives: tuple[str, ...] = ()
    takeaways: tuple[str, ...] = ()
    tries: tuple[TryIt, ...] = ()
    checks: tuple[CheckQuestion, ...] = ()

    def check(self, question_id: str) -> CheckQuestion | None:
        return next((q for q in self.checks if q.id == question_id), None)


@dataclass(frozen=True)
class Course:
    lessons: tuple[Lesson, ...] = ()
    by_slug: dict[str, Lesson] = field(default_factory=dict)

    def neighbours(self, slug: str) -> tuple[Lesson | None, Lesson | None]:
        index = next(i for i, lesson in enumerate(self.lessons) if lesson.slug == slug)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    match = FRONT_MATTER_RE.match(text)
    if not match:
        raise ContentError(f"{path.name}: must start with TOML front matter between '+++' lines.")
    try:
        meta = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: front matter is not valid TOML ({exc}).") from exc
    return meta, match.group(2)


def _text(meta: dict, key: str, where: str, *, required: bool = True) -> str:
    value = meta.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ContentError(f"{where}: '{key}' must be a non-empty string.")
    return value.strip()


def _texts(meta: dict, key: str, where: str) -> tuple[str, ...]:
    value = meta.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{where}: '{key}' must be a list of non-empty strings.")
    return tuple(v.strip() for v in value)


def _int(meta: dict, key: str, where: str, default: int | None = None) -> int:
    value = meta.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ContentError(f"{where}: '{key}' must be a whole number.")
    return value


def parse_check(raw: dict, where: str) -> CheckQuestion:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: each [[check]] must be a table.")
    qid = _text(raw, "id", where)
    if not SLUG_RE.match(qid):
        raise ContentError(f"{where}: check id {qid!r} must be kebab-case.")
    where = f"{where} check {qid!r}"
    choices = _texts(raw, "choices", where)
    if len(choices) < 2:
        raise ContentError(f"{where}: needs at least two choices.")
    answer = _int(raw, "answer", where)
    if not 0 <= answer < len(choices):
        raise ContentError(
            f"{where}: answer {answer} is not the index of a choice (counting from 0).",
            code="answer-out-of-range",
        )
    explanation = raw.get("explanation", "")
    if not isinstance(explanation, str) or not explanation.strip():
        raise ContentError(
            f"{where}: a question without an explanation teaches nothing; add one.",
            code="no-explanation",
        )
    hints = raw.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        raise ContentError(f"{where}: 'hints' must be a list of strings, one per choice.")
    return CheckQuestion(
        qid,
        _text(raw, "prompt", where),
        choices,
        answer,
        explanation.strip(),
        hints=tuple(h.strip() for h in hints),
    )


def hint_problems(question: CheckQuestion) -> list[str]:
    """Why a question's hints cannot guide a learner before the answer is shown, if they can't.

    Every wrong choice needs its own hint and the right one none: a hint there would be read as
    "wrong" by a learner who picked the right answer.
    """
    if len(question.hints) != len(question.choices):
        return [
            f"'hints' has {len(question.hints)} entries for {len(question.choices)} choices; "
            "give one per choice, in the same order"
        ]
    problems = []
    for index, (choice, hint) in enumerate(zip(question.choices, question.hints, strict=True)):
        if index == question.answer and hint:
            problems.append(f"the right answer ({choice!r}) has a hint; leave its entry empty")
        elif index != question.answer and not hint:
            problems.append(f"the wrong choice {choice!r} has no hint")
    return problems


def parse_try(raw: dict, where: str) -> TryIt:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: each [[try]] must be a table.")
    kind = _text(raw, "kind", where)
    if kind not in TRY_KINDS:
        raise ContentError(f"{where}: try kind {kind!r} is not one of {', '.join(TRY_KINDS)}.")
    scenario = _text(raw, "scenario", where) if kind == "scenario" else ""
    return TryIt(
        kind=kind,
        label=_text(raw, "label", where),
        prompt=_text(raw, "prompt", where, required=False),
        scenario=scenario,
        examples=_texts(raw, "examples", where),
    )


def parse_lesson(path: Path, text: str | None = None) -> Lesson:
    """One lesson from its file, or from `text` already read from it."""
    if text is None:
        text = read_text(path, ContentError)
    meta, body = split_front_matter(text, path)
    where = path.name
    slug = _text(meta, "slug", where)
    if not SLUG_RE.match(slug):
        raise ContentError(f"{where}: slug {slug!r} must be lower-case kebab-case.")
    topics = meta.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, int) for t in topics):
        raise ContentError(f"{where}: 'topics' must be a list of syllabus topic numbers.")
    checks = tuple(parse_check(raw, where) for raw in meta.get("check", []))
    ids = [q.id for q in checks]
    if len(ids) != len(set(ids)):
        raise ContentError(f"{where}: two check questions share an id.")
    return Lesson(
        slug=slug,
        title=_text(meta, "title", where),
        order=_int(meta, "order", where),
        summary=_text(meta, "summary", where),
        minutes=_int(meta, "minutes", where, default=5),
        topics=tuple(topics),
        objectives=_texts(meta, "objectives", where),
        takeaways=_texts(meta, "takeaways", where),
        tries=tuple(parse_try(raw, where) for raw in meta.get("try", [])),
        checks=checks,
        body=body,
        path=path,
    )


def load_course(directory: Path | None = None) -> Course:
    """All lessons in order; re-read only when a file under the directory changed."""
    directory = directory or LESSON_DIR
    return load_folder(directory, "*.md", _course, parse=parse_lesson, error=ContentError)


def _course(parsed: list[tuple[Path, Lesson]]) -> Course:
    lessons = sorted((lesson for _, lesson in parsed), key=lambda x: (x.order, x.slug))
    by_slug: dict[str, Lesson] = {}
    for lesson in lessons:
        if lesson.slug in by_slug:
            raise ContentError(
                f"{lesson.path.name}: slug {lesson.slug!r} is already used by "
                f"{by_slug[lesson.slug].path.name}.",
                code="duplicate-slug",
            )
        by_slug[lesson.slug] = lesson
    return Course(lessons=tuple(lessons), by_slug=by_slug)


@dataclass(frozen=True)
class Cheatsheet:
    title: str
    summary: str
    body: str
    path: Path


def parse_cheatsheet(path: Path | None = None) -> Cheatsheet:
    """The one-page summary: front matter with a title (and an optional summary), then Markdown."""
    path = path or CONTENT_DIR / "cheatsheet.md"
    text = read_text(path, ContentError)
    meta, body = split_front_matter(text, path)
    return Cheatsheet(
        title=_text(meta, "title", path.name),
        summary=_text(meta, "summary", path.name, required=False),
        body=body,
        path=path,
    )
