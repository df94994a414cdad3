"""The daily jobs of outcomes (kindred.core.daily): schedule the questionnaires of referrals
accepted since yesterday (baseline due on the day accepted, follow-ups at the months chosen),
then remind people whose questionnaire fell due. Both are safe to run twice."""

from __future__ import annotations

from kindred.core.daily import daily_job
from kindred.outcomes import services


@daily_job
def questionnaires_due() -> dict[str, int]:
    scheduled = services.collections_schedule()
    reminded = services.reminders_send()
    return {"scheduled": scheduled, "reminded": reminded}
