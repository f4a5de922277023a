"""``manage.py simulate``: play a guided scenario and print its trace."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from naming.shared import course_classifier
from simulator.engine import DomainError, list_scenarios, load_scenario, narrate


class Command(BaseCommand):
    help = (
        "Run a guided scenario of the simulator and print its trace: a narration by default, "
        "or one JSON record per line."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="the scenario to run (see --list)")
        parser.add_argument("--list", action="store_true", help="list the scenarios and stop")
        parser.add_argument("--seed", type=int, help="seed to use instead of the scenario's own")
        parser.add_argument(
            "--format",
            choices=("text", "jsonl"),
            default="text",
            help="text (a sentence per record, the default) or jsonl",
        )

    def handle(self, *args, **options):
        if options["list"]:
            for name in list_scenarios():
                self.stdout.write(f"{name:<22} {load_scenario(name).title}")
            return
        name = options["name"]
        if not name:
            raise CommandError(
                f"name a scenario, or use --list; scenarios: {', '.join(list_scenarios())}",
                returncode=2,
            )
        try:
            scenario = load_scenario(name)
            engine = scenario.run(seed=options["seed"], classify_name=course_classifier)
        except DomainError as error:
            raise CommandError(str(error), returncode=2) from error
        if options["format"] == "jsonl":
            for step in engine.trace:
                self.stdout.write(json.dumps(step.to_dict(), sort_keys=True))
            return
        self.stdout.write(f"{scenario.title} (seed {engine.seed})")
        for step in engine.trace:
            self.stdout.write(narrate(step))
