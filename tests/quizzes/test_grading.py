import pytest

from quizzes.banks import Choice, Generator, Question
from quizzes.grading import InvalidAnswer, grade, parse_answer
from quizzes.predictions import holds, predict_outcomes, predicted_answer, run_engine
from quizzes.presenting import generate, present
from quizzes.verify import verify_question


def q(**fields):
    fields.setdefault("id", "q1")
    fields.setdefault("explanation", "Because.")
    return Question(**fields)


def answer(question, data, seed=1):
    presented = present(question, seed)
    return grade(presented, parse_answer(presented, data))


# classify ------------------------------------------------------------------------------------


def test_classify_is_right_when_it_matches_the_bank():
    question = q(type="classify", name="refund_issued", answer="event")
    assert answer(question, {"answer": "event"}).correct
    graded = answer(question, {"answer": "command"})
    assert not graded.correct
    assert graded.right_answer == "Event"
    assert graded.your_answer == "Command"


def test_classify_without_an_answer_asks_the_checker():
    question = q(type="classify", name="cancel-subscription")
    assert answer(question, {"answer": "command"}).correct


@pytest.mark.parametrize("data", [{}, {"answer": ""}, {"answer": "maybe"}, {"answer": "EVENT"}])
def test_classify_refuses_anything_but_event_or_command(data):
    question = q(type="classify", name="OrderPlaced")
    with pytest.raises(InvalidAnswer):
        parse_answer(present(question, 0), data)


def test_generated_names_are_seeded_per_attempt_and_graded_by_the_checker():
    gen = Generator(verbs=("reserve", "approve"), nouns=("Seat", "Invoice"), styles=("snake",))
    question = q(type="classify", generate=gen)
    assert present(question, 7).name == present(question, 7).name
    names = {present(question, seed).name for seed in range(40)}
    assert len(names) > 3, "a retry gets a fresh name"
    for seed in range(10):
        name, kind = generate(question, seed)
        assert "_" in name
        assert answer(question, {"answer": kind}, seed=seed).correct


# rename --------------------------------------------------------------------------------------

SEND_EMAIL = q(type="rename", name="SendEmail", target="event")


@pytest.mark.parametrize("text", ["EmailSent", "email_sent", "EmailSentEvent", "email.sent"])
def test_rename_accepts_any_event_with_the_same_verb_and_noun(text):
    assert answer(SEND_EMAIL, {"answer": text}).correct


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("SendEmail", "still SendEmail"),
        ("DispatchEmail", "as a command"),
        ("EmailDelivered", "its verb is"),
        ("MessageSent", "it lost"),
        ("CustomerData", "as neither"),
    ],
)
def test_rename_explains_what_is_wrong(text, says):
    graded = answer(SEND_EMAIL, {"answer": text})
    assert not graded.correct
    assert says in graded.feedback
    assert graded.right_answer == "EmailSent"


def test_rename_flags_a_contradiction():
    graded = answer(SEND_EMAIL, {"answer": "EmailSentCommand"})
    assert not graded.correct
    assert "suffix" in graded.feedback


def test_rename_to_a_command():
    question = q(type="rename", name="FundsWithdrawn", target="command")
    assert answer(question, {"answer": "WithdrawFunds"}).correct
    assert answer(question, {"answer": "withdraw-funds"}).correct


WELCOME = q(type="rename", name="SendWelcomeEmail", target="event", accept=("UserRegistered",))


@pytest.mark.parametrize("text", ["WelcomeEmailSent", "UserRegistered", "user_registered"])
def test_rename_accepts_the_banks_other_honest_names(text):
    assert answer(WELCOME, {"answer": text}).correct


def test_rename_still_refuses_another_verb_the_bank_did_not_accept():
    graded = answer(WELCOME, {"answer": "UserDeleted"})
    assert not graded.correct
    assert "its verb is" in graded.feedback


@pytest.mark.parametrize("text", ["Welcome email sent", "Welcome\temailSent", "User Registered"])
def test_rename_refuses_a_name_with_spaces(text):
    with pytest.raises(InvalidAnswer, match="no spaces"):
        parse_answer(present(WELCOME, 0), {"answer": text})


def test_verify_reports_an_accepted_name_of_the_wrong_kind():
    question = q(type="rename", name="SendWelcomeEmail", target="event", accept=("GreetUser",))
    problems = verify_question(question)
    assert len(problems) == 1
    assert "GreetUser does not read as event" in problems[0]


@pytest.mark.parametrize("text", ["", "   ", "x" * 201, "12345", "!!!"])
def test_rename_refuses_text_that_is_no_name(text):
    with pytest.raises(InvalidAnswer):
        parse_answer(present(SEND_EMAIL, 0), {"answer": text})


# choice and true/false -----------------------------------------------------------------------


