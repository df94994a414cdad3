"""`seed demo`: the demo network (idempotent). `seed scale`: large generated data for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.nonprod.demo import seed_demo
from kindred.nonprod.scale import seed_scale


def _quiet(line: str) -> None:
    """Verbosity 0: say nothing."""


class Command(BaseCommand):
    help = "Add demo data, or large generated data for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["demo", "scale"])
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--volunteers", type=int, default=1_000)
        parser.add_argument("--organisations", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["kind"] == "demo":
            seed_demo(log=self.stdout.write if options["verbosity"] > 0 else _quiet)
        else:
            try:
                counts = seed_scale(
                    people=options["people"],
                    volunteers=options["volunteers"],
                    organisations=options["organisations"],
                    progress=options["verbosity"] > 0,
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"Added {counts['people']:,} people and {counts['volunteers']:,} volunteers "
                f"across {counts['organisations']} organisations."
            )
        if options["verbosity"] > 0:
            self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
