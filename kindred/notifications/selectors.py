"""Reading the messages an organisation has sent: from the organisation, always."""

from __future__ import annotations

from django.db.models import Model, QuerySet

from kindred.notifications.models import DeliveryAttempt, Notification


def messages_of(*, organisation: Model, status: str = "") -> QuerySet[Notification]:
    """The organisation's messages, newest first; only those with `status` when given."""
    messages = Notification.objects.filter(organisation_id=organisation.pk).order_by("-created_at")
    if status:
        messages = messages.filter(status=status)
    return messages


def attempts_of(*, message: Notification) -> QuerySet[DeliveryAttempt]:
    return message.attempts.order_by("at", "created_at")
