"""The content system check: each kind of mistake is reported with its own id.

Every test copies the real content into a temporary folder, breaks one thing and runs the check
on that folder, so the real course is also proven clean.
"""

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from courseware.checks import check_content, known_scenarios
from courseware.content import CONTENT_DIR

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "simulator" / "scenarios"


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


@pytest.fixture
def scenarios(tmp_path):
    target = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, target)
    return target


def ids(content, scenarios):
    return [e.id for e in check_content(content_dir=content, scenarios_dir=scenarios)]


def lesson_file(content, number=1) -> Path:
    return next((content / "lessons").glob(f"{number:02d}-*.md"))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def edit_re(path: Path, pattern: str, new: str) -> None:
    text, n = re.subn(pattern, new, path.read_text(), count=1, flags=re.MULTILINE)
    assert n == 1, pattern
    path.write_text(text)


def test_the_real_content_is_clean(content, scenarios):
    assert check_content(content_dir=content, scenarios_dir=scenarios) == []


def test_manage_py_check_runs_the_content_check():
    call_command("check", tags=["content"])


def test_known_scenarios_are_the_simulators_scenario_files(scenarios):
    names = known_scenarios(scenarios)
    assert {"order-flow", "email-down", "command-in-disguise"} <= names
    assert known_scenarios(scenarios / "missing") is None


def test_an_unparsable_lesson_is_e001(content, scenarios):
    edit(lesson_file(content), "+++", "+++\nthis is not toml")
    errors = check_content(content_dir=content, scenarios_dir=scenarios)
    assert [e.id for e in errors] == ["courseware.E001"]
    assert "docs/authoring.md" in errors[0].hint


def test_a_duplicate_slug_is_e002(content, scenarios):
    second = lesson_file(content, 2)
    slug = re.search(r'^slug = "(.*)"', lesson_file(content).read_text(), re.M).group(1)
    edit_re(second, r'^slug = ".*"$', f'slug = "{slug}"')
    assert "courseware.E002" in ids(content, scenarios)


def test_a_duplicate_order_is_e003(content, scenarios):
    edit_re(lesson_file(content, 2), r"^order = \d+$", "order = 1")
    assert "courseware.E003" in ids(content, scenarios)


def test_an_unknown_scenario_in_a_try_is_e004(content, scenarios):
    path = next(
        p for p in (content / "lessons").glob("*.md") if 'kind = "scenario"' in p.read_text()
    )
    edit_re(path, r'^scenario = ".*"$', 'scenario = "moon-landing"')
    assert ids(content, scenarios) == ["courseware.E004"]


def test_an_unknown_scenario_link_is_e005(content, scenarios):
    edit(lesson_file(content), "\n## ", "\nSee [it](scenario:moon-landing).\n\n## ")
    assert ids(content, scenarios) == ["courseware.E005"]


def test_an_unknown_glossary_link_is_e006(content, scenarios):
    edit(lesson_file(content), "\n## ", "\nA [gizmo](glossary:gizmo).\n\n## ")
    assert ids(content, scenarios) == ["courseware.E006"]


def test_an_unknown_see_also_term_is_e007(content, scenarios):
    edit(content / "glossary.toml", "see_also = [", 'see_also = ["gizmo", ')
    assert ids(content, scenarios) == ["courseware.E007"]


def test_a_broken_lesson_link_is_e008(content, scenarios):
    edit(lesson_file(content), "\n## ", "\nRead [this](lesson:no-such-lesson).\n\n## ")
    assert ids(content, scenarios) == ["courseware.E008"]


def test_an_unknown_lesson_in_the_glossary_is_e009(content, scenarios):
    edit(content / "glossary.toml", "lessons = [", 'lessons = ["no-such-lesson", ')
    assert ids(content, scenarios) == ["courseware.E009"]


def test_a_question_without_an_explanation_is_e010(content, scenarios):
    edit_re(lesson_file(content), r"^explanation = .*$", 'explanation = ""')
    assert ids(content, scenarios) == ["courseware.E010"]


def test_an_answer_out_of_range_is_e011(content, scenarios):
    edit_re(lesson_file(content), r"^answer = \d+$", "answer = 9")
    assert ids(content, scenarios) == ["courseware.E011"]


def test_a_syllabus_topic_nobody_covers_is_e012(content, scenarios):
    for path in (content / "lessons").glob("*.md"):
        text = re.sub(r"^topics = \[(.*)\]$", _drop_topic_10, path.read_text(), flags=re.M)
        path.write_text(text)
    errors = check_content(content_dir=content, scenarios_dir=scenarios)
    assert [e.id for e in errors] == ["courseware.E012"]
    assert "10" in errors[0].msg


def _drop_topic_10(match):
    kept = [t for t in match.group(1).split(",") if t.strip() and t.strip() != "10"]
    return f"topics = [{', '.join(t.strip() for t in kept) or '1'}]"


