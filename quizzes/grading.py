"""Presenting, reading and grading quiz answers: pure functions, no database, no request.

Two kinds of question are graded by the course's own machinery rather than by a stored key:
``rename`` answers go through the naming checker, and ``predict`` questions run the simulator's
engine and keep the choice whose trace predicate holds. What a learner sees in an attempt
(a generated name, the shuffled order of items or choices) comes from the attempt's seed, so the
attempt can be shown again exactly as it was.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from naming.grammar import MAX_LENGTH, InvalidName, classify, split_words, suggest_rename
from quizzes.banks import KINDS, BankError, Generator, Question

MAX_ANSWER_CHARS = MAX_LENGTH
LABEL_WORDS = frozenset({"event", "evt", "command", "cmd", "integration", "domain", "message"})


class InvalidAnswer(ValueError):
    """A submitted answer the question cannot take; the sentence is for the learner."""


@dataclass(frozen=True)
class Presented:
    """One question as one attempt shows it."""

    question: Question
    name: str = ""
    order: tuple[int, ...] = ()  # for ``order``: bank indices in the order they are shown
    # For ``choice`` and ``predict``: bank indices in the order shown. Answers still name the
    # bank index, so stored answers and statistics mean the same whatever order was shown.
    choice_order: tuple[int, ...] = ()

    @property
    def prompt(self) -> str:
        q = self.question
        if q.type == "classify":
            return q.prompt or "Is this name an event or a command?"
        if q.type == "rename":
            article = "an" if q.target == "event" else "a"
            return q.prompt or f"Rename this message so that it reads as {article} {q.target}."
        return q.prompt

    @property
    def shown_items(self) -> list[tuple[int, str]]:
        return [(i, self.question.items[i]) for i in self.order]

    @property
    def shown_choices(self) -> list[tuple[int, str]]:
        order = self.choice_order or range(len(self.question.choices))
        return [(i, self.question.choices[i].text) for i in order]


@dataclass(frozen=True)
class Graded:
    correct: bool
    response: str  # canonical form, as stored
    your_answer: str  # what the learner answered, in words
    right_answer: str
    feedback: str = ""  # what the checker read, for rename answers


# --------------------------------------------------------------------------------------------
# Presenting


def _rng(seed: int, question: Question) -> random.Random:
    return random.Random(f"{seed}:{question.id}")


def _style(words: list[str], style: str) -> str:
    words = [w.lower() for w in words]
    if style == "snake":
        return "_".join(words)
    if style == "kebab":
        return "-".join(words)
    if style == "dotted":
        return ".".join(words)
    pascal = "".join(w[:1].upper() + w[1:] for w in words)
    return pascal[:1].lower() + pascal[1:] if style == "camel" else pascal


def generated_name(generator: Generator, verb: str, noun: str, kind: str, style: str) -> str:
    """A name built from the verb and noun banks that should read as ``kind``."""
    command = _style([verb, *split_words(noun)], "pascal")
    if kind == "command":
        return _style(split_words(command), style)
    event = suggest_rename(command, "event") or command
    return _style(split_words(event), style)


def generate(question: Question, seed: int) -> tuple[str, str]:
    """The name and its kind that ``seed`` draws for a generated classify question."""
    gen = question.generate
    assert gen is not None
    rng = _rng(seed, question)
    kind = rng.choice(KINDS)
    verb, noun, style = rng.choice(gen.verbs), rng.choice(gen.nouns), rng.choice(gen.styles)
    return generated_name(gen, verb, noun, kind, style), kind


def present(question: Question, seed: int) -> Presented:
    if question.type == "classify" and question.generate is not None:
        return Presented(question, name=generate(question, seed)[0])
    if question.type == "order":
        order = list(range(len(question.items)))
        rng = _rng(seed, question)
        while len(order) > 1 and order == sorted(order):
            rng.shuffle(order)
        return Presented(question, order=tuple(order))
    if question.type in ("choice", "predict"):
        order = list(range(len(question.choices)))
        _rng(seed, question).shuffle(order)
        return Presented(question, name=question.name, choice_order=tuple(order))
    return Presented(question, name=question.name)


def expected_kind(presented: Presented) -> str:
    q = presented.question
    if q.generate is not None:
        return classify(presented.name).kind
    return q.answer or classify(q.name).kind


# --------------------------------------------------------------------------------------------
# Predict-the-outcome: the engine decides


def _spec(question: Question) -> str:
    return json.dumps(
        {
            "scenario": question.scenario,
            "inputs": list(question.inputs),
            "seed": question.seed,
            "checks": [c.check for c in question.choices],
        },
        sort_keys=True,
        default=str,
    )


def run_engine(question: Question):
    """The engine after playing the question's scenario or inputs to the end."""
    from simulator.classifier import course_classifier
    from simulator.engine import Engine, load_scenario

    if question.scenario:
        return load_scenario(question.scenario).run(classify_name=course_classifier)
    engine = Engine(seed=question.seed, classify_name=course_classifier)
    for item in question.inputs:
        engine.apply(dict(item))
    engine.run()
    return engine


def holds(check: Mapping[str, Any], engine) -> bool:
    """A trace predicate in the engine's check language (``simulator.engine.predicates``)."""
    from simulator.engine.predicates import CheckError, shape_problem
    from simulator.engine.predicates import holds as run_holds

    problem = shape_problem(check)
    if problem:
        raise BankError(f"{problem}: {dict(check)}")
    try:
        return run_holds(check, engine)
    except CheckError as error:
        raise BankError(str(error)) from error


