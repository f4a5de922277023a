"""``manage.py bank --stats`` prints one JSON object with the bank's figures."""

import json
from io import StringIO
from textwrap import dedent

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings


def stats(**settings) -> dict:
    out = StringIO()
    with override_settings(**settings):
        call_command("bank", "--stats", stdout=out)
    return json.loads(out.getvalue())


def test_the_project_bank_in_figures():
    figures = stats()
    assert set(figures) == {
        "items", "misconceptions", "choices_without_feedback", "types", "items_per_lesson",
    }  # fmt: skip
    assert figures["items"] >= 90
    assert figures["misconceptions"] >= 10
    assert figures["choices_without_feedback"] == 0
    assert sum(figures["types"].values()) == figures["items"]
    assert sum(figures["items_per_lesson"].values()) == figures["items"]
    assert len(figures["items_per_lesson"]) == 10


def test_a_choice_without_feedback_is_counted(write_bank):
    folder = write_bank(
        "sample",
        dedent(
            """\
            slug = "sample"
            title = "Sample"
            summary = "s"
            lessons = ["replay"]

            [[question]]
            id = "one"
            type = "choice"
            prompt = "p"
            explanation = "x"
            answer = 0
            choices = ["right", "wrong and silent", "wrong too"]

            [[question]]
            id = "two"
            type = "classify"
            lesson = "coupling"
            name = "OrderPlaced"
            explanation = "x"
            """
        ),
    )
    figures = stats(QUIZ_BANKS_DIR=folder)
    assert figures["items"] == 2
    assert figures["choices_without_feedback"] == 2
    assert figures["types"] == {"choice": 1, "classify": 1}
    assert figures["items_per_lesson"] == {"coupling": 1, "replay": 1}


def test_without_stats_it_says_what_to_ask_for():
    with pytest.raises(CommandError, match="--stats"):
        call_command("bank")
