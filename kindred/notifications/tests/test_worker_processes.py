"""The durable worker, with real `kindred worker` processes on PostgreSQL and timers a few
seconds long (a frozen clock cannot reach another process): a timer due while no worker ran
happens when one starts, once; two workers never run the same timer twice; SIGTERM lets the
running task finish."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kindred.notifications.tests.timers import tick

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def workers(settings, tmp_path):
    """Start `kindred worker` processes on the test database; each is stopped afterwards."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    ticks = tmp_path / "ticks.txt"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kindred.config.settings.local",
        "DATABASE_URL": url,
        "KINDRED_NOTIFICATIONS_BACKEND": "file",
        "KINDRED_NOTIFICATIONS_FILE": str(tmp_path / "outbox.jsonl"),
        "KINDRED_TEST_TICKS": str(ticks),
    }
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "kindred.cli", "worker", "--interval", "0.2"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    start.ticks = ticks  # type: ignore[attr-defined]
    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def ticks_of(start) -> Counter[str]:
    path = start.ticks
    lines = path.read_text().splitlines() if path.exists() else []
    return Counter(line.split()[0] for line in lines)


def wait_until(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


def test_a_timer_due_while_no_worker_ran_runs_once_when_one_starts(workers):
    tick.using(run_after=timezone.now() + dt.timedelta(seconds=1)).enqueue("late")
    time.sleep(1.5)  # due, and no worker running
    worker = workers()
    wait_until(lambda: ticks_of(workers)["late"] >= 1)
    time.sleep(1)  # time enough to run it again, if it were going to
    assert stop(worker) == 0
    assert ticks_of(workers)["late"] == 1
    [result] = DBTaskResult.objects.filter(task_path=tick.module_path)
    assert result.status == "SUCCESSFUL"


def test_two_workers_never_run_the_same_timer_twice(workers):
    due = timezone.now() + dt.timedelta(seconds=4)
    labels = [f"timer-{n}" for n in range(24)]
    for label in labels:
        tick.using(run_after=due).enqueue(label, 0.05)
    first, second = workers(), workers()
    wait_until(lambda: sum(ticks_of(workers).values()) >= len(labels))
    time.sleep(1)
    assert (stop(first), stop(second)) == (0, 0)
    assert ticks_of(workers) == Counter(labels)  # each once, none twice
    assert (
        DBTaskResult.objects.filter(task_path=tick.module_path, status="SUCCESSFUL").count() == 24
    )


def test_sigterm_lets_the_running_task_finish_and_the_worker_stops(workers):
    tick.enqueue("slow", 3)
    worker = workers()
    wait_until(
        lambda: DBTaskResult.objects.filter(task_path=tick.module_path, status="RUNNING").exists()
    )
    assert stop(worker) == 0
    assert ticks_of(workers)["slow"] == 1
    assert DBTaskResult.objects.get(task_path=tick.module_path).status == "SUCCESSFUL"
