"""Quiz questions a teacher can put to the room as a live poll.

Only questions with a fixed list of answers and one right one make a poll a class can answer at a
glance; the right answer of a "predict" question comes from a real engine run, as it does in the
quizzes. A "spot the bug" item's steps stay in their running order, and a "classify" item becomes
"event or command?" about its one name (a name drawn afresh for each learner cannot be shown to a
whole room). Questions about the room's own run (classroom/room_questions.py) are answered from
the room instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from classroom.room_questions import QUESTIONS
from quizzes.banks import load_banks
from quizzes.grading import predicted_answer
from quizzes.presenting import expected_kind, present

POLL_TYPES = ("choice", "predict", "truefalse", "spotbug", "classify")
KINDS = ("event", "command")


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
            if q.type not in POLL_TYPES or (q.type == "classify" and q.generate is not None):
                continue
            prompt = q.prompt
            if q.type == "classify":
                prompt = (
                    f"{q.prompt} ({q.name})" if q.prompt else f"Is {q.name} an event or a command?"
                )
                choices, answer = ("Event", "Command"), KINDS.index(expected_kind(present(q, 0)))
            elif q.type == "truefalse":
                choices, answer = ("True", "False"), 0 if q.answer else 1
            elif q.type == "predict":
                choices, answer = q.choice_texts, predicted_answer(q)
            else:
                choices, answer = q.choice_texts, int(q.answer)
            found.append(
                PollQuestion(
                    id=f"{quiz.slug}/{q.id}",
                    quiz=quiz.title,
                    prompt=prompt,
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
