"""The operator's networks (ADR-091): `kindred network create SLUG --name NAME`,
`kindred network add-organisation NETWORK ORGANISATION` and `kindred network list`. Thin wrappers
over the accounts services, acting as the operator; each change is audited; asking again for what
is already so changes nothing; a mistake is one line and a non-zero exit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.accounts import selectors, services
from kindred.accounts.models import Network, Organisation


def network_with_slug(slug: str) -> Network:
    network = Network.objects.filter(slug=slug.strip()).first()
    if network is None:
        raise CommandError(f"no network with the slug {slug.strip()!r}")
    return network


def organisation_with_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.select_related("network").filter(slug=slug.strip()).first()
    if organisation is None:
        raise CommandError(f"no organisation with the slug {slug.strip()!r}")
    return organisation


def describe(organisation: Organisation) -> str:
    """One organisation on one line, tab-separated: slug, name, kind, NHS or not, active or not."""
    return "\t".join(
        [
            organisation.slug,
            organisation.name,
            organisation.kind,
            "nhs" if organisation.is_nhs else "not-nhs",
            "active" if organisation.is_active else "closed",
        ]
    )


class Command(BaseCommand):
    help = "Add networks, put organisations in them, and list them, as the operator."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        create = actions.add_parser("create", help="add a network")
        create.add_argument("slug", metavar="SLUG")
        create.add_argument("--name", required=True)
        add = actions.add_parser(
            "add-organisation", help="put an organisation that is in no network into a network"
        )
        add.add_argument("network", metavar="NETWORK", help="the network's slug")
        add.add_argument("organisation", metavar="ORGANISATION", help="the organisation's slug")
        actions.add_parser("list", help="list networks with their organisations")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self.create(options["slug"], options["name"])
            elif options["action"] == "add-organisation":
                self.add_organisation(options["network"], options["organisation"])
            else:
                self.list()
        except services.SetUpRefused as refused:
            raise CommandError(str(refused)) from refused

    def create(self, slug: str, name: str) -> None:
        network, created = services.network_create(
            by=services.operator("kindred network create"), slug=slug.strip(), name=name
        )
        if created:
            self.stdout.write(f"Added the network {network.name} ({network.slug}).")
        else:
            self.stdout.write(f"The network {network.name} ({network.slug}) already exists.")

    def add_organisation(self, network_slug: str, organisation_slug: str) -> None:
        network = network_with_slug(network_slug)
        organisation = organisation_with_slug(organisation_slug)
        organisation, added = services.network_add_organisation(
            by=services.operator("kindred network add-organisation"),
            network=network,
            organisation=organisation,
        )
        state = "is now" if added else "was already"
        self.stdout.write(f"{organisation.name} {state} in the network {network.name}.")

    def list(self) -> None:
        """Each network (slug and name, tab-separated), then its organisations, one a line,
        indented by a tab; organisations in no network come last, under "-"."""
        for network, organisations in selectors.networks_with_organisations():
            if network is None:
                self.stdout.write("-\tin no network")
            else:
                self.stdout.write(f"{network.slug}\t{network.name}")
            for organisation in organisations:
                self.stdout.write(f"\t{describe(organisation)}")
