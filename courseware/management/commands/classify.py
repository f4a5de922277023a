"""``manage.py classify``: run the naming checker from the command line."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from naming.grammar import InvalidName, classify

FIELDS = ("name", "kind", "verb", "form", "explanation", "smell")


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        "Classify message names as event, command or unclear. Names come from the arguments, "
        "or from standard input one per line when no argument is given. Prints one JSON object "
        'per line with the keys "name", "kind", "verb", "form", "explanation" and "smell" '
        "(null, or the sentence naming a contradiction). A name that cannot be read (empty, "
        'over 200 characters, no letters) prints {"name": ..., "error": ...} on standard output '
        "instead and the rest carry on; the exit code is then 1, otherwise 0."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME", help="message names to classify")

    def handle(self, *args, **options):
        names = options["names"]
        if not names:
            stdin = options.get("stdin") or sys.stdin
            names = [line.rstrip("\r\n") for line in stdin]
        failed = 0
        for name in names:
            try:
                verdict = classify(name)
            except InvalidName as error:
                failed += 1
                record = {"name": name, "error": str(error)}
            else:
                full = verdict.to_dict()
                record = {key: full[key] for key in FIELDS}
            self.stdout.write(json.dumps(record, ensure_ascii=False))
        if failed:
            noun = "name" if failed == 1 else "names"
            raise CommandError(f"{failed} {noun} could not be read.", returncode=1)
