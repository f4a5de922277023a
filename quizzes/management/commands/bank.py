"""``manage.py bank --stats``: the question bank in figures, as one JSON object for authors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizzes.banks import BANKS_DIR, BankError, Banks, load_banks
from quizzes.grading import wrong_choices
from quizzes.misconceptions import CATALOGUE_PATH, Catalogue, load_catalogue


def bank_stats(banks: Banks, catalogue: Catalogue) -> dict:
    questions = [(quiz, q) for quiz in banks.quizzes for q in quiz.questions]
    without = 0
    for _, question in questions:
        try:
            wrong = wrong_choices(question)
        except BankError:
            # A predict question the engine does not bear out has no known right choice; every
            # choice is then counted as one the author still owes feedback for.
            wrong = list(question.choices)
        without += sum(1 for c in wrong if not (c.feedback and c.misconception))
    per_lesson = Counter(quiz.lesson_for(q) or "(none)" for quiz, q in questions)
    return {
        "items": len(questions),
        "misconceptions": len(catalogue.misconceptions),
        "choices_without_feedback": without,
        "types": dict(sorted(Counter(q.type for _, q in questions).items())),
        "items_per_lesson": dict(sorted(per_lesson.items())),
    }


class Command(BaseCommand):
    help = "Figures about the quiz bank for its authors."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stats", action="store_true", help="Print the bank's figures as one JSON object."
        )

    def handle(self, *args, stats=False, **options):
        if not stats:
            raise CommandError("Say what you want: --stats prints the bank's figures.")
        banks = load_banks(Path(getattr(settings, "QUIZ_BANKS_DIR", None) or BANKS_DIR))
        catalogue = load_catalogue(
            Path(getattr(settings, "QUIZ_MISCONCEPTIONS", None) or CATALOGUE_PATH)
        )
        self.stdout.write(json.dumps(bank_stats(banks, catalogue), sort_keys=False))
