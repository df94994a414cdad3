from __future__ import annotations

import datetime as dt
import socket

import pytest
import time_machine

from kindred.notifications import hooks
from kindred.notifications.tests import fake_notify


@pytest.fixture
def db_tasks(settings):
    """Tasks go to the database queue, as in production, and `run_due()` runs those due."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.KINDRED_NOTIFICATIONS_RETRY_DELAYS = (30, 120)
    settings.KINDRED_NOTIFICATIONS_STATUS_DELAYS = (10, 60)
    settings.KINDRED_NOTIFICATIONS_STATUS_CHECKS = 3


def run_due() -> int:
    """What `kindred worker` does, in this process: claim each task that is due now, under the
    same lock, and run it; returns how many ran. (Not `Worker.run()`, which closes the database
    connection between tasks: on PostgreSQL that would end the test's own transaction.)"""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with exclusive_transaction():
            due = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if due is None:
                return ran
            due.claim(worker.worker_id)
        worker.run_task(due)
        ran += 1


@pytest.fixture
def clock():
    with time_machine.travel(
        dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture
def notify(settings):
    with fake_notify.FakeNotify() as server:
        settings.KINDRED_NOTIFICATIONS_BACKEND = "notify"
        settings.NOTIFY_API_KEY = fake_notify.API_KEY
        settings.NOTIFY_BASE_URL = server.url
        settings.NOTIFY_SMS_TEMPLATE_ID = fake_notify.SMS_TEMPLATE
        settings.NOTIFY_EMAIL_TEMPLATE_ID = fake_notify.EMAIL_TEMPLATE
        yield server


@pytest.fixture
def failures():
    """The messages the failure hooks were called with."""
    failed = []

    def record(notification):
        failed.append(notification.pk)

    hooks.on_failure(record)
    yield failed
    hooks._HOOKS.pop(f"{record.__module__}.{record.__qualname__}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
