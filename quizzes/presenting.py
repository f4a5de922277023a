"""What one attempt shows of a question: pure, seeded per attempt.

A generated name, the order of items and the order of choices all come from the attempt's seed
and the question's id, so an attempt can be shown again exactly as it was and two attempts see
different orders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from naming.grammar import classify, split_words, suggest_rename
from quizzes.banks import KINDS, Generator, Question


@dataclass(frozen=True)
class Presented:
    """One question as one attempt shows it."""

    question: Question
    name: str = ""
    order: tuple[int, ...] = ()  # for ``order``: bank indices in the order they are shown
    # For ``choice`` and ``predict``: bank indices in the order shown. Answers still name the
    # bank index, so stored answers and statistics mean the same whatever order was shown.
    choice_order: tuple[int, ...] = ()
    reason_order: tuple[int, ...] = ()  # for ``twotier``: the second tier, shuffled the same way

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

    @property
    def shown_reasons(self) -> list[tuple[int, str]]:
        order = self.reason_order or range(len(self.question.reasons))
        return [(i, self.question.reasons[i].text) for i in order]


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
    if question.type in ("choice", "predict", "select", "twotier"):
        rng = _rng(seed, question)
        order = list(range(len(question.choices)))
        rng.shuffle(order)
        reasons = list(range(len(question.reasons)))
        rng.shuffle(reasons)
        return Presented(
            question, name=question.name, choice_order=tuple(order), reason_order=tuple(reasons)
        )
    return Presented(question, name=question.name)


def expected_kind(presented: Presented) -> str:
    q = presented.question
    if q.generate is not None:
        return classify(presented.name).kind
    return q.answer or classify(q.name).kind
