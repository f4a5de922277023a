"""`manage.py check` validates the course content, so a content mistake fails CI, not a learner.

Every problem is reported on its own, with an id per kind of mistake and a hint that names the
fix. The directories come from settings (`COURSE_CONTENT_DIR`, `COURSE_SCENARIOS_DIR`) or from
the function's parameters, so tests can point the check at a folder of their own.

E001 a lesson that does not parse          E011 an answer index out of range
E002 two lessons with one slug             E012 syllabus topics not covered, or not 1 to 10
E003 two lessons with one order            E013 a glossary that does not parse
E004 an unknown scenario in a [[try]]      E014 a cheat sheet that is missing or does not parse
E005 an unknown scenario: link             E015 no simulator scenario folder
E006 an unknown glossary: link             E016 an unknown front-matter key
E007 an unknown term in see_also           E017 a file name that is not NN-slug.md
E008 a broken lesson: link                 E018 no lessons at all
E009 an unknown lesson in a term's lessons E019 repeated choices, or more than five
E010 a check question without explanation
E020 a claim about the order flow that cannot be checked (unknown kind or message, no number)
E021 a wrong sender                        E024 a wrong number of copies
E022 a wrong handler                       E025 a wrong topic
E023 wrong subscribers                     E026 a wrong cause
E027 an unknown generated block (`::: name`)
E028 a challenge level that names an unknown lesson

Claims about the order flow (E020 to E026) are links such as
`[Email and Accounting](flow:subscribers/PaymentCompleted)`, held against one run of the engine's
order flow (courseware/flow.py), so that changing the world without the text fails the check.

E040 a check question without one hint per wrong choice (and none for the right one)
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from courseware.content import (
    CONTENT_DIR,
    ContentError,
    Lesson,
    hint_problems,
    parse_cheatsheet,
    parse_lesson,
    split_front_matter,
)
from courseware.flow import generated_blocks, order_flow_facts
from courseware.glossary import Glossary, parse_glossary
from courseware.rendering import block_names, course_links, flow_claims
from simulator.engine.facts import CLAIM_KINDS, CLAIM_TARGET, FlowFacts, check_claim
from simulator.engine.levels import LEVEL_DIR, LevelError, load_level

SYLLABUS_TOPICS = frozenset(range(1, 11))
LESSON_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
LESSON_KEYS = frozenset(
    {"title", "slug", "order", "summary", "minutes", "topics", "objectives", "takeaways"}
    | {"try", "check"}
)
TRY_KEYS = frozenset({"kind", "scenario", "label", "prompt", "examples"})
CHECK_KEYS = frozenset({"id", "prompt", "choices", "answer", "explanation", "hints"})
MAX_CHOICES = 5
GUIDE = "See docs/authoring.md."

# What a ContentError's code means for the report.
PARSE_ERRORS = {
    "no-explanation": (
        "courseware.E010",
        "Add an explanation that says why the right answer is right.",
    ),
    "answer-out-of-range": (
        "courseware.E011",
        "`answer` counts choices from 0; point it at the right one.",
    ),
}

PARSE_FAILURES = frozenset({"courseware.E001", *(id_ for id_, _ in PARSE_ERRORS.values())})


def _error(id_: str, msg: str, hint: str, obj: Path | str | None = None) -> Error:
    return Error(msg, hint=f"{hint} {GUIDE}", obj=str(obj) if obj else None, id=id_)


def known_scenarios(directory: Path) -> frozenset[str] | None:
    """The simulator's guided scenarios, one per TOML file; None when the folder is missing."""
    if not directory.is_dir():
        return None
    return frozenset(path.stem for path in directory.glob("*.toml"))


