"""Create (or reuse) a user and make them an organisation admin. Idempotent."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from kindred.accounts import services
from kindred.accounts.models import Organisation, Role, User
from kindred.accounts.reach import operator


class Command(BaseCommand):
    help = (
        "Create an organisation admin. The password comes from KINDRED_ADMIN_PASSWORD or a prompt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--organisation", required=True, help="organisation slug")
        parser.add_argument(
            "--organisation-name", help="create the organisation with this name if new"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address") from error
        by = operator("kindred createadmin")
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            if not options.get("organisation_name"):
                raise CommandError(
                    f"No organisation with slug {options['organisation']!r}. "
                    "Give --organisation-name to create it."
                )
            organisation = services.organisation_ensure(
                by=by, slug=options["organisation"], name=options["organisation_name"]
            )
        password = os.environ.get("KINDRED_ADMIN_PASSWORD") or self._prompt()
        try:
            # Checked against who they will be, so that their own name is refused too.
            validate_password(password, User(email=email, full_name=options["name"]))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user = services.user_ensure(
            by=by, email=email, full_name=options["name"], password=password
        )
        services.membership_grant(
            by=by, user=user, organisation=organisation, role=Role.ORGANISATION_ADMIN
        )
        self.stdout.write(f"{user.email} is an organisation admin of {organisation.name}.")

    def _prompt(self) -> str:
        if not os.isatty(0):
            raise CommandError("Set KINDRED_ADMIN_PASSWORD, or run this in a terminal to be asked.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise CommandError("The passwords do not match.")
        return first
