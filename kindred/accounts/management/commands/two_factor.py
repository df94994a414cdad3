"""The operator resets someone's two-step verification: `kindred two-factor reset --email E`.
The way for a user with roles in more than one organisation, whom no organisation admin may
reset (ADR-072). They set up a new authenticator app at their next sign-in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kindred.accounts import services
from kindred.accounts.management.commands.role import user_with_email
from kindred.accounts.reach import operator


class Command(BaseCommand):
    help = "Reset a user's two-step verification, as the operator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reset"])
        parser.add_argument("--email", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_with_email(options["email"])
        services.two_factor_reset(by=operator("kindred two-factor reset"), user=user)
        self.stdout.write(
            f"{user.email} will set up a new authenticator app when they next sign in."
        )
