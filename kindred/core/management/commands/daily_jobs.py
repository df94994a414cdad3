"""Run every app's daily job now: volunteer reminders, going-quiet reminders and digests, and
whatever later apps register. The worker does it each morning; this is for a cron-driven site
or to run it by hand. Each job is safe to run twice."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kindred.core.daily import run_daily_jobs


class Command(BaseCommand):
    help = "Run every daily job now (reminders, digests); running twice sends nothing twice."

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = run_daily_jobs()
        for name, outcome in outcomes.items():
            self.stdout.write(f"{outcome:6} {name}")
        failed = [name for name, outcome in outcomes.items() if outcome != "ok"]
        if failed:
            raise CommandError(f"{len(failed)} daily job(s) failed; see the log above")
        self.stdout.write(f"All {len(outcomes)} daily jobs ran.")
