"""`seed demo`: the demo network (idempotent). `seed scale`: large generated data for benchmarks
(one city-size organisation and smaller ones: kindred.nonprod.scale)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.nonprod.demo import seed_demo
from kindred.nonprod.scale import CITY, ScaleError, Size, seed_scale


def _quiet(line: str) -> None:
    """Verbosity 0: say nothing."""


def add_scale_options(parser: Any) -> None:
    """The options of `seed scale` (shared with the `kindred seed` command line)."""
    parser.add_argument(
        "--people", type=int, default=CITY.people, help="people in the city-size organisation"
    )
    parser.add_argument(
        "--referrals", type=int, default=CITY.referrals, help="referrals there, in every state"
    )
    parser.add_argument(
        "--volunteers",
        "--befrienders",
        dest="volunteers",
        type=int,
        default=CITY.befrienders,
        help="active befrienders there (with DBS "
        "checks, training and matching profiles; a tenth more in recruitment)",
    )
    parser.add_argument(
        "--relationships",
        type=int,
        default=CITY.relationships,
        help="relationships there (40%% open), each from a referral",
    )
    parser.add_argument(
        "--contacts", type=int, default=CITY.contacts, help="contacts per relationship, on average"
    )
    parser.add_argument(
        "--organisations",
        type=int,
        default=3,
        help="organisations in the network: the city-size one and smaller ones",
    )
    parser.add_argument(
        "--smaller-share",
        type=float,
        default=0.1,
        help="each smaller organisation's size as a share of the city's",
    )
    parser.add_argument("--seed", type=int, default=1,
                        help="the random seed: the same seed makes the same data")  # fmt: skip


class Command(BaseCommand):
    help = "Add demo data, or large generated data for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["demo", "scale"])
        add_scale_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        talk = options["verbosity"] > 0
        if options["kind"] == "demo":
            seed_demo(log=self.stdout.write if talk else _quiet)
        else:
            size = Size(
                people=options["people"],
                referrals=options["referrals"],
                befrienders=options["volunteers"],
                relationships=options["relationships"],
                contacts=options["contacts"],
            )
            try:
                counts = seed_scale(
                    size=size,
                    organisations=options["organisations"],
                    smaller_share=options["smaller_share"],
                    seed=options["seed"],
                    progress=talk,
                    log=self.stdout.write if talk else _quiet,
                )
            except ScaleError as error:
                raise CommandError(str(error)) from error
            made = ", ".join(f"{n:,} {label}" for label, n in counts.items())
            self.stdout.write(f"Added {made}.")
        if talk:
            self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
