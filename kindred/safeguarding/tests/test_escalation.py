"""The escalation ladder with a frozen clock (time-machine): a concern not acknowledged in time
reminds the lead, then the deputy, then the coordinators, each step recorded once with its
time, however often the timer or the sweep runs."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.safeguarding import services, tasks
from kindred.safeguarding.models import Entry
from kindred.safeguarding.targets import Targets, step_due

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning in London, well clear of bank holidays.
RAISED = dt.datetime(2026, 3, 11, 10, 0, tzinfo=LONDON)


def _reminders(concern):
    return list(
        Entry.objects.filter(concern=concern, step__isnull=False)
        .order_by("step", "told_label")
        .values_list("step", "told__email", "occurred_at")
    )


@pytest.fixture
def raised(arranged, as_volunteer):
    with time_machine.travel(RAISED, tick=False):
        return services.concern_raise(
            by=as_volunteer, level="high", detail="Bruises", source="from_scratch",
            about="Maggie",
        ).concern  # fmt: skip


def test_nothing_is_due_before_the_target(raised):
    assert services.concern_escalate(
        concern_id=raised.pk, now=RAISED + dt.timedelta(minutes=59)
    ) == (RAISED + dt.timedelta(hours=1))
    assert _reminders(raised) == []


def test_the_ladder_climbs_one_step_per_target_and_records_each_once(
    raised, lead, deputy, coordinator
):
    hour = dt.timedelta(hours=1)
    with time_machine.travel(RAISED + hour, tick=False):
        assert services.escalate_due() == 1
        assert services.escalate_due() == 0  # idempotent: run twice, reminded once
    assert _reminders(raised) == [(1, lead.email, RAISED + hour)]
    with time_machine.travel(RAISED + 2 * hour + dt.timedelta(minutes=1), tick=False):
        services.concern_escalate(concern_id=raised.pk)
        services.concern_escalate(concern_id=raised.pk)
    with time_machine.travel(RAISED + 3 * hour, tick=False):
        next_at = services.concern_escalate(concern_id=raised.pk)
    assert next_at is None  # the last rung has been told
    assert _reminders(raised) == [
        (1, lead.email, RAISED + hour),
        (2, deputy.email, RAISED + 2 * hour + dt.timedelta(minutes=1)),
        (3, coordinator.email, RAISED + 3 * hour),
    ]
    reminded = Notification.objects.filter(
        subject="A safeguarding concern has not been acknowledged"
    )
    assert sorted(reminded.values_list("recipient", flat=True)) == sorted(
        [lead.email, deputy.email, coordinator.email]
    )


def test_a_missed_timer_is_caught_up_by_the_sweep_all_at_once(raised, lead, deputy, coordinator):
    late = RAISED + dt.timedelta(hours=5)
    with time_machine.travel(late, tick=False):
        assert services.escalate_due() == 3
    assert [(step, email) for step, email, _ in _reminders(raised)] == [
        (1, lead.email), (2, deputy.email), (3, coordinator.email),
    ]  # fmt: skip
    assert all(at == late for _, _, at in _reminders(raised))


def test_acknowledging_stops_the_ladder(raised, lead, organisation):
    with time_machine.travel(RAISED + dt.timedelta(minutes=70), tick=False):
        services.escalate_due()
        services.concern_acknowledge(
            by=Acting(lead, organisation), concern_id=raised.pk, expected="raised"
        )
    raised.refresh_from_db()
    assert (
        raised.timeline.get(kind="acknowledged").text == "Acknowledged 10 minutes after its target"
    )
    with time_machine.travel(RAISED + dt.timedelta(hours=9), tick=False):
        assert services.escalate_due() == 0
    assert [step for step, _, _ in _reminders(raised)] == [1]


def test_when_the_lead_is_away_the_deputy_is_first_then_the_coordinators(
    arranged, as_volunteer, deputy, coordinator
):
    arranged.lead_away_from = RAISED.date()
    arranged.lead_away_until = RAISED.date() + dt.timedelta(days=3)
    arranged.save()
    with time_machine.travel(RAISED, tick=False):
        concern = services.concern_raise(
            by=as_volunteer, level="immediate", detail="Threatened", source="from_scratch",
            about="Caller",
        ).concern  # fmt: skip
    assert concern.acknowledge_by == RAISED + dt.timedelta(minutes=15)
    with time_machine.travel(RAISED + dt.timedelta(minutes=31), tick=False):
        assert services.escalate_due() == 2
    assert [(s, e) for s, e, _ in _reminders(concern)] == [
        (1, deputy.email),
        (2, coordinator.email),
    ]


def test_working_day_targets_skip_weekends_and_bank_holidays(organisation, as_volunteer, arranged):
    friday_2pm = dt.datetime(2026, 4, 3, 14, 0, tzinfo=LONDON)  # Good Friday
    targets = Targets()
    # Good Friday and Easter Monday are bank holidays: one working day on is Tuesday.
    assert targets.after("medium", friday_2pm) == dt.datetime(2026, 4, 7, 14, 0, tzinfo=LONDON)
    assert targets.after("low", RAISED) == dt.datetime(2026, 3, 18, 10, 0, tzinfo=LONDON)
    assert step_due(targets, "medium", RAISED, 2) == dt.datetime(2026, 3, 12, 10, 0, tzinfo=LONDON)
    arranged.medium_working_days = 2
    arranged.save()
    with time_machine.travel(RAISED, tick=False):
        concern = services.concern_raise(
            by=as_volunteer, level="medium", detail="x", source="from_scratch", about="y"
        ).concern
    assert concern.acknowledge_by == dt.datetime(2026, 3, 13, 10, 0, tzinfo=LONDON)


def test_the_immediate_backend_cannot_defer_so_the_sweep_carries_the_timer(raised):
    assert not tasks.can_defer()  # tests run tasks at once (ImmediateBackend): no run_after


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_a_backend_that_defers_gets_a_timer_for_the_target(
    arranged, as_volunteer, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    backend = cast(Any, default_task_backend)
    backend.clear()
    with time_machine.travel(RAISED, tick=False), django_capture_on_commit_callbacks(execute=True):
        concern = services.concern_raise(
            by=as_volunteer, level="high", detail="x", source="from_scratch", about="y"
        ).concern
    [queued] = [r for r in backend.results if r.task.name == "escalate"]
    assert queued.args == [str(concern.pk)]
    assert queued.task.run_after == RAISED + dt.timedelta(hours=1)


def test_the_sweep_command_takes_what_is_due_once(raised, lead):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with time_machine.travel(RAISED + dt.timedelta(minutes=61), tick=False):
        call_command("safeguarding_sweep", stdout=out)
        call_command("safeguarding_sweep", stdout=out)
    assert out.getvalue().splitlines() == ["1 escalation step taken.", "0 escalation steps taken."]
    assert [email for _, email, _ in _reminders(raised)] == [lead.email]


def test_the_daily_job_queues_the_sweep(raised, lead):
    from kindred.core.daily import jobs

    assert "kindred.safeguarding.tasks.queue_sweep" in jobs()
    with time_machine.travel(RAISED + dt.timedelta(minutes=61), tick=False):
        jobs()["kindred.safeguarding.tasks.queue_sweep"]()  # ImmediateBackend: runs at once
    assert [email for _, email, _ in _reminders(raised)] == [lead.email]


def _fail(recipient: str) -> Notification:
    """The worker gives up on the message about the concern to `recipient` (ADR-103)."""
    from kindred.notifications.hooks import message_failed

    message = Notification.objects.get(recipient=recipient, kind="safeguarding.concern")
    message.status = Notification.Status.FAILED
    message.error = "400: phone number or email address is not valid"
    message.save(update_fields=["status", "error"])
    message_failed(message)
    return message


def test_a_message_that_cannot_be_delivered_moves_the_ladder_on_at_once(raised, lead, deputy):
    failed_at = RAISED + dt.timedelta(minutes=5)
    with time_machine.travel(failed_at, tick=False):
        _fail(lead.email)
    # Step 1 would only remind the lead again: the deputy is reminded now, not in two hours.
    assert _reminders(raised) == [(2, deputy.email, failed_at)]
    (undelivered,) = Entry.objects.filter(concern=raised, kind="undelivered")
    assert lead.email in undelivered.text and "not valid" in undelivered.text
    assert (
        Notification.objects.filter(
            recipient=deputy.email, kind="safeguarding.concern", target_id=str(raised.pk)
        ).count()
        == 1
    )
    with time_machine.travel(RAISED + 2 * dt.timedelta(hours=1) + dt.timedelta(minutes=1)):
        services.escalate_due()
    assert [step for step, *_ in _reminders(raised)] == [1, 2]  # step 2 is never taken twice


def test_an_acknowledged_concern_only_records_the_failed_message(raised, lead):
    services.concern_acknowledge(
        by=Acting(lead, raised.organisation), concern_id=raised.pk, expected="raised"
    )
    _fail(lead.email)
    assert _reminders(raised) == []
    assert Entry.objects.filter(concern=raised, kind="undelivered").count() == 1


def test_other_messages_failing_leave_concerns_alone(raised, lead):
    message = Notification.objects.get(recipient=lead.email, kind="safeguarding.concern")
    message.kind = "referral.urgent"
    services.on_message_failed(message)
    assert not Entry.objects.filter(concern=raised, kind="undelivered").exists()
