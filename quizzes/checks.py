"""`manage.py check` validates the quiz banks, so a wrong answer key fails CI, not a learner.

Structure comes from the loader (quizzes.banks); truth from quizzes.verify.verify_question: the
naming checker must agree with every classify question and the engine must bear out exactly one
choice of every predict question.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from quizzes.banks import BANKS_DIR, BankError, Quiz, load_banks
from quizzes.misconceptions import CATALOGUE_PATH, Catalogue, load_catalogue
from quizzes.verify import longest_right_share, misconception_problems, verify_question

LESSON_FILE_RE = re.compile(r"^\d{2}-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
HINT = "See docs/quizzes.md."


def lesson_slugs(lessons_dir: Path) -> set[str]:
    """Lesson slugs from the file names (the lessons' own check keeps names and slugs equal)."""
    return {
        match.group(1)
        for path in lessons_dir.glob("*.md")
        if (match := LESSON_FILE_RE.match(path.name))
    }


def scenario_names() -> set[str]:
    from simulator.engine import list_scenarios

    return set(list_scenarios())


# Above this share of choice items, "pick the longest" becomes a winning strategy.
MAX_LONGEST_RIGHT = 0.4


def level_names() -> set[str]:
    from simulator.engine.levels import LEVEL_DIR

    return {path.stem for path in LEVEL_DIR.glob("*.toml")}


def check_catalogue(catalogue: Catalogue, *, lessons: set[str], levels: set[str]) -> list[Error]:
    """The catalogue's own problems: its structure, and lessons or levels that do not exist."""
    name = CATALOGUE_PATH.name
    errors = [
        Error(f"{name}: {message}", hint=HINT, obj=name, id="quizzes.E005")
        for message in catalogue.problems
    ]
    for m in catalogue.misconceptions:
        if m.lesson not in lessons:
            errors.append(
                Error(f"{name}: misconception {m.id!r} names the unknown lesson {m.lesson!r}.",
                      hint=HINT, obj=name, id="quizzes.E006")
            )  # fmt: skip
        if m.level not in levels:
            errors.append(
                Error(f"{name}: misconception {m.id!r} names the unknown level {m.level!r}.",
                      hint="Level ids are the file names in simulator/levels/.", obj=name,
                      id="quizzes.E007")
            )  # fmt: skip
    return errors


def check_misconceptions(quizzes: tuple[Quiz, ...], catalogue: Catalogue) -> list[Error]:
    """Every wrong choice names a known misconception and says something of its own; and the
    right answer is not the longest choice by habit."""
    errors = []
    known = set(catalogue.by_id)
    for quiz in quizzes:
        name = quiz.path.name if quiz.path else quiz.slug
        for question in quiz.questions:
            try:
                found = misconception_problems(question, known)
            except BankError:
                continue  # a predict question the engine does not bear out: E004 says so
            for kind, message in found:
                errors.append(
                    Error(f"{name}: {message}", hint=HINT, obj=name,
                          id="quizzes.E008" if kind == "unknown" else "quizzes.E009")
                )  # fmt: skip
    share, counted = longest_right_share(q for quiz in quizzes for q in quiz.questions)
    if counted and share > MAX_LONGEST_RIGHT:
        errors.append(
            Error(
                f"The right answer is the longest choice in {share:.0%} of the {counted} items "
                f"with choices; keep it under {MAX_LONGEST_RIGHT:.0%} so length gives nothing "
                "away.",
                hint="Lengthen a wrong choice or tighten the right one.",
                id="quizzes.E010",
            )
        )
    return errors


def check_banks(
    *, banks_dir: Path, lessons_dir: Path, catalogue: Catalogue | None = None
) -> list[Error]:
    banks = load_banks(banks_dir)
    errors = [
        Error(f"{name}: {message}" if name else message, hint=HINT, obj=name or None,
              id="quizzes.E001")
        for name, message in banks.problems
    ]  # fmt: skip
    if not banks.quizzes and not banks.problems:
        errors.append(Error(f"No quiz banks in {banks_dir}.", hint=HINT, id="quizzes.E002"))
    lessons = lesson_slugs(lessons_dir)
    scenarios = scenario_names()
    for quiz in banks.quizzes:
        name = quiz.path.name if quiz.path else quiz.slug
        for slug in quiz.lessons:
            if slug not in lessons:
                errors.append(
                    Error(f"{name}: `lessons` names the unknown lesson {slug!r}.", hint=HINT,
                          obj=name, id="quizzes.E003")
                )  # fmt: skip
        for question in quiz.questions:
            for message in verify_question(question, lessons=lessons, scenarios=scenarios):
                errors.append(Error(f"{name}: {message}", hint=HINT, obj=name, id="quizzes.E004"))
    if catalogue is not None:
        errors += check_catalogue(catalogue, lessons=lessons, levels=level_names())
        errors += check_misconceptions(banks.quizzes, catalogue)
    return errors


@register("content")
def quiz_banks_check(app_configs=None, **kwargs) -> list[Error]:
    from courseware.content import CONTENT_DIR

    content = Path(getattr(settings, "COURSE_CONTENT_DIR", None) or CONTENT_DIR)
    return check_banks(
        banks_dir=Path(getattr(settings, "QUIZ_BANKS_DIR", None) or BANKS_DIR),
        lessons_dir=content / "lessons",
        catalogue=load_catalogue(
            Path(getattr(settings, "QUIZ_MISCONCEPTIONS", None) or CATALOGUE_PATH)
        ),
    )
