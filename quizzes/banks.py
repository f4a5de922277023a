"""Quiz banks: one TOML file per quiz in ``quizzes/content/banks/<slug>.toml``.

Pure Python, no Django. :func:`parse_bank` reads one file and reports every structural problem it
finds (unknown type, missing field, duplicate id...) instead of stopping at the first, so the
system check can list them all; a question with a problem is left out of the quiz. Whether a
bank's answers are *true* (the naming checker agrees, the engine run bears a prediction out) is
for :func:`quizzes.grading.verify_question`, which needs the checker and the engine.

A bank looks like this (see docs/quizzes.md for every field)::

    slug = "naming"
    title = "The grammatical test"
    summary = "One sentence for the quiz list."
    lessons = ["grammatical-test"]

    [[question]]
    id = "refund-issued"
    type = "classify"
    name = "refund_issued"
    answer = "event"
    explanation = "Why, and why the tempting wrong answer is wrong."
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

BANKS_DIR = Path(__file__).resolve().parent / "content" / "banks"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = ("event", "command")
QUESTION_TYPES = (
    "classify",
    "rename",
    "choice",
    "select",
    "twotier",
    "spotbug",
    "truefalse",
    "predict",
    "order",
)
# Types whose wrong answers are listed choices, each owing a misconception and its feedback.
CHOICE_TYPES = ("choice", "select", "twotier", "spotbug", "predict")
MIN_QUESTIONS = 1
MAX_CHOICES = 6
MAX_ITEMS = 8

QUIZ_KEYS = frozenset({"slug", "title", "summary", "order", "lessons", "question"})
COMMON_KEYS = frozenset(
    {"id", "type", "prompt", "explanation", "hint", "lesson", "misconception", "feedback"}
)
TYPE_KEYS = {
    "classify": frozenset({"name", "answer", "generate"}),
    "rename": frozenset({"name", "target", "accept"}),
    "choice": frozenset({"choices", "answer"}),
    "select": frozenset({"choices"}),
    "twotier": frozenset({"choices", "answer", "reasons", "reason"}),
    "spotbug": frozenset({"choices", "answer"}),
    "truefalse": frozenset({"answer"}),
    "predict": frozenset({"scenario", "inputs", "seed", "choices", "answer"}),
    "order": frozenset({"items"}),
}
GENERATE_KEYS = frozenset({"verbs", "nouns", "styles"})
STYLES = ("pascal", "camel", "snake", "kebab", "dotted")


class BankError(ValueError):
    """A problem in a bank file, worded for the person who writes it."""


@dataclass(frozen=True)
class Choice:
    text: str
    check: Mapping[str, Any] | None = None
    feedback: str = ""  # what a learner who picks this wrong choice is told
    misconception: str = ""  # the catalogue id of the belief this wrong choice stands for
    correct: bool = False  # for ``select``: one of the choices to tick


@dataclass(frozen=True)
class Generator:
    """Verb and noun banks a classify question draws a fresh name from on every attempt."""

    verbs: tuple[str, ...]
    nouns: tuple[str, ...]
    styles: tuple[str, ...] = ("pascal",)


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    explanation: str
    prompt: str = ""
    hint: str = ""
    lesson: str = ""
    name: str = ""
    target: str = ""
    answer: Any = None
    choices: tuple[Choice, ...] = ()
    items: tuple[str, ...] = ()
    scenario: str = ""
    inputs: tuple[Mapping[str, Any], ...] = ()
    seed: int = 0
    generate: Generator | None = None
    # For ``rename``: other honest names for the same moment, right even with another verb
    # (SendWelcomeEmail may become the fact that prompted it, UserRegistered).
    accept: tuple[str, ...] = ()
    # For ``twotier``: the second tier, the reason for the first tier's answer.
    reasons: tuple[Choice, ...] = ()
    reason: int | None = None
    # For types without listed choices: the belief a wrong answer shows, and what to tell it.
    misconception: str = ""
    feedback: str = ""

    @property
    def choice_texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.choices)

    @property
    def right_choices(self) -> frozenset[int]:
        """Bank indices of the right choices where the bank states them (not for predict)."""
        if self.type == "select":
            return frozenset(i for i, c in enumerate(self.choices) if c.correct)
        if self.type in ("choice", "twotier", "spotbug") and self.answer is not None:
            return frozenset({self.answer})
        return frozenset()


@dataclass(frozen=True)
class Quiz:
    slug: str
    title: str
    summary: str
    lessons: tuple[str, ...]
    questions: tuple[Question, ...]
    path: Path | None = field(default=None, compare=False)
    order: int = 0

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def lesson_for(self, question: Question) -> str:
        return question.lesson or (self.lessons[0] if self.lessons else "")


@dataclass(frozen=True)
class Banks:
    quizzes: tuple[Quiz, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()  # (file name, message)

    @property
    def by_slug(self) -> dict[str, Quiz]:
        return {quiz.slug: quiz for quiz in self.quizzes}


def _text(raw: Mapping, key: str, where: str, problems: list[str], *, required=True) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            problems.append(f"{where}: `{key}` is missing.")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}: `{key}` must be a non-empty string.")
        return ""
    return value.strip()


def _strings(raw: Mapping, key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: `{key}` must be an array of non-empty strings.")
        return ()
    return tuple(v.strip() for v in value)


def _unknown(raw: Mapping, allowed: frozenset[str], where: str, problems: list[str]) -> None:
    for key in raw:
        if key not in allowed:
            problems.append(f"{where}: unknown key `{key}`.")


CHOICE_KEYS = frozenset({"text", "feedback", "misconception"})


def _choices(
    raw: Mapping,
    where: str,
    problems: list[str],
    *,
    checks: bool,
    key: str = "choices",
    flags: bool = False,
) -> tuple[Choice, ...]:
    """A list of choices: plain strings, or tables with ``text`` and, for a wrong choice,
    ``misconception`` and ``feedback`` (``check`` for predict, ``correct`` for select)."""
    value = raw.get(key)
    if not isinstance(value, list) or not 2 <= len(value) <= MAX_CHOICES:
        problems.append(f"{where}: `{key}` must list 2 to {MAX_CHOICES} answers.")
        return ()
    allowed = CHOICE_KEYS | ({"check"} if checks else set()) | ({"correct"} if flags else set())
    choices = []
    for i, item in enumerate(value, 1):
        label = f"{where} {key[:-1]} {i}"
        if isinstance(item, str) and not checks:
            if not item.strip():
                problems.append(f"{label}: the text is empty.")
                return ()
            choices.append(Choice(text=item.strip()))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            needs = "`text` and `check`" if checks else "`text`"
            problems.append(f"{label}: must be a table with {needs}.")
            return ()
        _unknown(item, frozenset(allowed), label, problems)
        check = item.get("check")
        if checks and (not isinstance(check, dict) or not check):
            problems.append(f"{label}: needs a `check` table (a trace predicate).")
            return ()
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            problems.append(f"{label}: `correct` must be true or false.")
            return ()
        choices.append(
            Choice(
                text=item["text"].strip(),
                check=check if checks else None,
                feedback=_text(item, "feedback", label, problems, required=False),
                misconception=_text(item, "misconception", label, problems, required=False),
                correct=correct,
            )
        )
    texts = [c.text for c in choices]
    if len(set(texts)) != len(texts):
        problems.append(f"{where}: two of the `{key}` have the same text.")
    return tuple(choices)


def _answer_index(raw: Mapping, n: int, where: str, problems: list[str], *, required: bool):
    if "answer" not in raw:
        if required:
            problems.append(
                f"{where}: `answer` (the index of the right choice, from 0) is missing."
            )
        return None
    value = raw["answer"]
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < max(n, 1):
        problems.append(f"{where}: `answer` must index one of the {n} choices (from 0).")
        return None
    return value


def _generator(raw: Any, where: str, problems: list[str]) -> Generator | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: `generate` must be a table with `verbs` and `nouns`.")
        return None
    _unknown(raw, GENERATE_KEYS, f"{where} generate", problems)
    verbs = _strings(raw, "verbs", f"{where} generate", problems)
    nouns = _strings(raw, "nouns", f"{where} generate", problems)
    styles = _strings(raw, "styles", f"{where} generate", problems) or ("pascal",)
    if not verbs or not nouns:
        problems.append(f"{where}: `generate` needs at least one verb and one noun.")
        return None
    bad = [s for s in styles if s not in STYLES]
    if bad:
        problems.append(f"{where}: unknown style(s) {', '.join(bad)}; use {', '.join(STYLES)}.")
        return None
    return Generator(verbs=verbs, nouns=nouns, styles=styles)


def parse_question(raw: Any, where: str, problems: list[str]) -> Question | None:
    """One ``[[question]]`` table, or None (with the reasons appended to ``problems``)."""
    before = len(problems)
    if not isinstance(raw, dict):
        problems.append(f"{where}: a question is a table.")
        return None
    qid = _text(raw, "id", where, problems)
    if qid and not SLUG_RE.match(qid):
        problems.append(f"{where}: id {qid!r} must be kebab-case (a-z, 0-9, -).")
    if qid:
        where = f"question {qid!r}"
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        problems.append(f"{where}: unknown type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}.")
        return None
    _unknown(raw, COMMON_KEYS | TYPE_KEYS[qtype], where, problems)
    explanation = _text(raw, "explanation", where, problems)
    fields: dict[str, Any] = {
        "prompt": _text(
            raw, "prompt", where, problems, required=qtype not in ("classify", "rename")
        ),
        "hint": _text(raw, "hint", where, problems, required=False),
        "lesson": _text(raw, "lesson", where, problems, required=False),
        "misconception": _text(raw, "misconception", where, problems, required=False),
        "feedback": _text(raw, "feedback", where, problems, required=False),
    }
    if qtype in CHOICE_TYPES and (fields["misconception"] or fields["feedback"]):
        problems.append(
            f"{where}: a {qtype} question ties each wrong choice to its own `misconception` "
            "and `feedback`, not the question."
        )
    if qtype == "classify":
        if "generate" in raw:
            fields["generate"] = _generator(raw["generate"], where, problems)
            if "name" in raw or "answer" in raw:
                problems.append(f"{where}: a generated question has no `name` or `answer`.")
        else:
            fields["name"] = _text(raw, "name", where, problems)
            answer = raw.get("answer")
            if answer is not None and answer not in KINDS:
                problems.append(f'{where}: `answer` must be "event" or "command".')
            fields["answer"] = answer
    elif qtype == "rename":
        fields["name"] = _text(raw, "name", where, problems)
        fields["target"] = _text(raw, "target", where, problems)
        if fields["target"] and fields["target"] not in KINDS:
            problems.append(f'{where}: `target` must be "event" or "command".')
        fields["accept"] = _strings(raw, "accept", where, problems)
    elif qtype == "choice":
        fields["choices"] = _choices(raw, where, problems, checks=False)
        fields["answer"] = _answer_index(
            raw, len(fields["choices"]), where, problems, required=True
        )
    elif qtype == "spotbug":
        # The choices are the steps of a message flow, shown in the bank's order; `answer`
        # is the faulty step.
        fields["choices"] = _choices(raw, where, problems, checks=False)
        fields["answer"] = _answer_index(
            raw, len(fields["choices"]), where, problems, required=True
        )
    elif qtype == "select":
        fields["choices"] = _choices(raw, where, problems, checks=False, flags=True)
        right = sum(c.correct for c in fields["choices"])
        if fields["choices"] and not 1 <= right < len(fields["choices"]):
            problems.append(
                f"{where}: mark at least one choice `correct = true` and leave at least one wrong."
            )
    elif qtype == "twotier":
        fields["choices"] = _choices(raw, where, problems, checks=False)
        fields["answer"] = _answer_index(
            raw, len(fields["choices"]), where, problems, required=True
        )
        fields["reasons"] = _choices(raw, where, problems, checks=False, key="reasons")
        reason = raw.get("reason")
        if (
            not isinstance(reason, int)
            or isinstance(reason, bool)
            or not 0 <= reason < max(len(fields["reasons"]), 1)
        ):
            problems.append(
                f"{where}: `reason` must index one of the {len(fields['reasons'])} reasons "
                "(from 0)."
            )
        else:
            fields["reason"] = reason
    elif qtype == "truefalse":
        if not isinstance(raw.get("answer"), bool):
            problems.append(f"{where}: `answer` must be true or false.")
        fields["answer"] = raw.get("answer")
    elif qtype == "predict":
        scenario, inputs = raw.get("scenario"), raw.get("inputs")
        if (scenario is None) == (inputs is None):
            problems.append(f"{where}: give either `scenario` or `inputs`, not both or neither.")
        elif scenario is not None:
            fields["scenario"] = _text(raw, "scenario", where, problems)
        elif (
            not isinstance(inputs, list)
            or not inputs
            or not all(isinstance(i, dict) and "action" in i for i in inputs)
        ):
            problems.append(f"{where}: `inputs` is an array of tables, each with an `action`.")
        else:
            fields["inputs"] = tuple(inputs)
        seed = raw.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            problems.append(f"{where}: `seed` must be a whole number, 0 or more.")
        else:
            fields["seed"] = seed
        fields["choices"] = _choices(raw, where, problems, checks=True)
        fields["answer"] = _answer_index(
            raw, len(fields["choices"]), where, problems, required=False
        )
    elif qtype == "order":
        items = _strings(raw, "items", where, problems)
        if items and not 2 <= len(items) <= MAX_ITEMS:
            problems.append(f"{where}: `items` must list 2 to {MAX_ITEMS} things to put in order.")
        elif len(set(items)) != len(items):
            problems.append(f"{where}: two items have the same text.")
        fields["items"] = items
    if len(problems) > before:
        return None
    return Question(id=qid, type=qtype, explanation=explanation, **fields)


def parse_bank(path: Path) -> tuple[Quiz | None, list[str]]:
    """A quiz and the problems found; the quiz holds only the questions without problems."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"cannot be read: {exc}"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"is not valid TOML: {exc}"]
    problems: list[str] = []
    _unknown(data, QUIZ_KEYS, "the quiz", problems)
    slug = _text(data, "slug", "the quiz", problems)
    if slug and not SLUG_RE.match(slug):
        problems.append(f"the quiz: slug {slug!r} must be kebab-case.")
    if slug and slug != path.stem:
        problems.append(f"the quiz: slug {slug!r} should match the file name {path.stem}.toml.")
    title = _text(data, "title", "the quiz", problems)
    summary = _text(data, "summary", "the quiz", problems)
    lessons = _strings(data, "lessons", "the quiz", problems)
    order = data.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        problems.append("the quiz: `order` must be a whole number.")
        order = 0
    raw_questions = data.get("question")
    if not isinstance(raw_questions, list) or len(raw_questions) < MIN_QUESTIONS:
        problems.append("the quiz: add at least one [[question]] table.")
        raw_questions = []
    questions, seen = [], set()
    for index, raw in enumerate(raw_questions, 1):
        question = parse_question(raw, f"question #{index}", problems)
        if question is None:
            continue
        if question.id in seen:
            problems.append(f"question {question.id!r}: the id is used twice in this quiz.")
            continue
        seen.add(question.id)
        questions.append(question)
    if not slug or not title:
        return None, problems
    quiz = Quiz(
        slug=slug,
        title=title,
        summary=summary,
        lessons=lessons,
        questions=tuple(questions),
        path=path,
        order=order,
    )
    return quiz, problems


def _signature(directory: Path) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime) for p in directory.glob("*.toml")))


def load_banks(directory: Path | None = None) -> Banks:
    """Every quiz in ``directory``; parsed again only when a file changes."""
    directory = Path(directory or BANKS_DIR)
    if not directory.is_dir():
        return Banks(problems=(("", f"the quiz folder {directory} does not exist."),))
    return _load(directory, _signature(directory))


@lru_cache(maxsize=8)
def _load(directory: Path, _signature: tuple) -> Banks:
    quizzes, problems, slugs = [], [], {}
    for path in sorted(directory.glob("*.toml")):
        quiz, found = parse_bank(path)
        problems += [(path.name, message) for message in found]
        if quiz is None:
            continue
        if quiz.slug in slugs:
            problems.append(
                (path.name, f"the slug {quiz.slug!r} is also used by {slugs[quiz.slug]}.")
            )
            continue
        slugs[quiz.slug] = path.name
        quizzes.append(quiz)
    quizzes.sort(key=lambda quiz: (quiz.order, quiz.slug))
    return Banks(quizzes=tuple(quizzes), problems=tuple(problems))
