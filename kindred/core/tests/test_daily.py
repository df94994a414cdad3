import datetime as dt
import logging

import pytest

from kindred.core import daily
from kindred.core.daily import LONDON, next_run


def test_the_next_run_is_seven_in_the_morning_london_time_across_clock_changes():
    before = dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC)  # the day before the clocks go forward
    after_change = next_run(before)
    assert after_change == dt.datetime(2026, 3, 29, 7, 0, tzinfo=LONDON)
    assert after_change.astimezone(dt.UTC).hour == 6  # British Summer Time
    early = dt.datetime(2026, 1, 5, 6, 59, tzinfo=LONDON)
    assert next_run(early) == dt.datetime(2026, 1, 5, 7, 0, tzinfo=LONDON)
    exactly = dt.datetime(2026, 1, 5, 7, 0, tzinfo=LONDON)
    assert next_run(exactly) == dt.datetime(2026, 1, 6, 7, 0, tzinfo=LONDON)


def test_every_registered_job_runs_even_when_one_fails(monkeypatch):
    ran = []
    monkeypatch.setattr(daily, "_jobs", {})

    @daily.daily_job
    def broken():
        raise RuntimeError("boom")

    @daily.daily_job
    def fine():
        ran.append("fine")

    outcomes = daily.run_daily_jobs()
    assert ran == ["fine"]
    assert sorted(outcomes.values()) == ["failed", "ok"]


def test_the_volunteer_reminders_are_a_daily_job():
    assert "kindred.volunteers.tasks.queue_daily_reminders" in daily.jobs()


def _waiting():
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path=daily.daily_jobs_due.module_path, status="READY")
    )


def test_the_daily_run_is_a_durable_task_with_exactly_one_waiting(db, settings, monkeypatch):
    import time_machine
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ran = []
    monkeypatch.setattr(daily, "_jobs", {"reminders": lambda: ran.append("reminders")})

    def worker_runs_what_is_due() -> None:
        """Claim and run each due task as `kindred worker` does (Worker.run() would close the
        test's database connection between tasks)."""
        worker = Worker(
            queue_names=["*"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
        )  # fmt: skip
        while (due := DBTaskResult.objects.ready().get_locked()) is not None:
            due.claim(worker.worker_id)
            worker.run_task(due)

    with time_machine.travel(dt.datetime(2026, 1, 5, 12, 0, tzinfo=LONDON), tick=False) as clock:
        # A new site: the first run is now; starting again (or a second worker) adds none.
        assert daily.schedule_daily_jobs() is True
        assert daily.schedule_daily_jobs() is False
        worker_runs_what_is_due()
        assert ran == ["reminders"]
        [waiting] = _waiting()
        assert waiting.run_after == dt.datetime(2026, 1, 6, 7, 0, tzinfo=LONDON)
        # No worker runs for two days; the next to start runs the missed day once, not twice.
        clock.move_to(dt.datetime(2026, 1, 8, 9, 0, tzinfo=LONDON))
        assert daily.schedule_daily_jobs() is False
        worker_runs_what_is_due()
        assert ran == ["reminders", "reminders"]
        [waiting] = _waiting()
        assert waiting.run_after == dt.datetime(2026, 1, 9, 7, 0, tzinfo=LONDON)


def test_finished_tasks_are_pruned_after_two_weeks_and_failed_ones_after_ninety_days(db, settings):
    import time_machine
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON)
    rows = {}
    for name, status, days in [
        ("done, 15 days", "SUCCESSFUL", 15),
        ("done, 13 days", "SUCCESSFUL", 13),
        ("failed, 91 days", "FAILED", 91),
        ("failed, 30 days", "FAILED", 30),
        ("waiting", "READY", None),
    ]:
        result = daily.daily_jobs_due.enqueue(name)
        finished = None if days is None else now - dt.timedelta(days=days)
        DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=finished)
        rows[name] = result.id
    with time_machine.travel(now, tick=False):
        daily.finished_tasks_pruned()
    kept = {str(id_) for id_ in DBTaskResult.objects.values_list("id", flat=True)}
    assert {name for name, id_ in rows.items() if id_ in kept} == {
        "done, 13 days",
        "failed, 30 days",
        "waiting",
    }


def test_pruning_is_a_daily_job():
    assert "kindred.core.daily.finished_tasks_pruned" in daily.jobs()


@pytest.mark.parametrize(("verbosity", "level"), [(0, logging.WARNING), (1, logging.INFO)])
def test_the_quiet_worker_still_logs_warnings_and_errors(verbosity, level):
    from django_tasks_db.compat import TASKS_LOGGER

    from kindred.core.management.commands.tasks_worker import Command

    loggers = [logging.getLogger(TASKS_LOGGER), logging.getLogger("django_tasks_db")]
    before = [(each.level, list(each.handlers)) for each in loggers]
    try:
        Command().configure_logging(verbosity)
        assert [each.level for each in loggers] == [level, level]
    finally:
        for each, (was, handlers) in zip(loggers, before, strict=True):
            each.setLevel(was)
            each.handlers[:] = handlers