def test_choice_by_index():
    question = q(type="choice", prompt="?", choices=(Choice("a"), Choice("b")), answer=1)
    assert answer(question, {"answer": "1"}).correct
    graded = answer(question, {"answer": "0"})
    assert not graded.correct
    assert (graded.your_answer, graded.right_answer) == ("a", "b")


@pytest.mark.parametrize("raw", [None, "", "2", "-1", "one", "1.0", ["1"]])
def test_choice_refuses_unknown_choices(raw):
    question = q(type="choice", prompt="?", choices=(Choice("a"), Choice("b")), answer=1)
    with pytest.raises(InvalidAnswer):
        parse_answer(present(question, 0), {"answer": raw} if raw is not None else {})


def test_choices_are_shown_shuffled_per_attempt_but_graded_by_bank_index():
    choices = tuple(Choice(t) for t in ("a", "b", "c", "d"))
    question = q(type="choice", prompt="?", choices=choices, answer=2)
    orders = {present(question, seed).choice_order for seed in range(40)}
    assert len(orders) > 10
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert present(question, 7).choice_order == present(question, 7).choice_order
    shown = present(question, 7)
    assert shown.shown_choices == [(i, choices[i].text) for i in shown.choice_order]
    assert answer(question, {"answer": "2"}, seed=7).correct


def test_true_false():
    question = q(type="truefalse", prompt="?", answer=False)
    assert answer(question, {"answer": "false"}).correct
    assert not answer(question, {"answer": "true"}).correct
    with pytest.raises(InvalidAnswer):
        parse_answer(present(question, 0), {"answer": "yes"})


# order ---------------------------------------------------------------------------------------

FLOW = q(type="order", prompt="?", items=("PlaceOrder", "OrderPlaced", "ProcessPayment"))


def test_order_is_shown_shuffled_but_stable_per_seed():
    shown = present(FLOW, 3).order
    assert sorted(shown) == [0, 1, 2]
    assert shown != (0, 1, 2)
    assert present(FLOW, 3).order == shown


def test_order_is_right_only_in_the_bank_order():
    right = {"position-0": "1", "position-1": "2", "position-2": "3"}
    assert answer(FLOW, right).correct
    graded = answer(FLOW, {"position-0": "2", "position-1": "1", "position-2": "3"})
    assert not graded.correct
    assert graded.your_answer == "OrderPlaced \u2192 PlaceOrder \u2192 ProcessPayment"


@pytest.mark.parametrize(
    "data",
    [
        {"position-0": "1", "position-1": "1", "position-2": "3"},
        {"position-0": "1", "position-1": "2"},
        {"position-0": "1", "position-1": "2", "position-2": "9"},
        {"position-0": "a", "position-1": "2", "position-2": "3"},
    ],
)
def test_order_refuses_incomplete_or_repeated_positions(data):
    with pytest.raises(InvalidAnswer):
        parse_answer(present(FLOW, 0), data)


# predict: graded against a real engine run ---------------------------------------------------

EMAIL_DOWN = q(
    type="predict",
    prompt="?",
    inputs=(
        {"action": "set_online", "service": "Email", "online": False},
        {"action": "publish", "name": "OrderPlaced", "from": "Order"},
        {"action": "set_online", "service": "Email", "online": True, "at": 500},
    ),
    choices=(
        Choice("dropped", {"where": {"step": "dropped", "to": "Email"}}),
        Choice(
            "buffered, then delivered",
            {
                "sequence": [
                    {"step": "buffered", "to": "Email"},
                    {"step": "delivered", "to": "Email"},
                ]
            },
        ),
    ),
)


def test_predict_right_answer_comes_from_the_engine():
    assert predict_outcomes(EMAIL_DOWN) == (False, True)
    assert predicted_answer(EMAIL_DOWN) == 1
    assert answer(EMAIL_DOWN, {"answer": "1"}).correct
    assert not answer(EMAIL_DOWN, {"answer": "0"}).correct


def test_predicates_read_the_trace():
    engine = run_engine(EMAIL_DOWN)
    assert holds({"where": {"step": "buffered", "to": "Email"}}, engine)
    assert holds({"not": {"where": {"step": "dropped"}}}, engine)
    assert holds(
        {"any": [{"where": {"step": "dropped"}}, {"counter": "Email.emails_sent", "min": 1}]},
        engine,
    )
    assert not holds(
        {"sequence": [{"step": "delivered", "to": "Email"}, {"step": "buffered", "to": "Email"}]},
        engine,
    )


def test_predict_on_a_named_scenario():
    question = q(
        type="predict",
        prompt="?",
        scenario="payment-down",
        choices=(
            Choice("ships", {"where": {"step": "handled", "message": "ShipOrder"}}),
            Choice("cancelled", {"where": {"step": "published", "message": "OrderCancelled"}}),
        ),
    )
    assert predicted_answer(question) == 1


