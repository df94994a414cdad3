"""Check the audit log's hash chains and the append-only triggers (ADR-080)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from kindred.core import append_only, audit_chain


class Command(BaseCommand):
    help = (
        "Walk every organisation's audit chain and report the first broken link of each; "
        "exits non-zero if any chain is broken or an append-only table lacks its triggers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", metavar="SLUG", help="check this organisation only")
        parser.add_argument(
            "--show-heads",
            action="store_true",
            help="print each chain's last sequence number and hash, to keep somewhere else",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options.get("organisation")
        from django.apps import apps

        if (
            slug
            and not apps.get_model("accounts", "Organisation").objects.filter(slug=slug).exists()
        ):
            raise CommandError(f"no organisation has the slug {slug!r}")
        reports = audit_chain.verify(slug)
        broken = [report for report in reports if not report.holds]
        for report in broken:
            self.stdout.write(report.line())
        if options.get("show_heads"):
            for report in reports:
                self.stdout.write(f"{report.label}\t{report.last_sequence}\t{report.last_hash}")
        missing = append_only.missing_triggers(connection)
        for trigger in missing:
            self.stdout.write(
                f"{trigger.table}: the database does not refuse {trigger.event} "
                f"(trigger {trigger.name} is missing or disabled; `kindred migrate` restores it)"
            )
        entries = sum(report.entries for report in reports)
        if broken or missing:
            problems = []
            if broken:
                problems.append(
                    f"{len(broken)} of {len(reports)} audit chain"
                    f"{'s' if len(reports) != 1 else ''} "
                    f"{'is' if len(broken) == 1 else 'are'} broken"
                )
            if missing:
                problems.append(
                    f"{len(missing)} append-only trigger{'s' if len(missing) != 1 else ''} "
                    f"{'is' if len(missing) == 1 else 'are'} missing"
                )
            raise CommandError("; ".join(problems))
        self.stdout.write(
            f"The audit log holds: {len(reports)} chain{'s' if len(reports) != 1 else ''}, "
            f"{entries} entries, every link and every chain head checked."
        )
