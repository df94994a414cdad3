"""Say where an organisation is based and the support it offers, as the operator:
`kindred organisation update SLUG --postcode "LS8 2AP" --offers befriending,group`. A network
admin uses both to choose where a referral sent to the network's front door goes (ADR-092)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.accounts.models import Organisation
from kindred.accounts.reach import operator
from kindred.referrals.network import SUPPORT_KINDS, PlaceError, organisation_place_locate


class Command(BaseCommand):
    help = "Say where an organisation is based and the kinds of support it offers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="organisation slug")
        parser.add_argument("--postcode", required=True, help='its base, e.g. "LS8 2AP"')
        parser.add_argument(
            "--offers",
            default="",
            help="kinds of support, comma-separated: "
            + ",".join(str(kind) for kind in SUPPORT_KINDS),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation with the slug {options['organisation']!r}")
        offers = [kind.strip() for kind in options["offers"].split(",") if kind.strip()]
        try:
            placed = organisation_place_locate(
                by=operator("kindred organisation update"),
                organisation=organisation,
                postcode=options["postcode"],
                support_offered=offers,
            )
        except PlaceError as error:
            raise CommandError(str(error)) from error
        offered = ", ".join(placed.support_offered) or "nothing recorded"
        self.stdout.write(f"{placed.name}: based at {placed.base_postcode}; offers {offered}")