def _unknown_keys(path: Path) -> list[str]:
    try:
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError, ContentError):
        return []
    found = [f"'{key}'" for key in meta if key not in LESSON_KEYS]
    for table, allowed in (("try", TRY_KEYS), ("check", CHECK_KEYS)):
        for i, raw in enumerate(meta.get(table) or []):
            if isinstance(raw, dict):
                found += [f"'{key}' in [[{table}]] #{i + 1}" for key in raw if key not in allowed]
    return found


def _slug_of_broken(path: Path) -> str | None:
    """The slug a file that failed to parse meant to have, so one mistake is reported once."""
    try:
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
        slug = meta.get("slug")
        if isinstance(slug, str):
            return slug
    except (OSError, UnicodeDecodeError, ContentError):
        pass
    match = LESSON_FILE_RE.match(path.name)
    return match.group(2) if match else None


def _lessons(directory: Path) -> tuple[list[Lesson], set[str], list[Error]]:
    """The lessons that parse, the slugs of those that do not, and the errors found."""
    lessons, broken, errors = [], set(), []
    if not directory.is_dir():
        return (
            [],
            set(),
            [
                _error(
                    "courseware.E018",
                    f"The lessons folder {directory} does not exist.",
                    "Create it and add the lesson files.",
                )
            ],
        )
    paths = sorted(directory.glob("*.md"))
    if not paths:
        errors.append(
            _error("courseware.E018", "No lessons were found.", "Add lesson files.", directory)
        )
    for path in paths:
        try:
            lesson = parse_lesson(path)
        except ContentError as exc:
            id_, hint = PARSE_ERRORS.get(
                exc.code, ("courseware.E001", "Fix the file so that it parses.")
            )
            errors.append(_error(id_, str(exc), hint, path))
            slug = _slug_of_broken(path)
            if slug:
                broken.add(slug)
            continue
        lessons.append(lesson)
        for key in _unknown_keys(path):
            errors.append(
                _error(
                    "courseware.E016",
                    f"{path.name}: unknown front-matter key {key}.",
                    "Spell the key as the guide does, or remove it.",
                    path,
                )
            )
        match = LESSON_FILE_RE.match(path.name)
        if not match or int(match.group(1)) != lesson.order or match.group(2) != lesson.slug:
            errors.append(
                _error(
                    "courseware.E017",
                    f"{path.name}: the file name should be {lesson.order:02d}-{lesson.slug}.md.",
                    "Name lesson files NN-slug.md, with NN the lesson's order.",
                    path,
                )
            )
        for question in lesson.checks:
            if len(question.choices) > MAX_CHOICES or len(set(question.choices)) != len(
                question.choices
            ):
                errors.append(
                    _error(
                        "courseware.E019",
                        f"{path.name} check {question.id!r}: choices must be two to "
                        f"{MAX_CHOICES} different answers.",
                        "Remove the repeated or surplus choices.",
                        path,
                    )
                )
            for problem in hint_problems(question):
                errors.append(
                    _error(
                        "courseware.E040",
                        f"{path.name} check {question.id!r}: {problem}.",
                        "A first wrong answer shows the hint for the chosen choice, so every "
                        "wrong choice needs one aimed at its mistake, and the right one none.",
                        path,
                    )
                )
    return lessons, broken, errors


def _duplicates(lessons: list[Lesson]) -> list[Error]:
    errors = []
    for attribute, id_, hint in (
        ("slug", "courseware.E002", "Give every lesson its own slug."),
        ("order", "courseware.E003", "Give every lesson its own order number."),
    ):
        holders = defaultdict(list)
        for lesson in lessons:
            holders[getattr(lesson, attribute)].append(lesson.path.name)
        for value, names in holders.items():
            if len(names) > 1:
                msg = f"The lesson {attribute} {value!r} is used by {', '.join(names)}."
                errors.append(_error(id_, msg, hint, names[-1]))
    return errors