def test_verify_reports_predicates_matching_no_or_several_choices():
    none = q(
        type="predict",
        prompt="?",
        scenario="order-flow",
        choices=(
            Choice("a", {"where": {"step": "dropped"}}),
            Choice("b", {"where": {"step": "timed_out"}}),
        ),
    )
    several = q(
        type="predict",
        prompt="?",
        scenario="order-flow",
        choices=(
            Choice("a", {"where": {"step": "sent"}}),
            Choice("b", {"where": {"step": "published"}}),
        ),
    )
    assert "matches 0 choices" in verify_question(none)[0]
    assert "matches 2 choices" in verify_question(several)[0]


def test_verify_checks_a_stated_predict_answer_against_the_engine():
    wrong = Question(**{**EMAIL_DOWN.__dict__, "answer": 0})
    assert "bears out choice 1" in verify_question(wrong)[0]


def test_verify_reports_an_unknown_scenario():
    question = q(type="predict", prompt="?", scenario="no-such", choices=EMAIL_DOWN.choices)
    assert "unknown" in verify_question(question, scenarios={"order-flow"})[0]


def test_verify_reports_a_classify_answer_the_checker_disagrees_with():
    question = q(type="classify", name="OrderPlaced", answer="command")
    assert "checker reads OrderPlaced as event" in verify_question(question)[0]


def test_verify_reports_a_rename_that_already_reads_as_its_target():
    question = q(type="rename", name="EmailSent", target="event")
    assert "already reads as event" in verify_question(question)[0]


# new item types ------------------------------------------------------------------------------


def wrong(text, mid="a-reply-is-an-event", feedback="Not that one."):
    return Choice(text=text, misconception=mid, feedback=feedback)


def test_select_is_right_only_with_every_right_choice_and_no_wrong_one():
    question = q(
        type="select",
        prompt="p",
        choices=(Choice("A", correct=True), wrong("B"), Choice("C", correct=True)),
    )
    assert answer(question, {"answer": ["0", "2"]}).correct
    assert answer(question, {"answer": ["2", "0", "0"]}).correct
    missed = answer(question, {"answer": ["0"]})
    assert not missed.correct
    assert missed.misconceptions == ()
    picked_wrong = answer(question, {"answer": ["0", "1", "2"]})
    assert not picked_wrong.correct
    assert picked_wrong.misconceptions == ("a-reply-is-an-event",)
    assert picked_wrong.feedback == "Not that one."


@pytest.mark.parametrize("data", [{}, {"answer": []}, {"answer": ["7"]}, {"answer": [3]}])
def test_select_refuses_an_empty_or_unknown_answer(data):
    question = q(type="select", prompt="p", choices=(Choice("A", correct=True), wrong("B")))
    with pytest.raises(InvalidAnswer):
        parse_answer(present(question, 1), data)


def test_two_tier_needs_both_the_answer_and_the_reason():
    question = q(
        type="twotier",
        prompt="p",
        choices=(Choice("Yes"), wrong("No", feedback="Tier one.")),
        answer=0,
        reasons=(wrong("R0", mid="past-tense-makes-an-event", feedback="Tier two."), Choice("R1")),
        reason=1,
    )
    assert answer(question, {"answer": "0", "reason": "1"}).correct
    right_for_the_wrong_reason = answer(question, {"answer": "0", "reason": "0"})
    assert not right_for_the_wrong_reason.correct
    assert right_for_the_wrong_reason.misconceptions == ("past-tense-makes-an-event",)
    both = answer(question, {"answer": "1", "reason": "0"})
    assert both.feedback == "Tier one. Tier two."
    with pytest.raises(InvalidAnswer):
        parse_answer(present(question, 1), {"answer": "0"})


def test_two_tier_shuffles_both_tiers_per_attempt():
    question = q(
        type="twotier",
        prompt="p",
        choices=tuple(Choice(t) for t in "ABCD"),
        answer=0,
        reasons=tuple(Choice(t) for t in "EFGH"),
        reason=0,
    )
    orders = {present(question, seed).reason_order for seed in range(10)}
    assert len(orders) > 1


def test_spot_the_bug_keeps_the_flow_in_order_and_gives_the_steps_feedback():
    steps = (wrong("1. fine"), Choice("2. the bug"), wrong("3. fine too", feedback="It is fine."))
    question = q(type="spotbug", prompt="p", choices=steps, answer=1)
    assert [i for i, _ in present(question, 5).shown_choices] == [0, 1, 2]
    assert answer(question, {"answer": "1"}).correct
    graded = answer(question, {"answer": "2"})
    assert (graded.correct, graded.feedback) == (False, "It is fine.")


def test_a_wrong_classify_answer_names_the_questions_misconception():
    question = q(
        type="classify",
        name="OrderPlacedCommand",
        answer="event",
        misconception="a-suffix-decides-the-kind",
        feedback="Read the verb.",
    )
    graded = answer(question, {"answer": "command"})
    assert graded.misconceptions == ("a-suffix-decides-the-kind",)
    assert graded.feedback == "Read the verb."
