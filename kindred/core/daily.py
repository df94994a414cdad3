"""Jobs that run once a day, started by the worker itself (no cron needed).

Apps register a job in AppConfig.ready() with `@daily_job`. `kindred worker` runs every job when
it starts and then each day at DAILY_AT (Europe/London). A job must be safe to run twice (several
workers may each run it): enqueue tasks whose effects are recorded once, as the volunteer
reminders do.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
DAILY_AT = dt.time(7, 0)

_jobs: dict[str, Callable[[], object]] = {}


def daily_job(job: Callable[[], object]) -> Callable[[], object]:
    _jobs[f"{job.__module__}.{job.__qualname__}"] = job
    return job


def jobs() -> dict[str, Callable[[], object]]:
    return dict(_jobs)


def run_daily_jobs() -> dict[str, str]:
    """Run every job; one failing does not stop the others. Returns each job's outcome."""
    outcomes = {}
    for name, job in sorted(_jobs.items()):
        try:
            job()
        except Exception:
            logger.exception("Daily job %s failed", name)
            outcomes[name] = "failed"
        else:
            outcomes[name] = "ok"
    return outcomes


def next_run(after: dt.datetime, at: dt.time = DAILY_AT) -> dt.datetime:
    """The next time `at` comes round in London after `after` (aware), across clock changes."""
    local = after.astimezone(LONDON)
    candidate = dt.datetime.combine(local.date(), at, tzinfo=LONDON)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), at, tzinfo=LONDON)
    return candidate


class DailyScheduler(threading.Thread):
    """Runs the daily jobs now and then each day, until stopped."""

    def __init__(self) -> None:
        super().__init__(name="kindred-daily", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            logger.info("Daily jobs: %s", run_daily_jobs())
            now = dt.datetime.now(tz=LONDON)
            self.stopping.wait((next_run(now) - now).total_seconds())
