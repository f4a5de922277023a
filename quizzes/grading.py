"""Reading and grading quiz answers: pure functions, no database, no request.

Two kinds of question are graded by the course's own machinery rather than by a stored key:
``rename`` answers go through the naming checker, and ``predict`` questions keep the choice whose
trace predicate holds on an engine run (quizzes.predictions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from naming.grammar import MAX_LENGTH, InvalidName, classify, split_words, suggest_rename
from quizzes.banks import KINDS, BankError, Choice, Question
from quizzes.predictions import predicted_answer
from quizzes.presenting import Presented, expected_kind

MAX_ANSWER_CHARS = MAX_LENGTH
LABEL_WORDS = frozenset({"event", "evt", "command", "cmd", "integration", "domain", "message"})


class InvalidAnswer(ValueError):
    """A submitted answer the question cannot take; the sentence is for the learner."""


@dataclass(frozen=True)
class Graded:
    correct: bool
    response: str  # canonical form, as stored
    your_answer: str  # what the learner answered, in words
    right_answer: str
    feedback: str = ""  # what the checker read, or what the chosen wrong choice says
    misconceptions: tuple[str, ...] = ()  # catalogue ids the wrong answer points to


# --------------------------------------------------------------------------------------------
# Reading answers


def _index(raw: str | None, n: int) -> int:
    if raw is None or not str(raw).strip():
        raise InvalidAnswer("Pick one of the answers first.")
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise InvalidAnswer("That answer is not one of the choices.") from None
    if not 0 <= value < n:
        raise InvalidAnswer("That answer is not one of the choices.")
    return value


def parse_answer(presented: Presented, data: Mapping[str, Any]) -> str:
    """The canonical form of a submitted answer, or InvalidAnswer saying what to fix."""
    q = presented.question
    if q.type == "select":
        # A form posts one `answer` field per ticked box; a plain mapping may hold a list.
        values = data.getlist("answer") if hasattr(data, "getlist") else data.get("answer")
        if isinstance(values, str):
            values = [values]
        if not values:
            raise InvalidAnswer("Tick every answer that applies, at least one.")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidAnswer("That answer is not one of the choices.")
        picked = sorted({_index(v, len(q.choices)) for v in values})
        return ",".join(str(i) for i in picked)
    raw = data.get("answer")
    if raw is not None and not isinstance(raw, str):
        raise InvalidAnswer("That answer is not one of the choices.")
    if q.type == "classify":
        if not raw:
            raise InvalidAnswer("Choose event or command first.")
        if raw not in KINDS:
            raise InvalidAnswer("The answer is either event or command.")
        return raw
    if q.type == "truefalse":
        if not raw:
            raise InvalidAnswer("Choose true or false first.")
        if raw not in ("true", "false"):
            raise InvalidAnswer("The answer is either true or false.")
        return raw
    if q.type in ("choice", "predict", "spotbug"):
        return str(_index(raw, len(q.choices)))
    if q.type == "twotier":
        reason = data.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise InvalidAnswer("That reason is not one of the choices.")
        if not raw or not reason:
            raise InvalidAnswer("Pick an answer and the reason for it.")
        return f"{_index(raw, len(q.choices))}:{_index(reason, len(q.reasons))}"
    if q.type == "rename":
        text = (raw or "").strip()
        if not text:
            raise InvalidAnswer("Type a new name first.")
        if len(text) > MAX_ANSWER_CHARS:
            raise InvalidAnswer(f"A message name has at most {MAX_ANSWER_CHARS} characters.")
        if any(ch.isspace() for ch in text):
            # The checker reads loose words for the naming page; a name in code has none.
            raise InvalidAnswer(
                "A message name has no spaces: join its words, as in OrderPlaced, "
                "order_placed or order.placed."
            )
        try:
            classify(text)
        except InvalidName as exc:
            raise InvalidAnswer(f"The checker cannot read that as a name: {exc}") from None
        return text
    if q.type == "order":
        n = len(q.items)
        positions = {}
        for i in range(n):
            value = data.get(f"position-{i}")
            if not isinstance(value, str) or not value.strip():
                raise InvalidAnswer("Give every item a position.")
            try:
                position = int(value)
            except ValueError:
                raise InvalidAnswer("A position is a number from the list.") from None
            if not 1 <= position <= n:
                raise InvalidAnswer(f"Positions run from 1 to {n}.")
            positions[i] = position
        if len(set(positions.values())) != n:
            raise InvalidAnswer("Each position can be used once: two items share a place.")
        return ",".join(str(i) for i, _ in sorted(positions.items(), key=lambda kv: kv[1]))
    raise InvalidAnswer("This question cannot take an answer.")


# --------------------------------------------------------------------------------------------
# Grading


def _article(kind: str) -> str:
    return f"an {kind}" if kind == "event" else f"a {kind}"


def _same_word(a: str, b: str) -> bool:
    return a == b or a == b + "s" or b == a + "s" or a == b + "es" or b == a + "es"


def _nouns(name: str, verb: str | None) -> list[str]:
    verb_words = set(split_words(verb)) if verb else set()
    return [w for w in split_words(name) if w not in verb_words and w not in LABEL_WORDS]


def grade_rename(question: Question, text: str) -> tuple[bool, str]:
    """Right when the checker reads the new name as the target kind, with the same verb and
    nouns; otherwise a sentence saying what the checker saw."""
    target = question.target
    original = classify(question.name)
    verdict = classify(text)
    better = suggest_rename(question.name, target)
    if split_words(text) == split_words(question.name):
        return False, f"That is still {question.name}: the verb has to change its form."
    if any(split_words(text) == split_words(other) for other in question.accept):
        return True, verdict.explanation
    if verdict.kind != target:
        reads = "neither" if verdict.kind == "unclear" else _article(verdict.kind)
        return False, f"The checker reads {text} as {reads}. {verdict.explanation}"
    if verdict.smell:
        return False, verdict.smell
    if original.lemma and verdict.lemma != original.lemma:
        return False, (
            f"{text} does read as {_article(target)}, but its verb is \u201c{verdict.lemma}\u201d "
            f"where {question.name} was about \u201c{original.lemma}\u201d. A rename keeps the "
            f"meaning and changes only the grammar, as in {better}."
        )
    mine = _nouns(text, verdict.verb)
    missing = [
        w for w in _nouns(question.name, original.verb) if not any(_same_word(w, m) for m in mine)
    ]
    if missing:
        return False, (
            f"{text} reads as {_article(target)}, but it lost \u201c{' '.join(missing)}\u201d: "
            f"keep what the message is about, as in {better}."
        )
    return True, verdict.explanation


def describe(presented: Presented, response: str) -> str:
    """A stored answer in words, for the results and the statistics."""
    q = presented.question
    try:
        if q.type in ("choice", "predict", "spotbug"):
            return q.choices[int(response)].text
        if q.type == "select":
            return "; ".join(q.choices[int(i)].text for i in response.split(","))
        if q.type == "twotier":
            answer, reason = (int(part) for part in response.split(":"))
            return f"{q.choices[answer].text}, because {_lower(q.reasons[reason].text)}"
        if q.type == "truefalse":
            return "True" if response == "true" else "False"
        if q.type == "classify":
            return response.capitalize()
        if q.type == "order":
            return " \u2192 ".join(q.items[int(i)] for i in response.split(","))
    except (ValueError, IndexError):
        return response
    return response


def right_answer(presented: Presented) -> str:
    q = presented.question
    if q.type == "classify":
        return expected_kind(presented).capitalize()
    if q.type == "truefalse":
        return "True" if q.answer else "False"
    if q.type in ("choice", "spotbug"):
        return q.choices[q.answer].text
    if q.type == "select":
        return "; ".join(c.text for c in q.choices if c.correct)
    if q.type == "twotier":
        return f"{q.choices[q.answer].text}, because {_lower(q.reasons[q.reason].text)}"
    if q.type == "predict":
        return q.choices[predicted_answer(q)].text
    if q.type == "rename":
        return suggest_rename(q.name, q.target) or ""
    if q.type == "order":
        return " \u2192 ".join(q.items)
    return ""


def grade(presented: Presented, response: str) -> Graded:
    """Grade a canonical answer (from :func:`parse_answer`)."""
    q = presented.question
    feedback = ""
    if q.type == "classify":
        correct = response == expected_kind(presented)
    elif q.type == "truefalse":
        correct = response == ("true" if q.answer else "false")
    elif q.type in ("choice", "spotbug"):
        correct = int(response) == q.answer
    elif q.type == "select":
        correct = {int(i) for i in response.split(",")} == q.right_choices
    elif q.type == "twotier":
        correct = response == f"{q.answer}:{q.reason}"
    elif q.type == "predict":
        correct = int(response) == predicted_answer(q)
    elif q.type == "rename":
        correct, feedback = grade_rename(q, response)
    elif q.type == "order":
        correct = response == ",".join(str(i) for i in range(len(q.items)))
    else:  # pragma: no cover - the bank loader refuses other types
        raise BankError(f"unknown question type {q.type!r}")
    misconceptions: tuple[str, ...] = ()
    if not correct:
        wrong = wrong_picks(q, response)
        if wrong:
            feedback = " ".join(c.feedback for c in wrong if c.feedback) or feedback
            misconceptions = tuple(dict.fromkeys(c.misconception for c in wrong if c.misconception))
        elif q.misconception:
            misconceptions = (q.misconception,)
            feedback = q.feedback or feedback
        elif q.feedback:
            feedback = q.feedback
    return Graded(
        correct=correct,
        response=response,
        your_answer=describe(presented, response),
        right_answer=right_answer(presented),
        feedback=feedback,
        misconceptions=misconceptions,
    )


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def wrong_picks(question: Question, response: str) -> list[Choice]:
    """The wrong choices an answer picked (both tiers for two-tier), in bank order."""
    q = question
    try:
        if q.type in ("choice", "spotbug"):
            i = int(response)
            return [q.choices[i]] if i != q.answer else []
        if q.type == "predict":
            i = int(response)
            return [q.choices[i]] if i != predicted_answer(q) else []
        if q.type == "select":
            picked = {int(i) for i in response.split(",")}
            return [c for i, c in enumerate(q.choices) if i in picked and not c.correct]
        if q.type == "twotier":
            answer, reason = (int(part) for part in response.split(":"))
            picks = [q.choices[answer]] if answer != q.answer else []
            return picks + ([q.reasons[reason]] if reason != q.reason else [])
    except (ValueError, IndexError):
        return []
    return []


def wrong_choices(question: Question) -> list[Choice]:
    """Every choice that would be a wrong pick: what the bank owes a misconception for."""
    q = question
    if q.type == "select":
        return [c for c in q.choices if not c.correct]
    if q.type == "twotier":
        return [c for i, c in enumerate(q.choices) if i != q.answer] + [
            c for i, c in enumerate(q.reasons) if i != q.reason
        ]
    if q.type in ("choice", "spotbug"):
        return [c for i, c in enumerate(q.choices) if i != q.answer]
    if q.type == "predict":
        right = q.answer if q.answer is not None else predicted_answer(q)
        return [c for i, c in enumerate(q.choices) if i != right]
    return []


def score(graded: Iterable[Graded]) -> int:
    return sum(g.correct for g in graded)
