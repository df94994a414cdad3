"""Delivery happens in the worker (`kindred worker`), never in a web request (ADR-103).

`deliver` sends a queued message once. The service's answer is kept as a `DeliveryAttempt`:
accepted (the message is "sent"), try again (429, 5xx, no answer: `deliver` is queued again with
`run_after`, further off each time, until the retries run out), or refused (400: failed at once,
the reason on the record). A backend that reads delivery status back (GOV.UK Notify) gets a
`check_delivery` task, again with `run_after`, until the message is delivered or has failed.
A message that fails calls the failure hooks (kindred.notifications.hooks).

A worker killed with SIGKILL leaves the task it was running marked "running" for good
(django-tasks-db does not reclaim it, ADR-104), so a message's send could be lost. `sweep`
runs every few minutes in the worker and queues `deliver` again for each message whose send is
overdue by LATE_SECONDS. A second copy of `deliver` is harmless: it locks the message's row,
sends only a message still waiting, and only once its next try is due.

Nothing here logs a message's body or a link: the answers recorded are the service's own status
and reason, with any link taken out.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django_tasks import default_task_backend, task

from kindred.core.waiting import one_waiting
from kindred.notifications import links
from kindred.notifications.backends import Message, Refused, Retry, backend
from kindred.notifications.hooks import message_failed
from kindred.notifications.models import DeliveryAttempt, Notification

logger = logging.getLogger("kindred.notifications")

#: Seconds to wait before each retry of a send that could not go (429, 5xx, no answer).
RETRY_DELAYS = (30, 120, 600, 1800, 3600)
#: Seconds to wait before each reading of the delivery status; then the last one, until
#: STATUS_CHECKS readings have been made.
STATUS_DELAYS = (10, 60, 300, 900, 3600)
STATUS_CHECKS = 30
#: A copy of `deliver` that runs this many seconds before the try it is for was due (its timer
#: was set a moment before the last try was recorded, or by another worker's clock) still sends.
EARLY_SECONDS = 5
#: A message still waiting this many seconds after its next try was due has lost its send.
LATE_SECONDS = 300
#: The advisory lock that keeps one sweep waiting (kindred.core.waiting).
SWEEP_LOCK = 7_231_103


def _delays(name: str, default: tuple[int, ...]) -> tuple[float, ...]:
    return tuple(float(s) for s in getattr(settings, name, default))


def _later(seconds: float) -> dt.datetime | None:
    """When to run a follow-up, or None when the task backend cannot wait (the test suite's
    immediate backend): then there is no follow-up and the message is final as it stands."""
    if not default_task_backend.supports_defer:
        return None
    return timezone.now() + dt.timedelta(seconds=seconds)


def send_due_at(notification: Notification, sends: list[DeliveryAttempt]) -> dt.datetime:
    """When a waiting message's next try is due: at once when it was queued, else the retry's
    wait after the last try (`sends`, oldest first)."""
    if not sends:
        return notification.created_at
    delays = _delays("KINDRED_NOTIFICATIONS_RETRY_DELAYS", RETRY_DELAYS)
    return sends[-1].at + dt.timedelta(seconds=delays[min(len(sends), len(delays)) - 1])


def _sends(notification: Notification) -> list[DeliveryAttempt]:
    return list(notification.attempts.filter(step=DeliveryAttempt.Step.SEND).order_by("at"))


def _attempt(notification: Notification, step: str, outcome: str, answer: str) -> None:
    DeliveryAttempt.objects.create(
        notification=notification, at=timezone.now(), step=step, outcome=outcome, answer=answer
    )


def _fail(notification: Notification, reason: str) -> None:
    notification.status = Notification.Status.FAILED
    notification.error = reason[:2000]
    notification.save(update_fields=["status", "error", "updated_at"])
    message_failed(notification)


@task()
def deliver(notification_id: str) -> str:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.status != Notification.Status.QUEUED:
            return notification.status  # sent already (or failed): never send twice
        sends = _sends(notification)
        early = dt.timedelta(seconds=EARLY_SECONDS)
        if timezone.now() + early < send_due_at(notification, sends):
            return notification.status  # a second copy (the sweep's): the retry's own is due later
        # Links are made now, for this message only: the stored body holds references (ADR-073).
        body, made = links.rendered(notification.body, recipient=notification.recipient)
        message = Message(
            id=str(notification.pk),
            channel=notification.channel,
            channel_label=str(notification.get_channel_display()),
            recipient=notification.recipient,
            subject=notification.subject,
            body=body,
            kind=notification.kind,
            about=notification.about,
            links=tuple(made),
        )
        tries = len(sends)
        sender = backend()
        try:
            answer = sender.send(message)
        except Retry as error:
            reason = links.without_links(str(error), made)
            delays = _delays("KINDRED_NOTIFICATIONS_RETRY_DELAYS", RETRY_DELAYS)
            when = _later(delays[tries]) if tries < len(delays) else None
            if when is None:
                _attempt(notification, "send", DeliveryAttempt.Outcome.FAILED, reason)
                _fail(notification, f"Could not send after {tries + 1} tries: {reason}")
                return notification.status
            _attempt(notification, "send", DeliveryAttempt.Outcome.RETRY, reason)
            deliver.using(run_after=when).enqueue(notification_id)
            return notification.status
        except Refused as error:
            reason = links.without_links(str(error), made)
            _attempt(notification, "send", DeliveryAttempt.Outcome.FAILED, reason)
            _fail(notification, reason)
            return notification.status
        except Exception as error:  # a backend's own failure is recorded, not lost
            reason = links.without_links(f"{type(error).__name__}: {error}", made)
            _attempt(notification, "send", DeliveryAttempt.Outcome.FAILED, reason)
            _fail(notification, reason)
            logger.warning("Message %s could not be sent: %s", notification.pk, notification.error)
            return notification.status
        _attempt(notification, "send", DeliveryAttempt.Outcome.SENT, answer.answer)
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.provider_id = answer.provider_id
        notification.error = ""
        notification.save(update_fields=["status", "sent_at", "provider_id", "error", "updated_at"])
        if sender.reads_status and answer.provider_id:
            _check_later(notification, 0)
        return notification.status


def _check_later(notification: Notification, checks: int) -> bool:
    delays = _delays("KINDRED_NOTIFICATIONS_STATUS_DELAYS", STATUS_DELAYS)
    limit = int(getattr(settings, "KINDRED_NOTIFICATIONS_STATUS_CHECKS", STATUS_CHECKS))
    if checks >= limit:
        return False
    when = _later(delays[min(checks, len(delays) - 1)])
    if when is None:
        return False
    check_delivery.using(run_after=when).enqueue(str(notification.pk))
    return True


@task()
def check_delivery(notification_id: str) -> str:
    """Ask the service whether a sent message has been delivered."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.status != Notification.Status.SENT:
            return notification.status
        checks = notification.attempts.filter(step=DeliveryAttempt.Step.STATUS).count() + 1
        try:
            answer = backend().status(notification.provider_id)
        except Retry as error:
            _attempt(notification, "status", DeliveryAttempt.Outcome.RETRY, str(error))
            _check_later(notification, checks)
            return notification.status
        except Refused as error:
            _attempt(notification, "status", DeliveryAttempt.Outcome.FAILED, str(error))
            _fail(notification, f"Not delivered: {error}")
            return notification.status
        if answer.state == "delivered":
            _attempt(notification, "status", DeliveryAttempt.Outcome.DELIVERED, answer.answer)
            notification.status = Notification.Status.DELIVERED
            notification.delivered_at = timezone.now()
            notification.save(update_fields=["status", "delivered_at", "updated_at"])
            return notification.status
        _attempt(notification, "status", DeliveryAttempt.Outcome.PENDING, answer.answer)
        if not _check_later(notification, checks):
            logger.warning(
                "Message %s: still not delivered after %s status checks", notification.pk, checks
            )
        return notification.status


