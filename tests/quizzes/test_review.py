"""The Leitner schedule over simulated weeks: a pure fold of answers, no clock, no database."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from quizzes.review import (
    INTERVALS,
    LAST_BOX,
    Card,
    Outcome,
    due_cards,
    fold,
    interleave,
    step,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = ("quiz:naming", "refund-issued")


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def test_a_right_quiz_answer_does_not_enter_review():
    assert step(None, Outcome(KEY, day(0), True, "quiz")) is None


def test_a_missed_quiz_item_is_due_the_next_day_not_before():
    cards = fold([Outcome(KEY, day(0), False, "quiz")])
    assert cards[KEY].box == 1
    assert due_cards(cards.values(), day(0.9)) == []
    assert [c.key for c in due_cards(cards.values(), day(1))] == [KEY]


def test_every_lesson_check_enters_right_or_wrong():
    right, wrong = ("lesson:replay", "a"), ("lesson:replay", "b")
    cards = fold([Outcome(right, day(0), True, "lesson"), Outcome(wrong, day(0), False, "lesson")])
    assert (cards[right].box, cards[right].due) == (2, day(INTERVALS[1]))
    assert (cards[wrong].box, cards[wrong].due) == (1, day(INTERVALS[0]))


def test_reviewing_on_time_every_time_climbs_the_boxes_and_retires_the_card():
    outcomes = [Outcome(KEY, day(0), False, "quiz")]
    at = day(0)
    for box in range(1, LAST_BOX + 1):
        at = at + timedelta(days=INTERVALS[box - 1])
        outcomes.append(Outcome(KEY, at, True, "review"))
        card = fold(outcomes)[KEY]
        if box < LAST_BOX:
            assert card.box == box + 1
            assert card.due == at + timedelta(days=INTERVALS[box])
    assert fold(outcomes)[KEY].retired
    # Retired after about two months of spaced answers, and never due again.
    assert (at - day(0)).days == sum(INTERVALS)
    assert due_cards(fold(outcomes).values(), day(365)) == []


def test_a_miss_in_a_high_box_sends_the_card_back_to_box_one():
    outcomes = [
        Outcome(KEY, day(0), False, "quiz"),
        Outcome(KEY, day(1), True, "review"),
        Outcome(KEY, day(4), True, "review"),
        Outcome(KEY, day(11), False, "review"),
    ]
    card = fold(outcomes)[KEY]
    assert (card.box, card.due) == (1, day(12))


def test_retaking_the_quiz_right_before_the_card_is_due_does_not_promote_it():
    outcomes = [Outcome(KEY, day(0), False, "quiz"), Outcome(KEY, day(0.5), True, "quiz")]
    assert fold(outcomes)[KEY] == Card(KEY, 1, day(1))


def test_outcomes_are_folded_in_time_order_whatever_order_they_arrive_in():
    outcomes = [
        Outcome(KEY, day(1), True, "review"),
        Outcome(KEY, day(0), False, "quiz"),
    ]
    assert fold(outcomes)[KEY].box == 2


def test_three_weeks_of_a_learner_who_forgets_one_item_and_keeps_another():
    kept, forgotten = ("quiz:failure", "kept"), ("quiz:failure", "forgotten")
    outcomes = [Outcome(kept, day(0), False, "quiz"), Outcome(forgotten, day(0), False, "quiz")]
    for d in range(1, 22):
        cards = fold(outcomes)
        for card in due_cards(cards.values(), day(d)):
            outcomes.append(Outcome(card.key, day(d), card.key == kept, "review"))
    cards = fold(outcomes)
    assert cards[kept].box == 4  # right on days 1, 4 and 11; next due on day 25
    assert cards[kept].due == day(25)
    assert cards[forgotten].box == 1  # missed every day, so back every day
    reviews = [o for o in outcomes if o.origin == "review"]
    assert sum(o.key == forgotten for o in reviews) == 21
    assert sum(o.key == kept for o in reviews) == 3


def test_a_review_session_takes_lessons_in_turn():
    cards = [Card(("quiz:a", f"r{i}"), 1, day(i), lesson="replay") for i in range(4)] + [
        Card(("quiz:b", f"c{i}"), 1, day(i + 0.5), lesson="coupling") for i in range(2)
    ]
    session = interleave(cards, limit=5)
    assert [c.lesson for c in session] == ["replay", "coupling"] * 2 + ["replay"]
    assert all(a.lesson != b.lesson for a, b in pairwise(session))
    assert len(interleave(cards, limit=10)) == 6
