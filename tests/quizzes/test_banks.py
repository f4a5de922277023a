"""The bank loader and the system check, on banks written for each test."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from quizzes.banks import load_banks, parse_bank
from quizzes.checks import check_banks
from quizzes.grading import describe
from quizzes.presenting import present

GOOD = """\
slug = "sample"
title = "Sample"
summary = "A sample quiz."
lessons = ["grammatical-test"]

[[question]]
id = "placed"
type = "classify"
name = "OrderPlaced"
answer = "event"
explanation = "Past tense after the noun."
"""


def messages(errors):
    return [e.msg for e in errors]


def test_a_good_bank_loads(write_bank):
    folder = write_bank("sample", GOOD)
    banks = load_banks(folder)
    assert banks.problems == ()
    quiz = banks.by_slug["sample"]
    assert quiz.title == "Sample"
    assert quiz.question("placed").name == "OrderPlaced"
    assert quiz.lesson_for(quiz.question("placed")) == "grammatical-test"


def test_a_good_bank_passes_the_check(write_bank, lessons_dir):
    assert check_banks(banks_dir=write_bank("sample", GOOD), lessons_dir=lessons_dir) == []


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('id = "a"\ntype = "essay"\nexplanation = "x"', "unknown type 'essay'"),
        ('id = "a"\ntype = "classify"\nname = "OrderPlaced"', "`explanation` is missing"),
        ('id = "a"\ntype = "classify"\nname = "OrderPlaced"\nexplanation = "  "', "non-empty"),
        ('id = "A b"\ntype = "truefalse"\nprompt = "p"\nanswer = true\nexplanation = "x"', "kebab"),
        (
            'id = "a"\ntype = "truefalse"\nprompt = "p"\nanswer = "yes"\nexplanation = "x"',
            "true or false",
        ),
        (
            'id = "a"\ntype = "choice"\nprompt = "p"\nchoices = ["x", "y"]\nanswer = 2\n'
            'explanation = "x"',
            "must index",
        ),
        (
            'id = "a"\ntype = "choice"\nprompt = "p"\nchoices = ["x"]\nanswer = 0\n'
            'explanation = "x"',
            "2 to",
        ),
        (
            'id = "a"\ntype = "order"\nprompt = "p"\nitems = ["x", "x"]\nexplanation = "x"',
            "same text",
        ),
        (
            'id = "a"\ntype = "rename"\nname = "SendEmail"\ntarget = "fact"\nexplanation = "x"',
            "`target`",
        ),
        (
            'id = "a"\ntype = "classify"\nname = "X"\nanwser = "event"\nexplanation = "x"',
            "unknown key `anwser`",
        ),
        (
            'id = "a"\ntype = "predict"\nprompt = "p"\nexplanation = "x"\n'
            'choices = [{text = "a", check = {where = {step = "sent"}}},'
            ' {text = "b", check = {where = {step = "sent"}}}]',
            "either `scenario` or `inputs`",
        ),
        (
            'id = "a"\ntype = "predict"\nprompt = "p"\nscenario = "order-flow"\n'
            'explanation = "x"\nchoices = ["a", "b"]',
            "`text` and `check`",
        ),
    ],
)
def test_structural_problems_are_reported(bank_question, table, expected):
    question, problems = bank_question("[[question]]\n" + table + "\n")
    assert question is None
    assert any(expected in p for p in problems), problems


def test_duplicate_question_ids(write_bank):
    folder = write_bank("sample", GOOD + GOOD.split("\n\n", 1)[1].replace("lessons", "x"))
    _, problems = parse_bank(folder / "sample.toml")
    assert any("used twice" in p for p in problems)


def test_invalid_toml_and_a_slug_that_does_not_match_the_file(write_bank):
    folder = write_bank("broken", "slug = \n")
    write_bank("other", GOOD)
    banks = load_banks(folder)
    assert any("not valid TOML" in m for _, m in banks.problems)
    assert any("should match the file name" in m for _, m in banks.problems)


def test_duplicate_quiz_slugs(write_bank):
    folder = write_bank("sample", GOOD)
    (folder / "copy.toml").write_text(GOOD)
    banks = load_banks(folder)
    assert any("also used by" in m for _, m in banks.problems)


def test_check_reports_unknown_lessons(write_bank, lessons_dir):
    bank = GOOD.replace('["grammatical-test"]', '["no-such-lesson"]')
    bank += 'lesson = "nor-this"\n'
    errors = check_banks(banks_dir=write_bank("sample", bank), lessons_dir=lessons_dir)
    text = " ".join(messages(errors))
    assert "unknown lesson 'no-such-lesson'" in text
    assert "unknown lesson 'nor-this'" in text


def test_check_reports_a_classify_answer_the_checker_disagrees_with(write_bank, lessons_dir):
    bank = GOOD.replace('answer = "event"', 'answer = "command"')
    errors = check_banks(banks_dir=write_bank("sample", bank), lessons_dir=lessons_dir)
    assert any("checker reads OrderPlaced as event" in m for m in messages(errors))
    assert {e.id for e in errors} == {"quizzes.E004"}


PREDICT = """
[[question]]
id = "down"
type = "predict"
prompt = "What happens?"
scenario = "{scenario}"
explanation = "x"
[[question.choices]]
text = "Email waits"
check = {{ where = {{ step = "buffered", to = "Email" }}, min = 1 }}
[[question.choices]]
text = "{second}"
check = {{ where = {{ step = "{step}" }} }}
"""


@pytest.mark.parametrize(
    ("scenario", "step", "expected"),
    [
        ("email-down", "timed_out", None),
        ("email-down", "published", "matches 2 choices"),
        ("order-flow", "timed_out", "matches 0 choices"),
        ("no-such-scenario", "sent", "scenario 'no-such-scenario' is unknown"),
    ],
)
def test_check_runs_predict_questions_on_the_engine(
    write_bank, lessons_dir, scenario, step, expected
):
    bank = GOOD + PREDICT.format(scenario=scenario, step=step, second="Something else")
    errors = messages(check_banks(banks_dir=write_bank("sample", bank), lessons_dir=lessons_dir))
    if expected is None:
        assert errors == []
    else:
        assert any(expected in m for m in errors), errors


def test_check_verifies_a_stated_predict_answer(write_bank, lessons_dir):
    bank = GOOD + PREDICT.format(scenario="email-down", step="timed_out", second="x")
    bank = bank.replace(
        'explanation = "x"\n[[question.choices]]',
        'explanation = "x"\nanswer = 1\n[[question.choices]]',
    )
    errors = messages(check_banks(banks_dir=write_bank("sample", bank), lessons_dir=lessons_dir))
    assert any("`answer` is 1 but the engine run bears out choice 0" in m for m in errors)


def test_the_project_banks_pass_the_check_and_cover_the_syllabus():
    call_command("check", tags=["content"])
    banks = load_banks()
    assert sum(len(quiz.questions) for quiz in banks.quizzes) >= 90
    for quiz in banks.quizzes:
        assert 8 <= len(quiz.questions) <= 16, quiz.slug
    types = {q.type for quiz in banks.quizzes for q in quiz.questions}
    assert {"select", "twotier", "spotbug", "predict"} <= types
    lessons = {quiz.lesson_for(q) for quiz in banks.quizzes for q in quiz.questions}
    assert lessons >= {
        "facts-and-requests", "grammatical-test", "schema-ownership", "when-things-go-wrong",
        "rejecting-history", "replay", "coupling", "fan-out-and-point-to-point", "choosing",
        "order-flow",
    }  # fmt: skip


def test_a_broken_bank_fails_manage_py_check(write_bank, tmp_path):
    folder = write_bank("sample", GOOD.replace('explanation = "Past tense after the noun."', ""))
    with override_settings(QUIZ_BANKS_DIR=folder), pytest.raises(SystemCheckError):
        call_command("check", tags=["content"])


def _right_and_longest_other(question):
    from quizzes.grading import predicted_answer

    right = question.answer if question.type != "predict" else predicted_answer(question)
    texts = question.choice_texts
    return len(texts[right]), max(len(t) for i, t in enumerate(texts) if i != right)


def test_the_project_banks_do_not_give_the_answer_away_by_length():
    quizzes = load_banks().quizzes
    kinds = ("choice", "predict", "twotier")
    questions = [(quiz.slug, q) for quiz in quizzes for q in quiz.questions if q.type in kinds]
    lengths = {(slug, q.id): _right_and_longest_other(q) for slug, q in questions}
    longest = [qid for qid, (right, other) in lengths.items() if right > other]
    chance = sum(1 / len(q.choices) for _, q in questions)
    assert len(longest) <= chance / 2, longest
    for qid, (right, other) in lengths.items():
        assert right <= 1.15 * other, qid


def test_the_project_banks_two_tier_answers_read_as_one_sentence():
    # The results page joins an answer to its reason with ", because", so a reason that
    # brings its own "because" reads "Yes, because because it asks ...".
    for quiz in load_banks().quizzes:
        for question in quiz.questions:
            if question.type != "twotier":
                continue
            presented = present(question, 0)
            for reason in range(len(question.reasons)):
                sentence = describe(presented, f"{question.answer}:{reason}")
                assert "because because" not in sentence.lower(), (quiz.slug, question.id)


def test_picking_a_sound_command_step_as_the_smell_points_to_events_always_being_better():
    # Steps 1 and 3 send a command with an imperative name: nothing about waiting or ownership
    # is in them, so a learner who flags one is distrusting commands as such.
    question = load_banks().by_slug["naming"].question("spot-the-smell")
    sound = [
        c for i, c in enumerate(question.choices) if i != question.answer and "sends" in c.text
    ]
    assert len(sound) == 2
    assert {c.misconception for c in sound} == {"events-are-always-better"}
