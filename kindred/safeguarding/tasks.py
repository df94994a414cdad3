"""The escalation timer and the sweep behind it.

When a concern is raised, a task is queued to run when its acknowledgement target passes
(`run_after`, on a backend that can defer: django-tasks-db in production). Each run takes what
is due (`services.concern_escalate`, idempotent) and queues itself for the next step. The daily
job and `kindred safeguarding-sweep` run the same service over every overdue concern, so that a
lost timer (a worker down, a backend that cannot defer) loses nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django_tasks import task

from kindred.core.daily import daily_job


@task()
def escalate(concern_id: str) -> str:
    from kindred.safeguarding import services

    next_at = services.concern_escalate(concern_id=uuid.UUID(concern_id))
    if next_at is not None:
        _queue(concern_id, next_at)
    return next_at.isoformat() if next_at else ""


@task()
def sweep() -> int:
    from kindred.safeguarding import services

    return services.escalate_due()


def can_defer() -> bool:
    return bool(escalate.get_backend().supports_defer)


def _queue(concern_id: str, at: dt.datetime) -> None:
    if can_defer():
        escalate.using(run_after=at).enqueue(concern_id)


def schedule_escalation(concern: object) -> None:
    """Queue the concern's first escalation for its target, once the raise commits. A backend
    that cannot defer (the tests' ImmediateBackend) leaves it to the sweep."""
    concern_id = str(concern.pk)  # type: ignore[attr-defined]
    at = concern.acknowledge_by  # type: ignore[attr-defined]
    transaction.on_commit(lambda: _queue(concern_id, at))


@daily_job
def queue_sweep() -> None:
    """The worker runs this each morning (kindred.core.daily), as well as the timers."""
    sweep.enqueue()
