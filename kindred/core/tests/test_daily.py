import datetime as dt

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
