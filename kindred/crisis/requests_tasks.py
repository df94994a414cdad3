"""The support requests' timers and the sweep behind them (ADR-117, ADR-118).

Each request has one timer at a time: `advance` runs `support_request_advance` (idempotent:
it locks the request's row and takes only what is due and not yet taken) and queues itself for
the next thing due. A worker killed with SIGKILL leaves the task it was running marked "running"
for good (django-tasks-db does not reclaim it), so a timer may be lost; `sweep` runs every
SWEEP_SECONDS in the worker (it queues the next sweep first, and `kindred worker` queues one as
it starts), and advances every request with something overdue. A late step is taken when the
sweep runs, recorded at that time; nothing fires twice, because the row says what was taken.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from kindred.core.waiting import one_waiting

#: The advisory lock that makes queueing the next sweep one at a time on PostgreSQL.
SWEEP_LOCK = 7_231_117


def sweep_seconds() -> float:
    return float(getattr(settings, "KINDRED_CRISIS_SWEEP_SECONDS", 60))


def can_defer() -> bool:
    return bool(advance.get_backend().supports_defer)


@task()
def advance(request_id: str) -> str:
    from kindred.crisis import requests_services  # it imports this module: at call time

    next_at = requests_services.support_request_advance(request_id=uuid.UUID(request_id))
    if next_at is not None:
        queue_advance(request_id, next_at)
    return next_at.isoformat() if next_at else ""


def queue_advance(request_id: str, at: dt.datetime) -> None:
    """The request's timer, for `at`. A backend that cannot defer (the tests' immediate one)
    gets none: tests run the due logic directly, and the sweep catches up in production."""
    if can_defer():
        advance.using(run_after=at).enqueue(request_id)


@task()
def sweep() -> int:
    """Advance every request with something overdue, after queueing the next sweep (so a sweep
    killed half way still has a successor)."""
    from kindred.crisis import requests_services  # it imports this module: at call time

    schedule_sweep(at=timezone.now() + dt.timedelta(seconds=sweep_seconds()))
    return requests_services.advance_due()


def schedule_sweep(*, at: dt.datetime | None = None) -> bool:
    """Make sure one sweep is waiting (called by `kindred worker` as it starts and by each
    sweep). Returns whether one was added (kindred.core.waiting)."""
    return one_waiting(sweep, lock=SWEEP_LOCK, at=at or timezone.now())
