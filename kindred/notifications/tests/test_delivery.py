"""Messages that really go out: GOV.UK Notify (through the official client, against a fake
Notify server on 127.0.0.1) and SMTP (against an aiosmtpd server), with retries, delivery status
read back, and failures that call the hooks."""

from __future__ import annotations

import logging

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.models import DBTaskResult

from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications.models import (
    AttemptIsAppendOnly,
    DeliveryAttempt,
    Notification,
)
from kindred.notifications.services import BadRecipient, mobile_number, notification_send
from kindred.notifications.tests import fake_notify
from kindred.notifications.tests.conftest import free_port, run_due

pytestmark = pytest.mark.django_db


def send(coordinator, organisation, *, to="+447911123456", channel="sms", **extra):
    return notification_send(
        by=Acting(coordinator, organisation),
        to=to,
        channel=channel,
        subject=extra.pop("subject", "A reminder"),
        body=extra.pop("body", "Your visit is tomorrow at 10am."),
        kind="test.reminder",
        **extra,
    )


def attempts(notification):
    return [(a.step, a.outcome, a.answer) for a in notification.attempts.order_by("at", "id")]


def test_notify_201_is_sent_then_the_status_is_read_back_until_delivered(
    db_tasks, clock, notify, coordinator, organisation
):
    message = send(coordinator, organisation, about=organisation)
    assert message.status == Notification.Status.QUEUED and run_due() == 1
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT and message.provider_id
    [request] = notify.sends()
    assert request["path"] == "/v2/notifications/sms" and request["authorised"]
    assert request["json"] == {
        "phone_number": "+447911123456",
        "template_id": fake_notify.SMS_TEMPLATE,
        "personalisation": {"subject": "A reminder", "body": "Your visit is tomorrow at 10am."},
        "reference": str(message.pk),
    }
    notify.statuses[message.provider_id] = ["sending", "delivered"]
    assert run_due() == 0  # the read-back waits 10 seconds
    clock.shift(10)
    assert run_due() == 1
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
    clock.shift(60)
    assert run_due() == 1
    message.refresh_from_db()
    assert message.status == Notification.Status.DELIVERED and message.delivered_at
    assert attempts(message) == [
        ("send", "sent", "201 accepted by GOV.UK Notify"),
        ("status", "pending", "200 sending"),
        ("status", "delivered", "200 delivered"),
    ]
    assert not DBTaskResult.objects.filter(status="READY").exists()  # nothing more to do


def test_429_and_500_are_retried_with_growing_waits(
    db_tasks, clock, notify, coordinator, organisation, failures
):
    notify.send_answers += [429, 500]
    message = send(coordinator, organisation, to="someone@example.com", channel="email")
    run_due()
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert (retry.run_after - retry.enqueued_at).total_seconds() == 30
    clock.shift(29)
    assert run_due() == 0
    clock.shift(1)
    run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.QUEUED
    clock.shift(120)
    run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
    assert [a[:2] for a in attempts(message)] == [
        ("send", "retry"),
        ("send", "retry"),
        ("send", "sent"),
    ]
    assert attempts(message)[0][2].startswith("429 RateLimitError")
    assert attempts(message)[1][2] == "500 Exception: Internal server error"
    assert len(notify.sends()) == 3 and notify.sends()[0]["path"] == "/v2/notifications/email"
    assert failures == []


def test_after_the_retries_the_message_fails_and_the_failure_hooks_are_called(
    db_tasks, clock, notify, coordinator, organisation, failures
):
    notify.send_answers += [500, 429, 500]
    message = send(coordinator, organisation)
    for wait in (0, 30, 120):
        clock.shift(wait)
        run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.FAILED
    assert message.error.startswith("Could not send after 3 tries: 500")
    assert failures == [message.pk]
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_400_fails_at_once_with_notifys_reason(
    db_tasks, clock, notify, coordinator, organisation, failures
):
    notify.send_answers.append(400)
    message = send(coordinator, organisation)
    run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.FAILED
    assert message.error == "400 BadRequestError: phone_number Not a UK mobile number"
    assert failures == [message.pk] and len(notify.sends()) == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_permanent_failure_read_back_fails_the_message(
    db_tasks, clock, notify, coordinator, organisation, failures
):
    message = send(coordinator, organisation)
    run_due()
    message.refresh_from_db()
    notify.statuses[message.provider_id] = ["permanent-failure"]
    clock.shift(10)
    run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.FAILED
    assert message.error == "Not delivered: 200 permanent-failure"
    assert failures == [message.pk]


def test_a_message_is_never_sent_twice(db_tasks, notify, coordinator, organisation):
    from kindred.notifications.tasks import deliver

    message = send(coordinator, organisation)
    run_due()
    deliver.call(str(message.pk))  # a second delivery of the same message, by mistake
    assert len(notify.sends()) == 1


def test_secrets_and_bodies_never_reach_the_log(
    db_tasks, clock, notify, coordinator, organisation, caplog
):
    caplog.set_level(logging.DEBUG)
    notify.send_answers += [429]
    send(coordinator, organisation, body="Your sign-in code is 918273")
    for wait in (0, 30, 10):
        clock.shift(wait)
        run_due()
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert fake_notify.SECRET not in text and fake_notify.API_KEY not in text
    assert "918273" not in text
    assert "918273" not in "".join(
        a[2] for a in DeliveryAttempt.objects.values_list("step", "outcome", "answer")
    )


def test_an_attempt_is_a_record_that_is_never_changed(db_tasks, notify, coordinator, organisation):
    message = send(coordinator, organisation)
    run_due()
    attempt = message.attempts.get()
    attempt.answer = "something else"
    with pytest.raises(AttemptIsAppendOnly):
        attempt.save()


