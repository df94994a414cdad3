"""Every message Kindred sends, kept as a record of what was sent to whom, whether it went, and
each attempt to send it (ADR-103)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kindred.core.models import AppendOnlyError, AppendOnlyModel, BaseModel


class Notification(BaseModel):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Could not send"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=254, help_text="Email address or phone number")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    kind = models.CharField(max_length=64, help_text="What this is about, e.g. referral.accepted")
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    #: The service's own id for the message (GOV.UK Notify's notification id), for reading its
    #: delivery status back.
    provider_id = models.CharField(max_length=64, blank=True, default="")
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="notification_org_idx"),
            models.Index(fields=["target_type", "target_id"], name="notification_target_idx"),
            # The sweep for messages whose send was lost reads only those still waiting.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="queued"),
                name="notification_queued_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.status})"

    @property
    def about(self) -> str:
        """The id of the record the message concerns ("" when it concerns none)."""
        return self.target_id

    @property
    def is_final(self) -> bool:
        return self.status in {self.Status.DELIVERED, self.Status.FAILED}


class AttemptIsAppendOnly(AppendOnlyError):
    """An attempt to send a message is a record of what happened; it is never edited."""


class DeliveryAttempt(BaseModel, AppendOnlyModel):
    """One try at sending a message, or one reading of its delivery status: when, and what the
    service answered. Never holds the message's body or any link in it."""

    class Step(models.TextChoices):
        SEND = "send", "Send"
        STATUS = "status", "Delivery status"

    class Outcome(models.TextChoices):
        SENT = "sent", "Accepted"
        DELIVERED = "delivered", "Delivered"
        PENDING = "pending", "Not delivered yet"
        RETRY = "retry", "Will try again"
        FAILED = "failed", "Failed"

    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="attempts"
    )
    at = models.DateTimeField()
    step = models.CharField(max_length=10, choices=Step.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    answer = models.TextField(help_text="What the service said, e.g. 429 RateLimitError")

    append_only_error = AttemptIsAppendOnly

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["notification", "at"], name="attempt_notification_idx")]

    def __str__(self) -> str:
        return f"{self.step} {self.outcome} at {self.at:%Y-%m-%d %H:%M:%S}"
