"""``manage.py challenge``: list the challenge levels, or check that one is fair."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from naming.shared import course_classifier
from simulator.engine.levels import LevelError, list_levels, load_level, verify


class Command(BaseCommand):
    help = (
        "List the challenge levels (--list), or play a level's stored solution and the empty run "
        "and say which parts of the goal hold (NAME --check): exit 0 only when the solution "
        "solves the level and doing nothing does not."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="the level to check (see --list)")
        parser.add_argument("--list", action="store_true", help="list the levels and stop")
        parser.add_argument(
            "--check", action="store_true", help="play the solution and the empty run"
        )

    def handle(self, *args, **options):
        if options["list"]:
            for name in list_levels():
                level = load_level(name)
                self.stdout.write(
                    f"{level.order:>2}  {name:<32} par {level.par:<3} {level.title}"
                    f"  (lesson: {level.lesson})"
                )
            return
        name = options["name"]
        if not name or not options["check"]:
            raise CommandError("use --list, or NAME --check", returncode=2)
        try:
            level = load_level(name)
        except LevelError as error:
            raise CommandError(
                f"{error}; levels: {', '.join(list_levels())}", returncode=2
            ) from error
        verdict = verify(level, course_classifier)
        self.stdout.write(f"{level.title} ({name}), par {level.par}")
        for label, results in (
            ("stored solution", verdict.solution),
            ("doing nothing", verdict.empty),
        ):
            self.stdout.write(f"{label}:")
            for result in results:
                self.stdout.write(f"  [{'x' if result.holds else ' '}] {result.text}")
        if not verdict.solution_solves:
            raise CommandError("the stored solution does not solve the level", returncode=1)
        if verdict.empty_solves:
            raise CommandError("doing nothing solves the level", returncode=1)
        self.stdout.write("fair: the solution solves it and doing nothing does not")
