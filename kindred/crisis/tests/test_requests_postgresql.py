"""Support requests on PostgreSQL with real concurrency: the first of many supporters accepting
at once takes the request (each in its own thread and connection), and the ladder's timers run
in real `kindred worker` processes (timers of a couple of seconds through
KINDRED_CRISIS_OFFER_SECONDS: a frozen clock cannot reach another process). A timer survives a
worker stopping; two workers never take a step twice; a timer left "running" by a worker killed
with SIGKILL is caught up by the sweep (ADR-118)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kindred.core.environment import TEST_FIELD_ENCRYPTION_KEY
from kindred.core.services import Acting
from kindred.crisis import requests_services as services
from kindred.crisis import requests_tasks
from kindred.crisis.models.requests import RequestEvent, Status, SupportRequest
from kindred.crisis.tests import requests_setup

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_of_many_accepting_at_once_exactly_one_takes_it(organisation):
    team = requests_setup.on_call(organisation, timezone.now(), supporters=8)
    request = services.support_request_receive(
        organisation, name="Sam", phone="07911 123 456", channel="sms"
    )
    start = threading.Barrier(len(team.users))
    outcomes: list[str] = []

    def accept(user) -> None:
        try:
            start.wait()
            services.support_request_accept(by=Acting(user, organisation), request_id=request.pk)
            outcomes.append("took it")
        except services.AlreadyTaken:
            outcomes.append("told it was taken")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in team.users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert Counter(outcomes) == {"took it": 1, "told it was taken": 7}
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED
    assert RequestEvent.objects.filter(request=request, kind="accepted").count() == 1


# Real workers


SECONDS = 3


@pytest.fixture
def workers(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.KINDRED_CRISIS_OFFER_SECONDS = SECONDS
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kindred.config.settings.local",
        "DATABASE_URL": url,
        "KINDRED_NOTIFICATIONS_BACKEND": "file",
        "KINDRED_NOTIFICATIONS_FILE": str(tmp_path / "outbox.jsonl"),
        "KINDRED_FIELD_ENCRYPTION_KEY": TEST_FIELD_ENCRYPTION_KEY,
        "KINDRED_CRISIS_OFFER_SECONDS": str(SECONDS),
        "KINDRED_CRISIS_SWEEP_SECONDS": "1",
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

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


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


def steps(request: SupportRequest) -> list[tuple[str, str]]:
    return [
        (e.kind, e.to)
        for e in RequestEvent.objects.filter(request=request).order_by("at", "created_at")
        if e.kind in ("offered", "concern_raised")
    ]


LADDER = [
    ("offered", "supporters"),
    ("offered", "backup"),
    ("offered", "professional"),
    ("concern_raised", ""),
]


def test_the_ladder_survives_a_worker_stopping_and_a_step_due_while_none_ran(
    workers, organisation, coordinator
):
    requests_setup.on_call(organisation, timezone.now(), supporters=2)
    request = services.support_request_receive(
        organisation, name="Sam", phone="07911 123 456", channel="sms"
    )
    first = workers()
    wait_until(lambda: ("offered", "backup") in steps(request))
    assert stop(first) == 0
    taken = steps(request)
    assert taken != LADDER
    time.sleep(SECONDS + 1)  # the next step falls due while no worker runs: nothing happens
    assert steps(request) == taken
    second = workers()
    wait_until(lambda: steps(request) == LADDER)
    time.sleep(SECONDS)  # time enough to take a step again, if anything were going to
    assert stop(second) == 0
    assert steps(request) == LADDER
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_two_workers_never_take_a_step_twice(workers, organisation, coordinator):
    requests_setup.on_call(organisation, timezone.now(), supporters=2)
    requests = [
        services.support_request_receive(
            organisation, name=f"Caller {n}", phone="07911 123 456", channel="call"
        )
        for n in range(6)
    ]
    # A second timer for each, as if one had been queued twice: still each step once.
    for request in requests:
        requests_tasks.advance.using(run_after=request.next_step_at).enqueue(str(request.pk))
    first, second = workers(), workers()
    wait_until(lambda: all(steps(r) == LADDER for r in requests), seconds=90)
    time.sleep(SECONDS)
    assert (stop(first), stop(second)) == (0, 0)
    for request in requests:
        assert steps(request) == LADDER
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_a_timer_left_running_by_a_killed_worker_is_caught_up_by_the_sweep(
    workers, organisation, coordinator
):
    requests_setup.on_call(organisation, timezone.now(), supporters=1)
    request = services.support_request_receive(
        organisation, name="Sam", phone="07911 123 456", channel="web"
    )
    # What SIGKILL leaves behind: the request's timer claimed, marked running, never finished.
    timer = DBTaskResult.objects.get(task_path=requests_tasks.advance.module_path)
    DBTaskResult.objects.filter(pk=timer.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["killed-worker"]
    )
    time.sleep(SECONDS + 0.5)
    worker = workers()
    wait_until(lambda: steps(request) == LADDER)
    assert stop(worker) == 0
    assert DBTaskResult.objects.get(pk=timer.pk).status == "RUNNING"  # still stuck: not needed
    assert DBTaskResult.objects.filter(
        task_path=requests_tasks.sweep.module_path, status="SUCCESSFUL"
    ).exists()


def test_a_worker_really_killed_with_sigkill_loses_no_step(workers, organisation, coordinator):
    requests_setup.on_call(organisation, timezone.now(), supporters=1)
    request = services.support_request_receive(
        organisation, name="Sam", phone="07911 123 456", channel="web"
    )
    first = workers()
    wait_until(lambda: ("offered", "backup") in steps(request))
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    second = workers()
    wait_until(lambda: steps(request) == LADDER)
    assert stop(second) == 0
    assert steps(request) == LADDER
