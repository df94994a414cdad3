"""Queue today's expiry reminders for the worker. Run daily from cron; running twice is harmless."""

from typing import Any

from django.core.management.base import BaseCommand

from kindred.volunteers.tasks import queue_daily_reminders


class Command(BaseCommand):
    help = (
        "Queue reminders for volunteer training and DBS checks that run out in 30 days, and the "
        "monthly wellbeing check-in prompt."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queue_daily_reminders()
        self.stdout.write("Volunteer expiry reminders and monthly check-in prompts queued.")
