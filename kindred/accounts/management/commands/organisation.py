"""The operator's organisations (ADR-091): `kindred organisation create SLUG --name NAME
[--network SLUG] [--kind KIND] [--nhs | --not-nhs]` and `kindred organisation update SLUG
[--name NAME] [--nhs | --not-nhs]`. Thin wrappers over the accounts services, acting as the
operator; each change is audited in the organisation's own log; asking again for what is already
so changes nothing; a mistake is one line and a non-zero exit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.accounts import services
from kindred.accounts.management.commands.network import (
    network_with_slug,
    organisation_with_slug,
)
from kindred.accounts.models import Organisation


def kind_named(name: str) -> str:
    value = name.strip().lower().replace("-", "_").replace(" ", "_")
    if value not in Organisation.Kind.values:
        raise CommandError(
            f"no kind of organisation {name!r}; the kinds are {', '.join(Organisation.Kind.values)}"
        )
    return value


def nhs_option(options: dict[str, Any]) -> bool | None:
    """--nhs: True, --not-nhs: False, neither: None (leave it, or follow the kind)."""
    return True if options.get("nhs") else False if options.get("not_nhs") else None


def nhs_words(organisation: Organisation) -> str:
    return "an NHS body" if organisation.is_nhs else "not an NHS body"


def add_nhs_options(parser: CommandParser) -> None:
    nhs = parser.add_mutually_exclusive_group()
    nhs.add_argument("--nhs", action="store_true", help="an NHS body: it shows the NHS identity")
    nhs.add_argument(
        "--not-nhs", action="store_true", help="not an NHS body: it shows its own name only"
    )


class Command(BaseCommand):
    help = "Add organisations and change their name or NHS identity, as the operator."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        create = actions.add_parser("create", help="add an organisation")
        create.add_argument("slug", metavar="SLUG")
        create.add_argument("--name", required=True)
        create.add_argument("--network", help="the slug of the network it belongs to, if any")
        create.add_argument(
            "--kind", help=f"one of {', '.join(Organisation.Kind.values)} (default charity)"
        )
        add_nhs_options(create)
        update = actions.add_parser("update", help="change an organisation's name or NHS identity")
        update.add_argument("slug", metavar="SLUG")
        update.add_argument("--name")
        add_nhs_options(update)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self.create(options)
            else:
                self.update(options)
        except services.SetUpRefused as refused:
            raise CommandError(str(refused)) from refused

    def create(self, options: dict[str, Any]) -> None:
        kind = kind_named(options["kind"]) if options.get("kind") else None
        network = network_with_slug(options["network"]) if options.get("network") else None
        organisation, created = services.organisation_create(
            by=services.operator("kindred organisation create"),
            slug=options["slug"].strip(),
            name=options["name"],
            kind=kind,
            network=network,
            is_nhs=nhs_option(options),
        )
        where = (
            f"in the network {organisation.network.name}"
            if organisation.network is not None
            else "in no network"
        )
        what = f"{services.kind_words(organisation.kind)}, {nhs_words(organisation)}, {where}"
        if created:
            self.stdout.write(f"Added {organisation.name} ({organisation.slug}): {what}.")
        else:
            self.stdout.write(f"{organisation.name} ({organisation.slug}) already exists: {what}.")

    def update(self, options: dict[str, Any]) -> None:
        is_nhs = nhs_option(options)
        if options.get("name") is None and is_nhs is None:
            raise CommandError("say what to change: --name NAME, --nhs or --not-nhs")
        organisation, changed = services.organisation_update(
            by=services.operator("kindred organisation update"),
            organisation=organisation_with_slug(options["slug"]),
            name=options.get("name"),
            is_nhs=is_nhs,
        )
        if not changed:
            self.stdout.write(
                f"{organisation.name} ({organisation.slug}) is unchanged: "
                f"{nhs_words(organisation)}."
            )
            return
        said = {"name": f"renamed {organisation.name}", "is_nhs": f"now {nhs_words(organisation)}"}
        self.stdout.write(f"{organisation.slug}: {', '.join(said[field] for field in changed)}.")
