"""Make an API token for an organisation, or for a network's front door, and print it once:
`kindred token create`; revoke one by its first characters: `kindred token revoke`. Each token
holds scopes (ADR-119): `--scope` (repeatable) narrows an organisation's token, which otherwise
may do everything; a GP practice's or a network's token only sends referrals."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.accounts.models import EVERY_SCOPE, Network, Organisation
from kindred.accounts.reach import operator
from kindred.accounts.services import TokenError, api_token_create, api_token_revoke_by_prefix
from kindred.core.services import Acting


class Command(BaseCommand):
    help = (
        "Make an API token for an organisation's FHIR and JSON APIs, or for a network's front door "
        "(ADR-092), and print it (shown once); or revoke one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "revoke"])
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--organisation", help="organisation slug")
        where.add_argument(
            "--network",
            help="network slug: its referrals land in the network's inbox, for a network "
            "admin to send on",
        )
        parser.add_argument("--name", default="", help="which system will use it (create)")
        parser.add_argument("--practice", default="", help="the GP practice's ODS code, if any")
        parser.add_argument(
            "--prefix", default="", help="the token's first characters, as shown (revoke)"
        )
        parser.add_argument(
            "--scope",
            action="append",
            default=None,
            help=f"what it may do (repeatable; create): {', '.join(sorted(EVERY_SCOPE))}. "
            "Without it an organisation's token may do all of them; a GP practice's or a "
            "network's token only sends referrals",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = network = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"no organisation with the slug {options['organisation']!r}")
        else:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"no network with the slug {options['network']!r}")
        if options["action"] == "revoke":
            self._revoke(options["prefix"], organisation, network)
            return
        if not options["name"].strip():
            raise CommandError("say which system will use it: --name")
        by: Acting = (
            Acting.system("kindred token create", organisation=organisation)
            if organisation is not None
            else operator("kindred token create")
        )
        try:
            token, raw = api_token_create(
                by=by,
                name=options["name"],
                practice_ods=options["practice"],
                network=network,
                scopes=options["scope"],
            )
        except TokenError as error:
            raise CommandError(str(error)) from error
        owner = organisation or network
        kind = "the front door of the network" if network is not None else ""
        self.stderr.write(
            f"Token '{token.name}' ({token.prefix}...) for {kind + ' ' if kind else ''}{owner}. "
            f"It may: {', '.join(token.scopes)}. Copy it now; it is not shown again:"
        )
        self.stdout.write(raw)

    def _revoke(
        self, prefix: str, organisation: Organisation | None, network: Network | None
    ) -> None:
        try:
            revoked = api_token_revoke_by_prefix(
                by=operator("kindred token revoke"),
                prefix=prefix,
                organisation=organisation,
                network=network,
            )
        except TokenError as error:
            raise CommandError(str(error)) from error
        if not revoked:
            raise CommandError(f"no active token of {organisation or network} starts {prefix!r}")
        for token in revoked:
            self.stdout.write(f"Revoked '{token.name}' ({token.prefix}...)")
