"""Challenge levels: every level is fair, wrong attempts are told which part fails, bad files
and disallowed actions are refused."""

import pytest

from simulator.engine.levels import (
    LevelError,
    list_levels,
    load_level,
    parse_level,
    verify,
)
from tests.challenges.attempts import PLACE, WRONG

LEVELS = list_levels()


def test_there_are_at_least_fifteen_levels_in_order():
    assert len(LEVELS) >= 15
    orders = [load_level(name).order for name in LEVELS]
    assert orders == sorted(orders)


@pytest.mark.parametrize("name", LEVELS)
def test_the_stored_solution_solves_and_doing_nothing_does_not(name):
    verdict = verify(load_level(name))
    assert verdict.solution_solves, [r.text for r in verdict.solution if not r.holds]
    assert not verdict.empty_solves
    assert load_level(name).par <= len(load_level(name).solution)


def test_every_level_has_a_wrong_attempt_to_test():
    assert set(WRONG) == set(LEVELS)


@pytest.mark.parametrize("name", LEVELS)
def test_a_wrong_attempt_names_the_part_that_fails(name):
    actions, failing = WRONG[name]
    level = load_level(name)
    results = level.progress(level.play(actions))
    assert not level.solved(level.play(actions))
    failed = [r.text for r in results if not r.holds]
    assert any(failing in text for text in failed), failed


def test_an_action_the_level_does_not_offer_is_refused():
    level = load_level("rebuild-the-ledger")
    engine = level.begin()
    before = len(engine.trace)
    with pytest.raises(LevelError, match="not one of them"):
        level.act(engine, PLACE)
    assert len(engine.trace) == before


BASE = {
    "title": "t",
    "lesson": "replay",
    "order": 1,
    "briefing": "b",
    "allowed": ["send"],
    "seed": 1,
    "par": 1,
    "hints": ["h"],
    "goal": [{"text": "x", "check": {"counter": "Payment.cards_charged", "min": 1}}],
    "solution": [{"action": "send", "name": "PlaceOrder"}],
}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"allowed": ["teleport"]}, "allowed"),
        ({"hints": ["a", "b", "c", "d"]}, "hints"),
        ({"par": 2}, "par"),
        ({"goal": []}, "needs a goal"),
        ({"goal": [{"text": "x", "check": {"counter": "a.b", "bogus": 1}}]}, "unknown keys"),
        ({"goal": [{"text": "x", "check": {"where": {}, "counter": "a.b"}}]}, "exactly one"),
        ({"colour": "red"}, "unknown keys"),
        ({"world": {"services": {}}}, "at least one service"),
    ],
)
def test_a_broken_level_file_is_refused_with_a_reason(change, words):
    with pytest.raises(LevelError, match=words):
        parse_level("broken", {**BASE, **change})


def test_an_unknown_or_malformed_name_is_refused():
    with pytest.raises(LevelError, match="no level called"):
        load_level("no-such-level")
    with pytest.raises(LevelError, match="lower-case"):
        load_level("../etc/passwd")
