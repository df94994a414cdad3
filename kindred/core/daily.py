"""Jobs that run once a day, as a durable task in the worker's queue (no cron needed, ADR-104).

Apps register a job in AppConfig.ready() with `@daily_job`. The daily run is a task
(`daily_jobs_due`) waiting in the database with `run_after` set to the next DAILY_AT (Europe/
London); when it runs it queues the next day's, so exactly one is waiting at any time. A run that
fell due while no worker ran happens when a worker starts, once; `kindred worker` queues the
first when none is waiting. A job must still be safe to run twice (`kindred reminders` runs them
by hand): enqueue tasks whose effects are recorded once, as the volunteer reminders do.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tasks import task

from kindred.core.waiting import one_waiting

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
DAILY_AT = dt.time(7, 0)
#: The advisory lock that makes adding the next daily run one at a time on PostgreSQL.
DAILY_LOCK = 7_231_001

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


#: Days the worker's finished task rows are kept, for anyone looking into what it did; failed ones
#: are kept longer. The crisis line's sweep alone finishes about 1,440 tasks a day (ADR-118).
KEEP_FINISHED_TASKS_DAYS = 14
KEEP_FAILED_TASKS_DAYS = 90


@daily_job
def finished_tasks_pruned() -> None:
    """Delete finished task rows older than KEEP_FINISHED_TASKS_DAYS (failed: KEEP_FAILED_TASKS_
    DAYS) with django-tasks-db's own command, so the queue's table stays the size of a few weeks."""
    from django.core.management import call_command
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        return  # the test suite's immediate backend keeps no rows
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=KEEP_FINISHED_TASKS_DAYS,
        failed_min_age_days=KEEP_FAILED_TASKS_DAYS,
        verbosity=0,
    )


@task()
def daily_jobs_due(due: str) -> dict[str, str]:
    """The daily run that was due at `due` (ISO time): every job, then the next day's run."""
    outcomes = run_daily_jobs()
    logger.info("Daily jobs due at %s: %s", due, outcomes)
    schedule_daily_jobs(now=timezone.now(), first_now=False)
    return outcomes


def schedule_daily_jobs(*, now: dt.datetime | None = None, first_now: bool = True) -> bool:
    """Make sure exactly one daily run is waiting in the task queue; returns whether one was
    added. Called by `kindred worker` as it starts and by each daily run for the next day.

    A run that fell due while no worker ran is still waiting, so the next worker to start runs
    it, once. With none waiting at all (a new site), the first runs now if `first_now`, else at
    the next DAILY_AT. Two workers starting at once add one between them: the look and the add
    are one transaction under a lock (an advisory lock on PostgreSQL, SQLite's single writer)."""
    now = now or timezone.now()
    due = now if first_now else next_run(now)
    return one_waiting(daily_jobs_due, lock=DAILY_LOCK, at=due, args=(due.isoformat(),))
