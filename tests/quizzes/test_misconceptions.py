"""The misconception catalogue's loader, and the project's catalogue itself."""

import pytest

from quizzes.misconceptions import load_catalogue, parse_catalogue

ENTRY = """
[[misconception]]
id = "a-reply-is-an-event"
name = "A reply is an event"
explanation = "It goes back to one sender."
lesson = "facts-and-requests"
level = "ask-for-an-answer"
"""


def test_an_entry_loads_with_every_field():
    catalogue = parse_catalogue(ENTRY)
    assert catalogue.problems == ()
    entry = catalogue.by_id["a-reply-is-an-event"]
    assert (entry.lesson, entry.level) == ("facts-and-requests", "ask-for-an-answer")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[misconception", "not valid TOML"),
        ("", "at least one"),
        (ENTRY.replace('level = "ask-for-an-answer"\n', ""), "`level` must be"),
        (ENTRY.replace('name = "A reply is an event"', 'name = ""'), "`name` must be"),
        (ENTRY.replace("a-reply-is-an-event", "A Reply"), "kebab-case"),
        (ENTRY + ENTRY, "used twice"),
        (ENTRY + 'colour = "red"\n', "unknown key `colour`"),
    ],
)
def test_every_structural_problem_is_named(text, expected):
    catalogue = parse_catalogue(text)
    assert any(expected in p for p in catalogue.problems), catalogue.problems


def test_the_project_catalogue_names_the_beliefs_the_course_fights():
    catalogue = load_catalogue()
    assert catalogue.problems == ()
    ids = set(catalogue.by_id)
    assert len(ids) >= 10
    assert {
        "commands-must-be-synchronous",
        "every-event-needs-a-handler",
        "retrying-an-event-is-harmless",
        "idempotent-handlers-make-command-replay-safe",
        "choreography-is-wrong",
        "a-reply-is-an-event",
        "competing-consumers-are-fan-out",
        "publisher-knows-its-listeners",
        "an-event-can-be-cancelled-by-deleting-it",
        "past-tense-makes-an-event",
    } <= ids
