"""Queue today's expiry reminders for the worker. Run daily from cron; running twice is harmless."""

from typing import Any

from django.core.management.base import BaseCommand

from kindred.volunteers.tasks import send_expiry_reminders, send_wellbeing_prompts


class Command(BaseCommand):
    help = (
        "Queue reminders for volunteer training and DBS checks that run out in 30 days, and the "
        "monthly wellbeing check-in prompt."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        send_expiry_reminders.enqueue()
        send_wellbeing_prompts.enqueue()
        self.stdout.write("Volunteer expiry reminders and monthly check-in prompts queued.")
