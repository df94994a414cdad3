"""When a concern should be acknowledged, and when each escalation step falls due. Pure: no
database, so the ladder's timing can be tested directly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kindred.core.workdays import add_working_days

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Targets:
    """An organisation's acknowledgement targets by level (the defaults are the issue's)."""

    immediate_minutes: int = 15
    high_minutes: int = 60
    medium_working_days: int = 1
    low_working_days: int = 5

    def after(self, level: str, start: dt.datetime) -> dt.datetime:
        """When a concern of `level` noticed at `start` (aware) is due to be acknowledged.
        Working days keep the time of day in London: 2pm on Friday + 1 working day is 2pm on
        Monday (or Tuesday after a bank holiday)."""
        if level == "immediate":
            return start + dt.timedelta(minutes=self.immediate_minutes)
        if level == "high":
            return start + dt.timedelta(minutes=self.high_minutes)
        days = self.medium_working_days if level == "medium" else self.low_working_days
        local = start.astimezone(LONDON)
        day = add_working_days(local.date(), days)
        return dt.datetime.combine(day, local.time(), tzinfo=LONDON).astimezone(dt.UTC)


def step_due(targets: Targets, level: str, acknowledge_by: dt.datetime, step: int) -> dt.datetime:
    """When escalation step `step` (1, 2, 3...) falls due: step 1 at the target itself, and each
    later step one more target's length after the one before."""
    if step < 1:
        raise ValueError("steps count from 1")
    due = acknowledge_by
    for _ in range(step - 1):
        due = targets.after(level, due)
    return due
