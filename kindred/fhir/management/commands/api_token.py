"""Make an API token for an organisation and print it once: `kindred token create`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.fhir.services import TokenError, api_token_create


class Command(BaseCommand):
    help = "Make an API token for an organisation's FHIR API and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--organisation", required=True, help="organisation slug")
        parser.add_argument("--name", required=True, help="which system will use it")
        parser.add_argument("--practice", default="", help="the GP practice's ODS code, if any")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation with the slug {options['organisation']!r}")
        try:
            token, raw = api_token_create(
                by=Acting.system("kindred token create", organisation=organisation),
                name=options["name"],
                practice_ods=options["practice"],
            )
        except TokenError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(
            f"Token '{token.name}' for {organisation.name}. Copy it now; it is not shown again:"
        )
        self.stdout.write(raw)
