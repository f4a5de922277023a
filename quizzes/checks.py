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

from quizzes.banks import BANKS_DIR, load_banks
from quizzes.verify import verify_question

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


def check_banks(*, banks_dir: Path, lessons_dir: Path) -> list[Error]:
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
    return errors


@register("content")
def quiz_banks_check(app_configs=None, **kwargs) -> list[Error]:
    from courseware.content import CONTENT_DIR

    content = Path(getattr(settings, "COURSE_CONTENT_DIR", None) or CONTENT_DIR)
    return check_banks(
        banks_dir=Path(getattr(settings, "QUIZ_BANKS_DIR", None) or BANKS_DIR),
        lessons_dir=content / "lessons",
    )