def _topics(lessons: list[Lesson], *, complete: bool) -> list[Error]:
    covered = {t for lesson in lessons for t in lesson.topics}
    errors = []
    missing = sorted(SYLLABUS_TOPICS - covered)
    # With a lesson that did not parse, its topics are unknown: report the parse error alone.
    if missing and lessons and complete:
        errors.append(
            _error(
                "courseware.E012",
                f"No lesson covers syllabus topic(s) {', '.join(map(str, missing))}.",
                "Add the topic number to the `topics` of the lesson that teaches it.",
            )
        )
    for lesson in lessons:
        stray = sorted(set(lesson.topics) - SYLLABUS_TOPICS)
        if stray:
            errors.append(
                _error(
                    "courseware.E012",
                    f"{lesson.path.name}: topics {stray} are not syllabus topics (1 to 10).",
                    "Use the topic numbers from the syllabus.",
                    lesson.path,
                )
            )
    return errors


def _links(
    where: Path,
    text: str,
    *,
    lessons: set[str],
    terms: set[str] | None,
    scenarios: frozenset[str] | None,
) -> list[Error]:
    errors = []
    for scheme, target in course_links(text):
        if scheme == "lesson" and target not in lessons:
            errors.append(
                _error(
                    "courseware.E008",
                    f"{where.name}: the link lesson:{target} points to no lesson.",
                    "Use the slug of an existing lesson.",
                    where,
                )
            )
        elif scheme == "glossary" and terms is not None and target not in terms:
            errors.append(
                _error(
                    "courseware.E006",
                    f"{where.name}: the link glossary:{target} points to no glossary term.",
                    "Add the term to glossary.toml or link an existing slug.",
                    where,
                )
            )
        elif scheme == "scenario" and scenarios is not None and target not in scenarios:
            errors.append(
                _error(
                    "courseware.E005",
                    f"{where.name}: the link scenario:{target} names no simulator scenario.",
                    "Use one of: " + ", ".join(sorted(scenarios)) + ".",
                    where,
                )
            )
    return errors


CLAIM_ERRORS = {
    "unreadable": ("courseware.E020", "Write flow:KIND/Message with a kind from {kinds}."),
    "sender": ("courseware.E021", "Name who sends it in the engine's order flow."),
    "handler": ("courseware.E022", "Name the command's handler in the engine's world."),
    "subscribers": ("courseware.E023", "List every subscription of the event's topic."),
    "copies": ("courseware.E024", "Count the subscriptions of the event's topic in the world."),
    "topic": ("courseware.E025", "Use the topic the world publishes the event to."),
    "cause": ("courseware.E026", "Name the message whose handling led to it in the run."),
}


def _claims(where: Path, text: str, facts: FlowFacts, blocks: set[str]) -> list[Error]:
    """Every claim about the order flow in ``text`` that the engine's run does not bear out."""
    errors = []
    for claimed, target in flow_claims(text):
        match = CLAIM_TARGET.match(target)
        if match is None:
            problem = ("unreadable", f"flow:{target} is not of the form flow:kind/Message")
        else:
            problem = check_claim(facts, match["kind"], match["message"], claimed)
        if problem is not None:
            id_, hint = CLAIM_ERRORS[problem[0]]
            errors.append(
                _error(
                    id_,
                    f"{where.name}: [{claimed}](flow:{target}) contradicts the order flow: "
                    f"{problem[1]}.",
                    hint.format(kinds=", ".join(CLAIM_KINDS)),
                    where,
                )
            )
    for name in block_names(text):
        if name not in blocks:
            errors.append(
                _error(
                    "courseware.E027",
                    f"{where.name}: `::: {name}` asks for a block that does not exist.",
                    "Use one of: " + ", ".join(sorted(blocks)) + ".",
                    where,
                )
            )
    return errors


