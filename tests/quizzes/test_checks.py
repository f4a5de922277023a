"""The content check over the catalogue and over the misconceptions the banks name."""

from quizzes.checks import check_banks, check_catalogue
from quizzes.misconceptions import parse_catalogue

CATALOGUE = parse_catalogue(
    """
[[misconception]]
id = "a-reply-is-an-event"
name = "A reply is an event"
explanation = "It goes back to one sender."
lesson = "facts-and-requests"
level = "ask-for-an-answer"
"""
)

BANK = """\
slug = "sample"
title = "Sample"
summary = "A sample quiz."
lessons = ["facts-and-requests"]

[[question]]
id = "reply"
type = "choice"
prompt = "Payment answers ProcessPayment with accepted. What is that answer?"
explanation = "A reply goes to the one sender."
answer = 0
[[question.choices]]
text = "A reply to Order alone"
[[question.choices]]
text = "An event for every subscriber"
misconception = "{mid}"
feedback = "{feedback}"
"""


def ids(errors):
    return [e.id for e in errors]


def run(write_bank, lessons_dir, *, mid="a-reply-is-an-event", feedback="Nobody else hears it."):
    folder = write_bank("sample", BANK.format(mid=mid, feedback=feedback))
    return check_banks(banks_dir=folder, lessons_dir=lessons_dir, catalogue=CATALOGUE)


def test_a_wrong_choice_with_a_known_misconception_and_feedback_passes(write_bank, lessons_dir):
    assert run(write_bank, lessons_dir) == []


def test_an_unknown_misconception_id_is_its_own_error(write_bank, lessons_dir):
    errors = run(write_bank, lessons_dir, mid="no-such-belief")
    assert ids(errors) == ["quizzes.E008"]
    assert "'no-such-belief' is not in the catalogue" in errors[0].msg


def test_a_wrong_choice_without_feedback_is_its_own_error(write_bank, lessons_dir):
    errors = run(write_bank, lessons_dir, feedback="")
    # An empty string is refused by the loader as well: say so once, under the loader's id.
    assert "quizzes.E009" in ids(errors) or "quizzes.E001" in ids(errors)
    folder = write_bank("sample", BANK.format(mid="a-reply-is-an-event", feedback="x").replace(
        'feedback = "x"\n', ""))  # fmt: skip
    errors = check_banks(banks_dir=folder, lessons_dir=lessons_dir, catalogue=CATALOGUE)
    assert ids(errors) == ["quizzes.E009"]
    assert "give it `feedback`" in errors[0].msg


def test_a_catalogue_entry_with_an_unknown_lesson_or_level_is_named():
    errors = check_catalogue(CATALOGUE, lessons={"replay"}, levels={"the-latecomer"})
    assert sorted(ids(errors)) == ["quizzes.E006", "quizzes.E007"]
    assert check_catalogue(CATALOGUE, lessons={"facts-and-requests"},
                           levels={"ask-for-an-answer"}) == []  # fmt: skip


def test_a_broken_catalogue_is_its_own_error():
    broken = parse_catalogue("[[misconception]]\nid = 'x'\n")
    assert set(ids(check_catalogue(broken, lessons=set(), levels=set()))) == {"quizzes.E005"}


def test_the_right_answer_being_the_longest_too_often_fails(write_bank, lessons_dir):
    long_right = BANK.format(mid="a-reply-is-an-event", feedback="f").replace(
        "A reply to Order alone", "A reply that goes back to Order alone and to nobody else"
    )
    errors = check_banks(
        banks_dir=write_bank("sample", long_right), lessons_dir=lessons_dir, catalogue=CATALOGUE
    )
    assert ids(errors) == ["quizzes.E010"]
