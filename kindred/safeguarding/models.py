"""Safeguarding: a concern about someone, raised from anywhere, that always reaches a person.

A concern is a case, not a note: raised -> acknowledged -> enquiry -> closed (ADR-083), with an
append-only timeline of what was done and decided (who was told, a referral to the local
authority under section 42 of the Care Act 2014, the police, the GP, the person's own view, the
outcome). Nothing here is ever deleted: every ForeignKey is PROTECT, the timeline and the
history are append-only in the database (ADR-080), and a concern refuses deletion itself.
A concern is about a person with a record, or about someone known only by a description, whose
record a lead can link later. The app a concern came from links its own record to the concern
(relationships' contact, a group session...); the concern never points up at them.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

from kindred.core.models import AppendOnlyError, AppendOnlyModel, BaseModel
from kindred.core.transitions import TransitionRecord, lower_labels, machine


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    IMMEDIATE = "immediate", "Immediate danger"


class Status(models.TextChoices):
    RAISED = "raised", "Raised"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ENQUIRY = "enquiry", "Enquiry"
    CLOSED = "closed", "Closed"


OPEN = (Status.RAISED.value, Status.ACKNOWLEDGED.value, Status.ENQUIRY.value)


#: Where a concern may go next (kindred.core.transitions, ADR-083). A concern is acknowledged by
#: a lead before anything else; it may close without an enquiry.
MACHINE = machine(
    "concern",
    {
        Status.RAISED: {Status.ACKNOWLEDGED},
        Status.ACKNOWLEDGED: {Status.ENQUIRY, Status.CLOSED},
        Status.ENQUIRY: {Status.CLOSED},
        Status.CLOSED: set(),
    },
    label=lower_labels(Status),
)


class Kind(models.TextChoices):
    SAFEGUARDING = "safeguarding", "A safeguarding concern"
    CRISIS_FOLLOW_UP = "crisis_follow_up", "Crisis follow-up"


class Source(models.TextChoices):
    """Where a concern was raised from. Apps that raise concerns name themselves here."""

    CONTACT = "contact", "A supporter's contact log"
    RELATIONSHIP = "relationship", "A supporter, about someone they support"
    PERSON_RECORD = "person_record", "The person's record"
    FROM_SCRATCH = "from_scratch", "Raised from scratch"
    GROUP_SESSION = "group_session", "A group session"
    CRISIS_CALL = "crisis_call", "A crisis call"
    MISSING_REGULAR = "missing_regular", "A regular who stopped coming"
    QUESTIONNAIRE = "questionnaire", "A questionnaire answer"
    MOVED = "moved", "Raised before the safeguarding app (moved from relationships)"


class ConcernIsKept(AppendOnlyError):
    """A concern is never deleted, by anyone."""


class ConcernQuerySet(models.QuerySet["Concern"]):
    def delete(self) -> NoReturn:
        raise ConcernIsKept("Concerns are kept for good: they cannot be deleted.")

    def open(self) -> ConcernQuerySet:
        return self.filter(status__in=OPEN)


class Concern(BaseModel):
    """What someone saw or heard, in their words, when, and how worried they are."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="concerns"
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns",
    )
    #: Who it is about when there is no record (yet): "Maggie, the regular in the red coat".
    about = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SAFEGUARDING)
    level = models.CharField(max_length=10, choices=Level.choices)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.RAISED)
    #: What was seen or heard, in the raiser's words.
    detail = models.TextField()
    #: When it was seen or heard (the raiser's best guess), if not when it was raised.
    happened_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_label = models.CharField(max_length=254, blank=True)
    #: When a lead should have acknowledged it by (the organisation's target for its level).
    acknowledge_by = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The duty professional told of it when it was raised (high or immediate danger).
    duty_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-raised_at"], name="concern_org_status_idx"
            ),
            models.Index(fields=["status", "acknowledge_by"], name="concern_due_idx"),
            models.Index(fields=["person", "-raised_at"], name="concern_person_idx"),
            # The list page's default order (newest first, ADR-129): the open ones, and all.
            models.Index(
                fields=["organisation", "-raised_at", "-created_at"],
                condition=Q(status__in=OPEN),
                name="concern_open_order_idx",
            ),
            models.Index(
                fields=["organisation", "-raised_at", "-created_at"],
                name="concern_org_order_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(about=""),
                name="concern_about_someone",
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="concern_level_in_list"
            ),
            models.CheckConstraint(condition=~Q(detail=""), name="concern_has_detail"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} concern raised {self.raised_at:%Y-%m-%d}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ConcernIsKept("Concerns are kept for good: they cannot be deleted.")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def about_label(self) -> str:
        return self.person.display_name if self.person is not None else self.about