def test_a_topic_outside_the_syllabus_is_e012(content, scenarios):
    edit_re(lesson_file(content), r"^topics = \[", "topics = [11, ")
    assert ids(content, scenarios) == ["courseware.E012"]


def test_a_broken_glossary_is_e013(content, scenarios):
    (content / "glossary.toml").write_text("[[term]\n")
    assert "courseware.E013" in ids(content, scenarios)


def test_a_duplicate_glossary_slug_is_e013(content, scenarios):
    path = content / "glossary.toml"
    path.write_text(
        path.read_text() + '\n[[term]]\nslug = "command"\nterm = "X"\ndefinition = "Y"\n'
    )
    assert ids(content, scenarios) == ["courseware.E013"]


def test_a_missing_cheat_sheet_is_e014(content, scenarios):
    (content / "cheatsheet.md").unlink()
    assert ids(content, scenarios) == ["courseware.E014"]


def test_a_broken_link_in_the_cheat_sheet_is_reported(content, scenarios):
    path = content / "cheatsheet.md"
    path.write_text(path.read_text() + "\n[more](lesson:no-such-lesson)\n")
    assert ids(content, scenarios) == ["courseware.E008"]


def test_a_missing_scenario_folder_is_e015(content, tmp_path):
    assert ids(content, tmp_path / "nowhere") == ["courseware.E015"]


def test_an_unknown_front_matter_key_is_e016(content, scenarios):
    edit(lesson_file(content), "+++\n", '+++\nobjective = "typo"\n')
    assert ids(content, scenarios) == ["courseware.E016"]


def test_a_file_name_that_does_not_match_is_e017(content, scenarios):
    path = lesson_file(content)
    path.rename(path.with_name("1-whatever.md"))
    assert ids(content, scenarios) == ["courseware.E017"]


def test_a_missing_lessons_folder_is_e018(content, scenarios):
    shutil.rmtree(content / "lessons")
    assert "courseware.E018" in ids(content, scenarios)


def test_repeated_choices_are_e019(content, scenarios):
    edit_re(lesson_file(content), r"^choices = \[\"", 'choices = ["Same", "Same", "')
    # Two more choices and no hints for them: E040 reports that as well.
    assert ids(content, scenarios) == ["courseware.E019", "courseware.E040"]


def test_a_check_without_a_hint_per_choice_is_e040(content, scenarios):
    edit_re(lesson_file(content, 2), r"^hints = \[.*\]$", 'hints = ["", "Only two of three."]')
    errors = check_content(content_dir=content, scenarios_dir=scenarios)
    assert [e.id for e in errors] == ["courseware.E040"]
    assert "'hints' has 2 entries for 3 choices" in errors[0].msg


def test_a_missing_hint_is_e040(content, scenarios):
    path = lesson_file(content, 3)
    text = path.read_text()
    start = text.index("hints = [")
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :])
    errors = check_content(content_dir=content, scenarios_dir=scenarios)
    assert [e.id for e in errors] == ["courseware.E040"]
    assert "'hints' has 0 entries for 3 choices" in errors[0].msg


def test_a_hint_on_the_right_answer_or_none_on_a_wrong_one_is_e040(content, scenarios):
    path = lesson_file(content, 1)
    # The first check's right answer is its first choice; swap which entry has the hint.
    edit_re(path, r'^hints = \["", "([^"]*)"\]$', r'hints = ["\1", ""]')
    errors = check_content(content_dir=content, scenarios_dir=scenarios)
    assert [e.id for e in errors] == ["courseware.E040", "courseware.E040"]
    assert "the right answer ('An event') has a hint" in errors[0].msg
    assert "the wrong choice 'A command' has no hint" in errors[1].msg


def test_every_problem_is_reported_not_just_the_first(content, scenarios):
    edit(lesson_file(content), "\n## ", "\n[a](glossary:x) [b](lesson:y) [c](scenario:z)\n\n## ")
    assert sorted(ids(content, scenarios)) == [
        "courseware.E005",
        "courseware.E006",
        "courseware.E008",
    ]


def test_a_level_naming_an_unknown_lesson_is_e028(content, scenarios, tmp_path, monkeypatch):
    import courseware.checks
    from simulator.engine import levels

    folder = tmp_path / "levels"
    folder.mkdir()
    source = (levels.LEVEL_DIR / "the-latecomer.toml").read_text()
    (folder / "the-latecomer.toml").write_text(source.replace('"replay"', '"replaying"', 1))
    monkeypatch.setattr(levels, "LEVEL_DIR", folder)
    monkeypatch.setattr(courseware.checks, "LEVEL_DIR", folder)
    assert ids(content, scenarios) == ["courseware.E028"]
