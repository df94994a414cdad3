"""The operator gives or takes away a role: `kindred role grant|revoke --email E --role ROLE
(--organisation SLUG | --network SLUG)`. A thin, idempotent wrapper over membership_grant and
membership_end, acting as the operator (ADR-070), which may give any role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.accounts import services
from kindred.accounts.models import Membership, Network, Organisation, Role, User
from kindred.accounts.reach import operator, wrong_scope


def role_named(name: str) -> Role:
    value = name.strip().lower().replace("-", "_").replace(" ", "_")
    if value not in Role.values:
        raise CommandError(f"no role {name!r}; the roles are {', '.join(Role.values)}")
    return Role(value)


def user_with_email(email: str) -> User:
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise CommandError(f"no user with the email {email.strip()!r}")
    return user


class Command(BaseCommand):
    help = "Give or take away a role, as the operator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["grant", "revoke"])
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--organisation", help="organisation slug, for a role in it")
        where.add_argument("--network", help="network slug, for a role across it")

    def handle(self, *args: Any, **options: Any) -> None:
        role = role_named(options["role"])
        organisation: Organisation | None = None
        network: Network | None = None
        if options.get("organisation"):
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"no organisation with the slug {options['organisation']!r}")
        else:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"no network with the slug {options['network']!r}")
        if wrong_scope(role=role, organisation=organisation, network=network):
            raise CommandError(
                f"{role.label} is a role across a network: use --network, not --organisation"
                if role.reaches_network
                else f"{role.label} is a role in one organisation: use --organisation, not --network"
            )
        user = user_with_email(options["email"])
        where = organisation or network
        assert where is not None
        by = operator(f"kindred role {options['action']}")
        if options["action"] == "grant":
            already = Membership.objects.filter(
                user=user, organisation=organisation, network=network, role=role, is_active=True
            ).exists()
            services.membership_grant(
                by=by, user=user, role=role, organisation=organisation, network=network
            )
            state = "already was" if already else "is now"
            self.stdout.write(f"{user.email} {state} {role.label.lower()} of {where.name}.")
            return
        membership = Membership.objects.filter(
            user=user, organisation=organisation, network=network, role=role, is_active=True
        ).first()
        if membership is None:
            self.stdout.write(f"{user.email} was not {role.label.lower()} of {where.name}.")
            return
        try:
            services.membership_end(by=by, membership=membership)
        except services.LastAdmin as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"{user.email} is no longer {role.label.lower()} of {where.name}.")
