"""Quiz questions a teacher can put to the room as a live poll.

Only questions with a fixed list of answers make a poll a class can answer at a glance; the right
answer of a "predict" question comes from a real engine run, as it does in the quizzes. Questions
about the room's own run (classroom/room_questions.py) are answered from the room instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from classroom.room_questions import QUESTIONS
from quizzes.banks import load_banks
from quizzes.grading import predicted_answer

POLL_TYPES = ("choice", "predict", "truefalse")


@dataclass(frozen=True)
class PollQuestion:
    id: str  # "<quiz slug>/<question id>"
    quiz: str
    prompt: str
    choices: tuple[str, ...]
    answer: int
    explanation: str

    def as_fields(self) -> dict:
        return {
            "id": self.id,
            "prompt": self.prompt,
            "choices": list(self.choices),
            "answer": self.answer,
            "explanation": self.explanation,
        }


@cache
def poll_questions() -> tuple[PollQuestion, ...]:
    found = []
    for quiz in load_banks().quizzes:
        for q in quiz.questions:
            if q.type not in POLL_TYPES:
                continue
            if q.type == "truefalse":
                choices, answer = ("True", "False"), 0 if q.answer else 1
            elif q.type == "predict":
                choices, answer = q.choice_texts, predicted_answer(q)
            else:
                choices, answer = q.choice_texts, int(q.answer)
            found.append(
                PollQuestion(
                    id=f"{quiz.slug}/{q.id}",
                    quiz=quiz.title,
                    prompt=q.prompt,
                    choices=tuple(choices),
                    answer=answer,
                    explanation=q.explanation,
                )
            )
    return tuple(found)


@dataclass(frozen=True)
class RoomQuestion:
    """A question about the room's own run: the room works out its choices and answer when it
    is asked, from what happened in it."""

    id: str
    prompt: str
    quiz: str = "This room's run"

    def as_fields(self) -> dict:
        return {"id": self.id, "computed": True}


ROOM_QUESTIONS = tuple(RoomQuestion(id=qid, prompt=label) for qid, label in QUESTIONS.items())


def poll_question(question_id: object) -> PollQuestion | RoomQuestion | None:
    if not isinstance(question_id, str):
        return None
    return next((q for q in all_questions() if q.id == question_id), None)


def all_questions() -> tuple[PollQuestion | RoomQuestion, ...]:
    """What the teacher may ask: the quiz banks' questions, then the room's own."""
    return (*poll_questions(), *ROOM_QUESTIONS)
