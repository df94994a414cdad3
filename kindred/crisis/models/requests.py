"""Support requests: what came in, who it was offered to, who took it and how it ended.

A request is offered to every supporter on call at once; the first to accept takes it. While
nobody has, it climbs a ladder of steps (supporters -> backup -> professional), one step each
`KINDRED_CRISIS_OFFER_SECONDS`, each recorded as an event with its time (ADR-117). A request that
reached the professional and is not acknowledged in time raises a safeguarding concern. Events
are append-only (ADR-080); a request is never deleted.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

from kindred.core.models import AppendOnlyError, AppendOnlyModel, BaseModel
from kindred.core.transitions import TransitionRecord, lower_labels, machine
from kindred.volunteers.encryption import EncryptedCharField


class Channel(models.TextChoices):
    SMS = "sms", "Text message"
    CALL = "call", "Phone call"
    WEB = "web", "Web form"


class Status(models.TextChoices):
    #: Offered, and nobody has taken it yet.
    WAITING = "waiting", "Waiting for someone to take it"
    ACCEPTED = "accepted", "Taken"
    CLOSED = "closed", "Closed"


OPEN = (Status.WAITING.value, Status.ACCEPTED.value)

MACHINE = machine(
    "support request",
    {
        Status.WAITING: {Status.ACCEPTED, Status.CLOSED},
        Status.ACCEPTED: {Status.CLOSED},
        Status.CLOSED: set(),
    },
    label=lower_labels(Status),
)


class Step(models.TextChoices):
    """Who a waiting request is offered to, in order."""

    SUPPORTERS = "supporters", "The supporters on call"
    BACKUP = "backup", "The backup step"
    PROFESSIONAL = "professional", "The professional on call"
    #: Past the professional: a safeguarding concern has been raised, and it still waits.
    CONCERN = "concern", "A safeguarding concern"


LADDER: tuple[str, ...] = (Step.SUPPORTERS, Step.BACKUP, Step.PROFESSIONAL, Step.CONCERN)


def next_step(step: str) -> str | None:
    index = LADDER.index(step)
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


class EventKind(models.TextChoices):
    RECEIVED = "received", "Received"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    TOLD_TAKEN = "told_taken", "Others told it is taken"
    ESCALATED = "escalated", "Escalated to the professional"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the professional"
    CONCERN_RAISED = "concern_raised", "Safeguarding concern raised"
    LINKED = "linked", "Linked to a person's record"
    CLOSED = "closed", "Closed"
    SUPERVISION_ASKED = "supervision_asked", "Supervision asked for"


class RequestIsKept(AppendOnlyError):
    """A support request is never deleted."""


class SupportRequestQuerySet(models.QuerySet["SupportRequest"]):
    def delete(self) -> NoReturn:
        raise RequestIsKept("Support requests are kept: they cannot be deleted.")

    def open(self) -> SupportRequestQuerySet:
        return self.filter(status__in=OPEN)


class SupportRequest(BaseModel):
    """Someone asking the crisis line for support, and where that has got to."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="support_requests"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    #: What the person called themselves (their name or a nickname), encrypted at rest.
    name = EncryptedCharField()
    phone = EncryptedCharField(blank=True)
    email = EncryptedCharField(blank=True)
    message = EncryptedCharField(blank=True)
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    #: The step a waiting request has reached, and when the next falls due (None when none).
    step = models.CharField(max_length=14, choices=Step.choices, default=Step.SUPPORTERS)
    next_step_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    #: The professional it reached (automatically or escalated), and by when they should
    #: acknowledge it; past that, a safeguarding concern is raised (once).
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledge_by = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The safeguarding concern raised about it, if any (kindred.safeguarding; its id only).
    concern_id = models.UUIDField(null=True, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    professional_help = models.BooleanField(null=True, blank=True)
    hard_call = models.BooleanField(default=False)
    supervision_asked_at = models.DateTimeField(null=True, blank=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-received_at"], name="crisis_request_org_idx"
            ),
            models.Index(fields=["status", "next_step_at"], name="crisis_request_due_idx"),
            models.Index(fields=["acknowledge_by"], name="crisis_request_ack_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="crisis_request_channel_in_list"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="crisis_request_status_in_list"
            ),
        ]

    def __str__(self) -> str:
        return f"Support request received {self.received_at:%Y-%m-%d %H:%M}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RequestIsKept("Support requests are kept: they cannot be deleted.")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class RequestRecordIsAppendOnly(AppendOnlyError):
    """A request's timeline is a record of what happened."""


class RequestEvent(BaseModel, AppendOnlyModel):
    """One step in a request's timeline: received, offered (to whom, how many people), accepted,
    escalated, acknowledged, closed... An offer to a step happens at most once per request (a
    unique constraint backs the locked check)."""

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    #: For offers and escalations: the step it went to ("supporters", "backup", "professional").
    to = models.CharField(max_length=14, blank=True)
    at = models.DateTimeField()
    #: How many people it went to.
    people = models.PositiveIntegerField(default=0)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=254)
    text = models.TextField(blank=True)

    append_only_error = RequestRecordIsAppendOnly

    class Meta:
        ordering = ["at", "created_at"]
        verbose_name = "support request event"
        constraints = [
            models.UniqueConstraint(
                fields=["request", "to"],
                condition=Q(kind="offered"),
                name="crisis_request_offered_once_per_step",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(kind="concern_raised"),
                name="crisis_request_one_concern",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%H:%M}"


class RequestOffer(BaseModel, AppendOnlyModel):
    """Someone a request was offered to (or escalated to): they may see and take it, and are
    told when someone else has."""

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="offers")
    event = models.ForeignKey(RequestEvent, on_delete=models.PROTECT, related_name="offers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The supporter's volunteer record, when it went to a supporter.
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(max_length=254)
    step = models.CharField(max_length=14)

    append_only_error = RequestRecordIsAppendOnly

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["user", "request"], name="crisis_offer_user_idx")]


class RequestStatusChange(BaseModel, TransitionRecord):
    """A request's history of states (kindred.core.transitions; append-only)."""

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="history")

    subject_field = "request"

    class Meta:
        ordering = ["occurred_at", "created_at"]
        verbose_name = "support request status change"