_OUTCOMES: dict[str, tuple[bool, ...]] = {}


def predict_outcomes(question: Question) -> tuple[bool, ...]:
    """Which choices' predicates hold on the engine run (the run is deterministic, so cached)."""
    key = _spec(question)
    if key not in _OUTCOMES:
        engine = run_engine(question)
        _OUTCOMES[key] = tuple(holds(c.check or {}, engine) for c in question.choices)
    return _OUTCOMES[key]


def predicted_answer(question: Question) -> int:
    """The one choice the engine bears out; BankError when none or several do."""
    outcomes = predict_outcomes(question)
    right = [i for i, ok in enumerate(outcomes) if ok]
    if len(right) != 1:
        raise BankError(
            f"question {question.id!r}: the engine run matches {len(right)} choices "
            f"({', '.join(str(i) for i in right) or 'none'}); exactly one must match."
        )
    return right[0]


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
    if q.type in ("choice", "predict"):
        return str(_index(raw, len(q.choices)))
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
        if q.type in ("choice", "predict"):
            return q.choices[int(response)].text
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
    if q.type == "choice":
        return q.choices[q.answer].text
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
    elif q.type == "choice":
        correct = int(response) == q.answer
    elif q.type == "predict":
        correct = int(response) == predicted_answer(q)
    elif q.type == "rename":
        correct, feedback = grade_rename(q, response)
    elif q.type == "order":
        correct = response == ",".join(str(i) for i in range(len(q.items)))
    else:  # pragma: no cover - the bank loader refuses other types
        raise BankError(f"unknown question type {q.type!r}")
    return Graded(
        correct=correct,
        response=response,
        your_answer=describe(presented, response),
        right_answer=right_answer(presented),
        feedback=feedback,
    )


def score(graded: Iterable[Graded]) -> int:
    return sum(g.correct for g in graded)


# --------------------------------------------------------------------------------------------
# Verifying a bank against the checker and the engine


def verify_question(
    question: Question,
    *,
    lessons: set[str] | None = None,
    scenarios: set[str] | None = None,
) -> list[str]:
    """Problems with what a question claims: every one a sentence naming the question."""
    where = f"question {question.id!r}"
    problems = []
    if question.lesson and lessons is not None and question.lesson not in lessons:
        problems.append(f"{where}: `lesson` names the unknown lesson {question.lesson!r}.")
    try:
        if question.type == "classify":
            problems += _verify_classify(question, where)
        elif question.type == "rename":
            problems += _verify_rename(question, where)
        elif question.type == "predict":
            problems += _verify_predict(question, where, scenarios)
    except InvalidName as exc:
        problems.append(f"{where}: the checker cannot read the name: {exc}")
    return problems


def _verify_classify(question: Question, where: str) -> list[str]:
    if question.generate is None:
        verdict = classify(question.name)
        if verdict.kind == "unclear":
            return [f"{where}: the checker finds no verdict for {question.name}; pick a name "
                    "whose verb decides it."]  # fmt: skip
        if question.answer and verdict.kind != question.answer:
            return [
                f"{where}: the bank expects {question.answer} but the checker reads "
                f"{question.name} as {verdict.kind} ({verdict.explanation})"
            ]
        return []
    gen = question.generate
    problems = []
    for verb in gen.verbs:
        for noun in gen.nouns:
            for kind in KINDS:
                for style in gen.styles:
                    name = generated_name(gen, verb, noun, kind, style)
                    verdict = classify(name)
                    if verdict.kind != kind or verdict.smell:
                        problems.append(
                            f"{where}: the generated {kind} {name} (from {verb!r} and "
                            f"{noun!r}) reads as {verdict.kind}; drop that verb or noun."
                        )
    return problems


def _verify_rename(question: Question, where: str) -> list[str]:
    verdict = classify(question.name)
    if verdict.kind == question.target:
        return [f"{where}: {question.name} already reads as {question.target}."]
    better = suggest_rename(question.name, question.target)
    if not better:
        return [f"{where}: the checker has no {question.target} rename for {question.name}."]
    ok, why = grade_rename(question, better)
    if not ok:
        return [f"{where}: the suggested rename {better} would be graded wrong: {why}"]
    problems = []
    for other in question.accept:
        verdict = classify(other)
        if verdict.kind != question.target or verdict.smell:
            problems.append(
                f"{where}: the accepted name {other} does not read as {question.target} "
                f"({verdict.smell or verdict.explanation})"
            )
    return problems


def _verify_predict(question: Question, where: str, scenarios: set[str] | None) -> list[str]:
    from simulator.engine import EngineError

    if question.scenario and scenarios is not None and question.scenario not in scenarios:
        return [f"{where}: the scenario {question.scenario!r} is unknown."]
    try:
        answer = predicted_answer(question)
    except BankError as exc:
        return [str(exc)]
    except EngineError as exc:
        return [f"{where}: the engine refused the question's run: {exc}"]
    if question.answer is not None and question.answer != answer:
        return [
            f"{where}: `answer` is {question.answer} but the engine run bears out choice "
            f"{answer} ({question.choices[answer].text!r})."
        ]
    return []