def sweep_seconds() -> float:
    return float(getattr(settings, "KINDRED_NOTIFICATIONS_SWEEP_SECONDS", 300))


@task()
def sweep() -> int:
    """Queue `deliver` again for every waiting message whose next try is LATE_SECONDS overdue,
    after queueing the next sweep (so a sweep killed half way still has a successor). Returns how
    many were queued again."""
    now = timezone.now()
    schedule_sweep(at=now + dt.timedelta(seconds=sweep_seconds()))
    late = now - dt.timedelta(seconds=LATE_SECONDS)
    sends = DeliveryAttempt.objects.filter(step=DeliveryAttempt.Step.SEND).order_by("at")
    waiting = Notification.objects.filter(
        status=Notification.Status.QUEUED, created_at__lte=late
    ).prefetch_related(Prefetch("attempts", queryset=sends, to_attr="sends"))
    lost = [str(n.pk) for n in waiting if send_due_at(n, n.sends) <= late]
    for notification_id in lost:
        deliver.enqueue(notification_id)
    if lost:
        logger.warning("%s messages had lost their send and were queued again", len(lost))
    return len(lost)


def schedule_sweep(*, at: dt.datetime | None = None) -> bool:
    """Make sure one sweep is waiting (called by `kindred worker` as it starts, and by each
    sweep). Returns whether one was added."""
    return one_waiting(sweep, lock=SWEEP_LOCK, at=at or timezone.now())
