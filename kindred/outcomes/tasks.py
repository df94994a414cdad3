"""The daily jobs of outcomes (kindred.core.daily): schedule the questionnaires of referrals
accepted since yesterday (baseline due on the day accepted, follow-ups at the months chosen),
then remind people whose questionnaire fell due. Both are safe to run twice. And the worker's
task that builds a kept report (ADR-129)."""

from __future__ import annotations

from django_tasks import task

from kindred.core.daily import daily_job
from kindred.outcomes import services


@daily_job
def questionnaires_due() -> dict[str, int]:
    scheduled = services.collections_schedule()
    reminded = services.reminders_send()
    return {"scheduled": scheduled, "reminded": reminded}


@task()
def report_build(key: str) -> str:
    """Build a kept report (asked for by `services.report_stored`, ADR-129)."""
    stored = services.report_build(key=key)
    return "gone" if stored is None else f"built in {stored.build_seconds} s"
