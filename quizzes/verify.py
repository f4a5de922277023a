"""Authoring-time checks: does what a question claims hold against the checker and the engine?

Used by the content system check (quizzes.checks), never while a learner answers.
"""

from __future__ import annotations

from naming.grammar import InvalidName, classify, suggest_rename
from quizzes.banks import KINDS, BankError, Question
from quizzes.grading import grade_rename, wrong_choices
from quizzes.predictions import predicted_answer
from quizzes.presenting import generated_name


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


def misconception_problems(question: Question, known: set[str]) -> list[tuple[str, str]]:
    """("unknown", ...) for a misconception id the catalogue lacks; ("feedback", ...) for a wrong
    choice that names no misconception or says nothing of its own."""
    where = f"question {question.id!r}"
    problems = []
    if question.misconception and question.misconception not in known:
        problems.append(
            ("unknown", f"{where}: the misconception {question.misconception!r} is not in the "
             "catalogue.")
        )  # fmt: skip
    for choice in wrong_choices(question):
        label = f"{where}, wrong choice {choice.text!r}"
        if not choice.misconception:
            problems.append(("feedback", f"{label}: name the `misconception` it stands for."))
        elif choice.misconception not in known:
            problems.append(
                ("unknown", f"{label}: the misconception {choice.misconception!r} is not in "
                 "the catalogue.")
            )  # fmt: skip
        if not choice.feedback:
            problems.append(("feedback", f"{label}: give it `feedback` of its own."))
    return problems


def longest_right_share(questions) -> tuple[float, int]:
    """How often the (single) right answer is strictly the longest choice, over the items with
    one right choice among listed ones, and how many such items there are."""
    longest = counted = 0
    for q in questions:
        if q.type not in ("choice", "twotier", "predict"):
            continue
        right = q.answer if q.type != "predict" or q.answer is not None else None
        if right is None:
            try:
                right = predicted_answer(q)
            except BankError:
                continue
        lengths = [len(c.text) for c in q.choices]
        others = [n for i, n in enumerate(lengths) if i != right]
        counted += 1
        longest += lengths[right] > max(others)
    return (longest / counted if counted else 0.0), counted
