"""Sending a notification: record it, then queue its delivery for the worker."""

from __future__ import annotations

from django.db import models, transaction

from kindred.core.services import Acting, audit_record
from kindred.notifications.models import Notification


class NoRecipient(ValueError):
    """A notification needs somewhere to go."""


@transaction.atomic
def notification_send(
    *,
    by: Acting,
    to: str,
    subject: str,
    body: str,
    kind: str,
    channel: str = Notification.Channel.EMAIL,
    target: models.Model | None = None,
) -> Notification:
    """Queue a message to `to` for the organisation `by` acts for. The worker delivers it; the
    record shows whether it went. The queue entry commits with the record, or neither does."""
    if not to.strip():
        raise NoRecipient("A notification needs an email address or phone number.")
    if by.organisation is None:
        raise NoRecipient("A notification is always sent for an organisation.")
    notification = Notification.objects.create(
        organisation=by.organisation,
        channel=channel,
        recipient=to.strip(),
        subject=subject,
        body=body,
        kind=kind,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        created_by=by.user,
    )
    audit_record(by=by, action="notification.queued", target=notification, detail={"kind": kind})
    from kindred.notifications.tasks import deliver

    deliver.enqueue(str(notification.pk))
    return notification
