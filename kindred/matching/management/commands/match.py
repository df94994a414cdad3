"""Print the suggested matches for an organisation, with why. Never accepts anything: without
--dry-run each proposal is recorded in the audit log for the coordinators to decide on."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.matching.services import proposals_record
from kindred.matching.suggest import suggest


class Command(BaseCommand):
    help = "Print suggested matches for an organisation (a coordinator accepts them on the site)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="organisation slug")
        parser.add_argument(
            "--dry-run", action="store_true", help="print only; record nothing in the audit log"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['organisation']!r}")
        result = suggest(organisation=organisation)
        by = Acting.system("kindred match", organisation=organisation)
        for proposal in result.proposals:
            names = " and ".join(c.volunteer.display_name for c in proposal.supporters)
            self.stdout.write(
                f"{proposal.referral.person.display_name} with {names}"
                + (" (a pair of supporters)" if proposal.is_pair else "")
            )
            for chosen in proposal.supporters:
                self.stdout.write(
                    f"    {chosen.volunteer.display_name} (by {chosen.meeting}): "
                    f"{chosen.explanation}"
                )
                if chosen.concern:
                    self.stdout.write(f"      {chosen.concern.sentence}.")
            for other in proposal.alternatives:
                self.stdout.write(
                    f"    or {other.volunteer.display_name} (by {other.meeting}): "
                    f"{other.explanation}"
                )
                if other.concern:
                    self.stdout.write(f"      {other.concern.sentence}.")
        if not options["dry_run"]:
            proposals_record(by=by, proposals=result.proposals)
        for referral in result.without_supporter:
            pair = result.needs.get(referral.pk, 1) == 2
            self.stdout.write(
                f"{referral.person.display_name}: no "
                f"{'pair of supporters' if pair else 'supporter'} available yet"
            )
        self.stdout.write(
            f"{len(result.proposals)} proposed, {len(result.without_supporter)} without a supporter. "
            "Nothing was accepted: coordinators decide on the matching pages."
        )
