"""Delivery happens in the worker (`kindred worker`), never in a web request."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kindred.notifications import links
from kindred.notifications.backends import Message, backend
from kindred.notifications.models import Notification


class DeliveryFailed(Exception):
    """The backend could not send the message. Says why, with any link taken out, so that the
    task's stored result and the worker's log never hold a link."""


@task()
def deliver(notification_id: str) -> str:
    notification = Notification.objects.get(pk=notification_id)
    if notification.status == Notification.Status.SENT:
        return notification.status  # delivered already: never send twice
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
    )
    try:
        backend().send(message)
    except Exception as error:  # a backend's failure is recorded, not lost
        notification.status = Notification.Status.FAILED
        notification.error = links.without_links(f"{type(error).__name__}: {error}", made)[:2000]
        notification.save(update_fields=["status", "error", "updated_at"])
        raise DeliveryFailed(notification.error) from None
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.error = ""
    notification.save(update_fields=["status", "sent_at", "error", "updated_at"])
    return notification.status
