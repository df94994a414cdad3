"""Escalate every safeguarding concern past its acknowledgement target, now. The timers and the
worker's daily job do it; this is for a cron-driven site (run it every few minutes) or by hand.
Running it twice reminds nobody twice (ADR-108)."""

from typing import Any

from django.core.management.base import BaseCommand

from kindred.safeguarding.services import escalate_due


class Command(BaseCommand):
    help = "Remind the next person about every safeguarding concern not acknowledged in time."

    def handle(self, *args: Any, **options: Any) -> None:
        taken = escalate_due()
        self.stdout.write(f"{taken} escalation step{'s' if taken != 1 else ''} taken.")
