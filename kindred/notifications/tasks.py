"""Delivery happens in the worker (`kindred worker`), never in a web request (ADR-103).

`deliver` sends a queued message once. The service's answer is kept as a `DeliveryAttempt`:
accepted (the message is "sent"), try again (429, 5xx, no answer: `deliver` is queued again with
`run_after`, further off each time, until the retries run out), or refused (400: failed at once,
the reason on the record). A backend that reads delivery status back (GOV.UK Notify) gets a
`check_delivery` task, again with `run_after`, until the message is delivered or has failed.
A message that fails calls the failure hooks (kindred.notifications.hooks).

Nothing here logs a message's body or a link: the answers recorded are the service's own status
and reason, with any link taken out.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

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


def _delays(name: str, default: tuple[int, ...]) -> tuple[float, ...]:
    return tuple(float(s) for s in getattr(settings, name, default))


def _later(seconds: float) -> dt.datetime | None:
    """When to run a follow-up, or None when the task backend cannot wait (the test suite's
    immediate backend): then there is no follow-up and the message is final as it stands."""
    if not default_task_backend.supports_defer:
        return None
    return timezone.now() + dt.timedelta(seconds=seconds)


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
        tries = notification.attempts.filter(step=DeliveryAttempt.Step.SEND).count()
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
