"""Sending a notification: check where it goes, record it, then queue its delivery for the
worker (ADR-103)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction

from kindred.core.services import Acting, audit_record
from kindred.notifications import audit_actions
from kindred.notifications.models import Notification
from kindred.notifications.tasks import deliver
from kindred.notifications.wording import wording


class NoRecipient(ValueError):
    """A notification needs somewhere to go."""


class BadRecipient(NoRecipient):
    """The address or number is not of a shape the message could be delivered to."""


def mobile_number(number: str) -> str:
    """A UK mobile number in the international form GOV.UK Notify takes (+447911123456), or
    BadRecipient saying what is wrong. Numbers from elsewhere are accepted in +country form."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        raise BadRecipient(f"{number!r} is not a phone number.") from None
    if not phonenumbers.is_valid_number(parsed):
        raise BadRecipient(f"{number!r} is not a valid phone number.")
    kind = phonenumbers.number_type(parsed)
    if kind not in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }:
        raise BadRecipient(f"{number!r} is not a mobile number, so it cannot take a text message.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def recipient_for(channel: str, to: str) -> str:
    """`to` as it is stored for `channel`, or NoRecipient/BadRecipient saying why not."""
    to = to.strip()
    if not to:
        raise NoRecipient("A notification needs an email address or phone number.")
    if channel == Notification.Channel.SMS:
        return mobile_number(to)
    if channel == Notification.Channel.EMAIL:
        try:
            validate_email(to)
        except ValidationError:
            raise BadRecipient(f"{to!r} is not an email address.") from None
        return to
    raise BadRecipient(f"{channel!r} is not a channel Kindred sends on.")


@transaction.atomic
def notification_send(
    *,
    by: Acting,
    to: str,
    kind: str,
    subject: str = "",
    body: str = "",
    channel: str = Notification.Channel.EMAIL,
    target: models.Model | None = None,
    about: models.Model | None = None,
    template: str = "",
    context: Mapping[str, Any] | None = None,
) -> Notification:
    """Queue a message to `to` for the organisation `by` acts for, about a record (`about`, or
    its older name `target`). Its wording is the app's message `template` filled in with
    `context` (kindred.notifications.wording), or else `subject` and `body` as given. The worker
    delivers it; the record shows whether it went. A recipient of the wrong shape is refused
    here (BadRecipient, with the reason) and nothing is saved. The queue entry commits with the
    record, or neither does."""
    recipient = recipient_for(channel, to)
    if template:
        words = wording(template, **(context or {}))
        subject, body = words.subject, words.body
    if not body.strip():
        raise ValueError("A notification needs a body, or a template to word it.")
    if by.organisation is None:
        raise NoRecipient("A notification is always sent for an organisation.")
    record = about if about is not None else target
    notification = Notification.objects.create(
        organisation=by.organisation,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        kind=kind,
        target_type=record._meta.label_lower if record is not None else "",
        target_id=str(record.pk) if record is not None else "",
        created_by=by.user,
    )
    audit_record(
        by=by, action=audit_actions.NOTIFICATION_QUEUED, target=notification, detail={"kind": kind}
    )
    deliver.enqueue(str(notification.pk))
    return notification
