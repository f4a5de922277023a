import pytest

from courseware.content import CheckQuestion, Lesson
from courseware.grading import (
    InvalidChoice,
    LessonState,
    continue_from,
    grade,
    lesson_is_checked,
    lesson_state,
    parse_choice,
)

QUESTION = CheckQuestion(
    id="kind",
    prompt="OrderPlaced is…",
    choices=("an event", "a command"),
    answer=0,
    explanation="Past tense reports a fact.",
)


def make_lesson(*ids):
    checks = tuple(
        CheckQuestion(id=i, prompt="?", choices=("a", "b"), answer=0, explanation="why")
        for i in ids
    )
    return Lesson(slug="l", title="L", order=1, summary="s", body="", path=None, checks=checks)


def test_grade_marks_the_right_choice_correct():
    assert grade(QUESTION, 0).correct
    assert grade(QUESTION, 0).chosen == "an event"


def test_grade_marks_another_choice_wrong_and_names_the_right_answer():
    result = grade(QUESTION, 1)
    assert not result.correct
    assert result.right_answer == "an event"


@pytest.mark.parametrize("choice", [-1, 2])
def test_grade_refuses_a_choice_the_question_does_not_have(choice):
    with pytest.raises(InvalidChoice):
        grade(QUESTION, choice)


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), (" 1 ", 1), (1, 1)])
def test_parse_choice_accepts_an_index(raw, expected):
    assert parse_choice(QUESTION, raw) == expected


@pytest.mark.parametrize("raw", [None, "", "  ", "x", "2", "-1", "1.5"])
def test_parse_choice_refuses_anything_else_with_a_readable_message(raw):
    with pytest.raises(InvalidChoice) as exc:
        parse_choice(QUESTION, raw)
    assert str(exc.value).endswith(".")


def test_a_lesson_is_checked_only_when_every_question_is_right():
    lesson = make_lesson("a", "b")
    assert not lesson_is_checked(lesson, ["a"])
    assert lesson_is_checked(lesson, ["b", "a", "a"])
    assert lesson_is_checked(make_lesson(), [])


def test_lesson_state_prefers_checked_over_read():
    assert lesson_state(read=False, checked=False) is LessonState.NOT_STARTED
    assert lesson_state(read=True, checked=False) is LessonState.READ
    assert lesson_state(read=True, checked=True) is LessonState.CHECKED
    assert LessonState.CHECKED.label == "Checked"


SLUGS = ["one", "two", "three", "four"]


def test_continue_starts_a_newcomer_at_the_first_lesson():
    assert continue_from(SLUGS, {}, None) == "one"


def test_continue_stays_on_an_unfinished_last_lesson():
    states = {"one": LessonState.CHECKED, "two": LessonState.READ}
    assert continue_from(SLUGS, states, "two") == "two"


def test_continue_moves_past_checked_lessons_after_the_last_one_touched():
    states = {"two": LessonState.CHECKED, "three": LessonState.CHECKED}
    assert continue_from(SLUGS, states, "two") == "four"


def test_continue_wraps_round_to_an_earlier_unchecked_lesson():
    states = {s: LessonState.CHECKED for s in SLUGS[1:]}
    assert continue_from(SLUGS, states, "three") == "one"


def test_continue_is_none_when_everything_is_checked():
    assert continue_from(SLUGS, {s: LessonState.CHECKED for s in SLUGS}, "four") is None


def test_shuffled_is_a_permutation_fixed_by_its_seed():
    from courseware.grading import shuffled

    first = shuffled(5, seed="learner:a:lesson:q")
    assert sorted(first) == [0, 1, 2, 3, 4]
    # Drawn again, not looked up: the cache in front of it must not hide a shuffle left to chance.
    shuffled.cache_clear()
    assert shuffled(5, seed="learner:a:lesson:q") == first


def test_shuffled_orders_differ_between_learners():
    from courseware.grading import choice_seed, shuffled

    orders = {shuffled(3, seed=choice_seed(f"learner:{n}", "l", "q")) for n in range(60)}
    # Sixty learners over the six orders of three choices: every order turns up.
    assert len(orders) == 6