def _glossary(path: Path, lessons: set[str]) -> tuple[Glossary | None, list[Error]]:
    try:
        glossary = parse_glossary(path)
    except ContentError as exc:
        return None, [_error("courseware.E013", str(exc), "Fix glossary.toml.", path)]
    errors = []
    slugs = glossary.slugs
    for term in glossary.terms:
        for other in term.see_also:
            if other not in slugs:
                errors.append(
                    _error(
                        "courseware.E007",
                        f"glossary term {term.slug!r}: see_also names the unknown term {other!r}.",
                        "Use the slug of another term.",
                        path,
                    )
                )
        for lesson in term.lessons:
            if lesson not in lessons:
                errors.append(
                    _error(
                        "courseware.E009",
                        f"glossary term {term.slug!r}: lessons names the unknown lesson "
                        f"{lesson!r}.",
                        "Use the slug of an existing lesson.",
                        path,
                    )
                )
    return glossary, errors


def check_content(
    *, content_dir: Path, scenarios_dir: Path, facts: FlowFacts | None = None
) -> list[Error]:
    """Every problem in the course content, each as its own Error.

    ``facts`` are the order flow's, from the engine unless a test brings its own world's.
    """
    facts = facts if facts is not None else order_flow_facts()
    blocks = set(generated_blocks())
    lessons, broken, errors = _lessons(content_dir / "lessons")
    parsed_all = not any(e.id in PARSE_FAILURES for e in errors)
    errors += _duplicates(lessons)
    errors += _topics(lessons, complete=parsed_all)
    lesson_slugs = {lesson.slug for lesson in lessons} | broken

    scenarios = known_scenarios(scenarios_dir)
    if scenarios is None:
        errors.append(
            _error(
                "courseware.E015",
                f"The simulator's scenario folder {scenarios_dir} does not exist.",
                "Scenario names are checked against its *.toml files.",
            )
        )

    glossary, glossary_errors = _glossary(content_dir / "glossary.toml", lesson_slugs)
    errors += glossary_errors
    terms = set(glossary.slugs) if glossary else None

    for lesson in lessons:
        for block in lesson.tries:
            if (
                block.kind == "scenario"
                and scenarios is not None
                and block.scenario not in scenarios
            ):
                errors.append(
                    _error(
                        "courseware.E004",
                        f"{lesson.path.name}: the try it {block.label!r} names the unknown "
                        f"scenario {block.scenario!r}.",
                        "Use one of: " + ", ".join(sorted(scenarios)) + ".",
                        lesson.path,
                    )
                )
        errors += _links(
            lesson.path, lesson.body, lessons=lesson_slugs, terms=terms, scenarios=scenarios
        )
        errors += _claims(lesson.path, lesson.body, facts, blocks)

    for level_name in sorted(path.stem for path in LEVEL_DIR.glob("*.toml")):
        try:
            lesson_of_level = load_level(level_name).lesson
        except LevelError:
            continue  # simulator.E003 reports it
        if lesson_of_level not in lesson_slugs:
            errors.append(
                _error(
                    "courseware.E028",
                    f"level {level_name}: lesson {lesson_of_level!r} is not a lesson's slug.",
                    "Name the lesson the level practises.",
                    f"{level_name}.toml",
                )
            )

    try:
        sheet = parse_cheatsheet(content_dir / "cheatsheet.md")
    except ContentError as exc:
        errors.append(_error("courseware.E014", str(exc), "Fix cheatsheet.md.", "cheatsheet.md"))
    else:
        errors += _links(
            sheet.path, sheet.body, lessons=lesson_slugs, terms=terms, scenarios=scenarios
        )
        errors += _claims(sheet.path, sheet.body, facts, blocks)
    return errors


def _setting_path(name: str, default: Path) -> Path:
    return Path(getattr(settings, name, None) or default)


@register("content")
def course_content_check(app_configs=None, **kwargs) -> list[Error]:
    return check_content(
        content_dir=_setting_path("COURSE_CONTENT_DIR", CONTENT_DIR),
        scenarios_dir=_setting_path(
            "COURSE_SCENARIOS_DIR", Path(settings.BASE_DIR) / "simulator" / "scenarios"
        ),
    )
