"""Which quiz items a teacher can ask the room, and how each kind becomes one poll."""

from __future__ import annotations

from classroom.polls import poll_question, poll_questions
from classroom.room import TEACHER, poll_counts
from quizzes.banks import load_banks
from tests.classroom.helpers import Room


def bank_items(kind: str):
    return [
        (f"{quiz.slug}/{q.id}", q)
        for quiz in load_banks().quizzes
        for q in quiz.questions
        if q.type == kind
    ]


def test_every_spot_the_bug_item_is_a_poll_with_its_steps_in_running_order():
    items = bank_items("spotbug")
    assert items
    for qid, q in items:
        poll = poll_question(qid)
        assert poll is not None, qid
        assert poll.prompt == q.prompt
        assert poll.choices == q.choice_texts
        assert poll.answer == q.answer


def test_a_classify_item_asks_event_or_command_about_its_name():
    stock = poll_question("foundations/classify-stock-reserved")
    assert stock.prompt == "Is StockReserved an event or a command?"
    assert stock.choices == ("Event", "Command")
    assert stock.choices[stock.answer] == "Event"
    reserve = poll_question("foundations/classify-reserve-stock")
    assert reserve.choices[reserve.answer] == "Command"
    fixed = [qid for qid, q in bank_items("classify") if q.generate is None]
    assert fixed
    assert all(poll_question(qid) is not None for qid in fixed)


def test_items_a_room_cannot_answer_with_one_choice_each_are_not_offered():
    asked = {p.id for p in poll_questions()}
    assert "naming/fresh-name" not in asked, "its name is drawn afresh for each learner"
    for kind in ("select", "twotier", "order", "rename"):
        items = bank_items(kind)
        assert items, kind
        assert not asked & {qid for qid, _ in items}, kind


def test_a_room_answers_and_reveals_a_classify_poll():
    room = Room()
    ana, ben = room.join("Ana", "Ben")
    question = poll_question("foundations/classify-reserve-stock")
    room.act(TEACHER, "poll", question=question.as_fields())
    room.act(ana, "answer", choice=question.answer)
    room.act(ben, "answer", choice=1 - question.answer)
    room.act(TEACHER, "reveal")
    poll = room.state.poll
    assert poll["revealed"]
    assert poll["choices"] == ["Event", "Command"]
    assert poll_counts(poll) == [1, 1]
    assert poll["choices"][poll["answer"]] == "Command"
