"""``manage.py asyncapi FILE``: judge every message of an AsyncAPI document, for a team's CI.

Exit status: 0 when every message is clean, 1 when at least one smells, 2 when the document
cannot be used (unreadable, invalid, unsafe), with a one-line reason on standard error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from systems.judging import has_smells, judge
from systems.loading import MAX_BYTES, DocumentError, load
from systems.mapping import to_design


class Command(BaseCommand):
    help = "Judge each message of an AsyncAPI document by its name and by how it travels."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="an AsyncAPI 2.x or 3.x document, YAML or JSON")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
            text = raw.decode("utf-8")
            design = to_design(load(text))
        except OSError as error:
            self._refuse(f"cannot read {path}: {error.strerror or error}")
        except UnicodeDecodeError:
            self._refuse(f"{path}: the document is not UTF-8 text.")
        except DocumentError as error:
            self._refuse(f"{path}: {error}")
        judgements = judge(design)
        out = self.stdout
        if options["format"] == "json":
            for judgement in judgements:
                out.write(json.dumps(judgement.to_json(), ensure_ascii=False))
        else:
            for judgement in judgements:
                route = judgement.route
                out.write(
                    f"{route.message} on {route.channel}: {judgement.kind}"
                    f" (by name: {judgement.kind_by_name}, by shape: {judgement.kind_by_shape})"
                )
                for smell in judgement.smells:
                    out.write(f"  smell {smell.code}: {smell.text}")
                if judgement.rename:
                    out.write(f"  rename: {judgement.rename}")
            smelly = sum(1 for j in judgements if j.smells)
            out.write(f"{len(judgements)} messages, {smelly} with smells.")
        sys.exit(1 if has_smells(judgements) else 0)

    def _refuse(self, reason: str) -> None:
        self.stderr.write(" ".join(reason.split()))
        sys.exit(2)
