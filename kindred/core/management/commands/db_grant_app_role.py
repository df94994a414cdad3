"""Let a PostgreSQL role that owns nothing run Kindred (ADR-081). Run as the owner."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from kindred.core.db_roles import RoleError, grant_app_role


class Command(BaseCommand):
    help = (
        "Grant ROLE what the application needs on PostgreSQL: read and write ordinary tables, "
        "only read and add rows of append-only tables, use sequences; also for tables created "
        "later. Run as the role that owns the tables; safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", metavar="ROLE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                statements = grant_app_role(connection, options["role"])
        except RoleError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 1:
            for statement in statements:
                self.stdout.write(statement)
        self.stdout.write(
            f"{options['role']} may now run Kindred: it can add to the append-only tables but "
            "not change them, and owns nothing."
        )
