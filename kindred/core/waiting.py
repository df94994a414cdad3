"""One task of a kind waiting in the worker's queue, never two (ADR-104).

The daily run, the crisis line's sweep and the messages' sweep each keep exactly one run of
themselves waiting: `kindred worker` adds one as it starts, and each run adds its successor.
Two workers starting at once must add one between them, so the look and the add are one
transaction under a lock: an advisory lock on PostgreSQL, SQLite's single writer elsewhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection


def one_waiting(task: Any, *, lock: int, at: dt.datetime, args: tuple[Any, ...] = ()) -> bool:
    """Queue `task` (a django_tasks Task) to run at `at` unless a run of it is already waiting;
    `lock` is the task's own advisory lock number. Returns whether one was added. A backend that
    cannot wait (the test suite's immediate one) gets none."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    if not task.get_backend().supports_defer:
        return False
    with exclusive_transaction():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        if DBTaskResult.objects.filter(
            task_path=task.module_path, status=TaskResultStatus.READY
        ).exists():
            return False
        task.using(run_after=at).enqueue(*args)
    return True
