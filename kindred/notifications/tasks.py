"""Delivery happens in the worker (`kindred worker`), never in a web request."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kindred.notifications.backends import backend
from kindred.notifications.models import Notification


@task()
def deliver(notification_id: str) -> str:
    notification = Notification.objects.get(pk=notification_id)
    if notification.status == Notification.Status.SENT:
        return notification.status  # delivered already: never send twice
    try:
        backend().send(notification)
    except Exception as error:  # a backend's failure is recorded, not lost
        notification.status = Notification.Status.FAILED
        notification.error = f"{type(error).__name__}: {error}"[:2000]
        notification.save(update_fields=["status", "error", "updated_at"])
        raise
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.error = ""
    notification.save(update_fields=["status", "sent_at", "error", "updated_at"])
    return notification.status
