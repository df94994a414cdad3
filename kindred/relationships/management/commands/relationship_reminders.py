"""Queue today's going-quiet reminders and this week's digest now. The worker does it each
morning; this is for a cron-driven site or to run it by hand. Running twice sends nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand

from kindred.relationships.tasks import queue_going_quiet


class Command(BaseCommand):
    help = (
        "Queue reminders to supporters of relationships gone quiet (once per quiet spell) and "
        "the weekly digest to coordinators (once a week)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queue_going_quiet()
        self.stdout.write("Going-quiet reminders and the weekly digest queued.")