class StatusChange(BaseModel, TransitionRecord):
    """One step in a concern's life (kindred.core.transitions; append-only, ADR-080)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="history")

    subject_field = "concern"

    class Meta:
        ordering = ["occurred_at", "created_at"]

    def to_state_label(self) -> str:
        return str(Status(self.to_state).label)


class EntryKind(models.TextChoices):
    TOLD = "told", "Told"
    REMINDER = "reminder", "Reminder: not yet acknowledged"
    UNDELIVERED = "undelivered", "A message could not be delivered"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ENQUIRY = "enquiry", "Enquiry begun"
    SECTION_42 = "section_42", "Referral to the local authority (Care Act 2014, section 42)"
    POLICE = "police", "Police"
    GP = "gp", "GP"
    PERSONS_VIEW = "persons_view", "The person's own view"
    NOTE = "note", "Action or decision"
    RECORD_LINKED = "record_linked", "Record linked"
    CLOSED = "closed", "Closed, with the outcome"
    CORRECTION = "correction", "Correction"


#: What a lead records by hand on the timeline (the rest are written by the services).
RECORDED_BY_HAND = (
    EntryKind.SECTION_42,
    EntryKind.POLICE,
    EntryKind.GP,
    EntryKind.PERSONS_VIEW,
    EntryKind.NOTE,
)


class EntryIsAppendOnly(AppendOnlyError):
    """A timeline entry is never changed or removed: a correction is a new entry."""


class Entry(BaseModel, AppendOnlyModel):
    """One line of a concern's timeline: an action, a decision or who was told, and when.
    Escalation steps are entries too (`step` 1, 2, 3...), at most one of each per concern."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    text = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=254)
    #: Who was told (a "told" or "reminder" entry), by name as it was then.
    told = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    told_label = models.CharField(max_length=254, blank=True)
    #: The escalation step a reminder belongs to (1: the first person, 2: the next...).
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    #: The entry a correction corrects.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    append_only_error = EntryIsAppendOnly

    class Meta:
        ordering = ["occurred_at", "created_at"]
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline entries"
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "step", "told"],
                condition=Q(step__isnull=False),
                name="concern_escalation_step_once_per_person",
            )
        ]


class Arrangements(BaseModel):
    """An organisation's safeguarding arrangements: who the lead and deputy are, when the lead
    is away, who the duty professional is, its acknowledgement targets, and whether coordinators
    see the detail of concerns."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="safeguarding"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_away_from = models.DateField(null=True, blank=True)
    lead_away_until = models.DateField(null=True, blank=True)
    duty_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    immediate_minutes = models.PositiveIntegerField(default=15)
    high_minutes = models.PositiveIntegerField(default=60)
    medium_working_days = models.PositiveSmallIntegerField(default=1)
    low_working_days = models.PositiveSmallIntegerField(default=5)
    coordinators_see_detail = models.BooleanField(default=False)

    class Meta:
        verbose_name = "safeguarding arrangements"
        verbose_name_plural = "safeguarding arrangements"
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_away_from__isnull=True, lead_away_until__isnull=True)
                | Q(
                    lead_away_from__isnull=False,
                    lead_away_until__isnull=False,
                    lead_away_until__gte=models.F("lead_away_from"),
                ),
                name="safeguarding_away_has_both_dates_in_order",
            )
        ]
