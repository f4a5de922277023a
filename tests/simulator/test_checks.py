"""The system check that loads every guided scenario, including the words at each pause."""

import shutil

import pytest

from simulator.checks import check_scenarios
from simulator.engine.scenarios import SCENARIO_DIR


@pytest.fixture
def scenarios(tmp_path):
    """A copy of the real scenario folder that a test may break."""
    for path in SCENARIO_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_the_real_scenarios_pass():
    assert check_scenarios() == []


def test_a_pause_without_text_is_an_error(scenarios):
    path = scenarios / "email-down.toml"
    source = path.read_text()
    start = source.index('text = """', source.index("[[pauses]]"))
    end = source.index('"""', start + len('text = """')) + 3
    path.write_text(source[:start] + source[end:])

    errors = check_scenarios(scenarios)

    assert [e.id for e in errors] == ["simulator.E001"]
    assert "pause 1 has no text" in errors[0].msg
    assert errors[0].obj == "email-down.toml"
    assert "docs/authoring.md" in errors[0].hint


def test_a_pause_the_run_never_reaches_is_an_error(scenarios):
    path = scenarios / "replay.toml"
    path.write_text(path.read_text().replace('log = "commands"', 'log = "telegrams"'))

    errors = check_scenarios(scenarios)

    assert [e.id for e in errors] == ["simulator.E002"]
    assert "pause 2" in errors[0].msg


def test_a_file_that_is_not_toml_is_an_error(scenarios):
    (scenarios / "broken.toml").write_text("title = ")

    assert [e.id for e in check_scenarios(scenarios)] == ["simulator.E001"]


def test_a_file_name_the_page_could_not_ask_for_is_an_error(scenarios):
    (scenarios / "order-flow.toml").rename(scenarios / "Order_Flow.toml")

    errors = check_scenarios(scenarios)

    assert [(e.id, e.obj) for e in errors] == [("simulator.E001", "Order_Flow.toml")]
    assert "hyphens" in errors[0].msg


def test_manage_py_check_runs_the_scenario_check():
    from django.core import checks

    assert "content" in checks.registry.registry.tags_available()
    registered = {c.__name__ for c in checks.registry.registry.get_checks()}
    assert "scenario_check" in registered


@pytest.fixture
def levels(tmp_path):
    """A copy of the real level folder that a test may break."""
    from simulator.engine.levels import LEVEL_DIR

    target = tmp_path / "levels"
    target.mkdir()
    for path in LEVEL_DIR.glob("*.toml"):
        shutil.copy(path, target / path.name)
    return target


def test_the_real_levels_pass():
    from simulator.checks import check_levels

    assert check_levels() == []


def _ids_after(levels, name, old, new):
    from simulator.checks import check_levels

    path = levels / f"{name}.toml"
    source = path.read_text()
    assert old in source
    path.write_text(source.replace(old, new, 1))
    return [e.id for e in check_levels(levels)]


def test_a_level_that_does_not_parse_is_e003(levels):
    assert _ids_after(levels, "the-latecomer", "par = 1", "par = one") == ["simulator.E003"]


def test_a_solution_that_does_not_solve_is_e004(levels):
    found = _ids_after(levels, "the-latecomer", "catch_up = true", "catch_up = false")
    assert found == ["simulator.E004"]


def test_a_level_solved_by_doing_nothing_is_e005(levels):
    found = _ids_after(
        levels,
        "rebuild-the-ledger",
        'check = { where = { step = "replay_finished", matches_live = true }, min = 1 }',
        'check = { counter = "Payment.cards_charged", equals = 2 }',
    )
    assert found == ["simulator.E005"]