@pytest.mark.parametrize(
    ("channel", "to", "reason"),
    [
        ("email", "not-an-email", "is not an email address"),
        ("email", "someone@", "is not an email address"),
        ("sms", "0113 496 0000", "is not a mobile number"),
        ("sms", "07911 1234", "is not a valid phone number"),
        ("sms", "call me", "is not a phone number"),
        ("post", "1 High Street", "is not a channel"),
    ],
)
def test_a_recipient_of_the_wrong_shape_is_refused_when_queued_and_nothing_is_saved(
    coordinator, organisation, channel, to, reason
):
    with pytest.raises(BadRecipient, match=reason):
        send(coordinator, organisation, to=to, channel=channel)
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="notification.queued").exists()


def test_a_uk_mobile_number_is_stored_in_international_form():
    assert mobile_number("07911 123456") == "+447911123456"
    assert mobile_number("+44 7911 123456") == "+447911123456"


class Relay:
    """An SMTP server (aiosmtpd) that keeps what it is given, or refuses a recipient."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], str]] = []
        self.refuse: str = ""

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 Message accepted for delivery"


@pytest.fixture
def relay(settings):
    handler = Relay()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.KINDRED_NOTIFICATIONS_BACKEND = "smtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.DEFAULT_FROM_EMAIL = "kindred@example.org"
    yield handler
    controller.stop()


def test_smtp_sends_email_through_the_relay(db_tasks, relay, coordinator, organisation):
    message = send(
        coordinator, organisation, to="volunteer@example.com", channel="email", subject="Hello"
    )
    run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
    [(to, content)] = relay.received
    assert to == ["volunteer@example.com"]
    assert "Subject: Hello" in content and "Your visit is tomorrow at 10am." in content
    assert f"X-Kindred-Message: {message.pk}" in content


def test_smtp_a_refused_recipient_fails_and_a_busy_relay_is_retried(
    db_tasks, clock, relay, coordinator, organisation, failures
):
    relay.refuse = "550 5.1.1 No such mailbox"
    refused = send(coordinator, organisation, to="nobody@example.com", channel="email")
    run_due()
    refused.refresh_from_db()
    assert refused.status == Notification.Status.FAILED
    assert refused.error == "550 5.1.1 No such mailbox" and failures == [refused.pk]

    relay.refuse = "451 4.3.0 Try again later"
    busy = send(coordinator, organisation, to="later@example.com", channel="email")
    run_due()
    busy.refresh_from_db()
    assert busy.status == Notification.Status.QUEUED
    relay.refuse = ""
    clock.shift(30)
    run_due()
    busy.refresh_from_db()
    assert busy.status == Notification.Status.SENT
    assert [a[1] for a in attempts(busy)] == ["retry", "sent"]


def test_smtp_cannot_send_a_text_message(db_tasks, relay, coordinator, organisation):
    message = send(coordinator, organisation)
    run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.FAILED
    assert "email only" in message.error


# A send lost with a worker killed by SIGKILL (its task stays "running" for good, ADR-104).


def _lose_the_send(message):
    """What a worker killed mid-task leaves: the message's task claimed, never finished."""
    DBTaskResult.objects.filter(status="READY").update(status="RUNNING")


def test_the_sweep_sends_again_a_message_whose_send_was_lost(
    db_tasks, clock, notify, coordinator, organisation
):
    from kindred.notifications.tasks import LATE_SECONDS, sweep

    message = send(coordinator, organisation)
    _lose_the_send(message)
    clock.shift(LATE_SECONDS - 1)
    assert sweep.call() == 0  # not late yet: its worker may still be sending it
    clock.shift(1)
    assert sweep.call() == 1
    run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT and len(notify.sends()) == 1
    clock.shift(LATE_SECONDS)
    assert sweep.call() == 0  # sent: nothing more to do
    assert len(notify.sends()) == 1


def test_the_sweep_leaves_a_retry_that_is_still_to_come_and_a_second_copy_never_sends_early(
    db_tasks, clock, notify, coordinator, organisation
):
    from kindred.notifications.tasks import deliver, sweep

    notify.send_answers += [500]
    message = send(coordinator, organisation)
    run_due()  # 500: the retry waits 30 seconds
    clock.shift(20)
    assert sweep.call() == 0
    deliver.call(str(message.pk))  # a stray copy, 10 seconds before the retry is due
    assert len(notify.sends()) == 1
    clock.shift(10)
    run_due()  # the retry's own timer
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT and len(notify.sends()) == 2


def test_a_retry_whose_timer_was_lost_is_sent_by_the_sweep_once_it_is_late(
    db_tasks, clock, notify, coordinator, organisation
):
    from kindred.notifications.tasks import LATE_SECONDS, sweep

    notify.send_answers += [429]
    message = send(coordinator, organisation)
    run_due()
    _lose_the_send(message)  # the retry's timer, claimed by a worker that was killed
    clock.shift(30 + LATE_SECONDS)
    assert sweep.call() == 1
    run_due()
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
    assert [a[:2] for a in attempts(message)] == [("send", "retry"), ("send", "sent")]


def test_one_sweep_waits_at_a_time_and_each_queues_the_next(db_tasks, clock):
    from kindred.notifications.tasks import schedule_sweep, sweep

    assert schedule_sweep() is True
    assert schedule_sweep() is False  # a second worker starting adds none
    run_due()
    [waiting] = DBTaskResult.objects.filter(task_path=sweep.module_path, status="READY")
    assert (waiting.run_after - waiting.enqueued_at).total_seconds() == 300
