"""One-to-one support: who supports whom, how often they meet, every contact, and the history.

A relationship joins one person with one or two supporters (volunteers). It is introduced (from an
accepted match or by a coordinator), becomes active when support begins, may pause, and ends with
a reason, an outcome and the next step offered to the person. Its status history is append-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kindred.core.models import AppendOnlyError, AppendOnlyModel, BaseModel
from kindred.matching.models import Mode

if TYPE_CHECKING:
    from kindred.volunteers.models import Volunteer


class Kind(models.TextChoices):
    BEFRIENDING = "befriending", "Befriending"
    PEER_MENTORING = "peer_mentoring", "Peer mentoring"
    ONE_TO_ONE = "one_to_one", "One-to-one support"
    CRISIS_FOLLOW_UP = "crisis_follow_up", "Crisis follow-up"


class Status(models.TextChoices):
    INTRODUCED = "introduced", "Introduced"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


#: Statuses in which a relationship holds a place in each supporter's capacity.
OPEN = (Status.INTRODUCED.value, Status.ACTIVE.value, Status.PAUSED.value)

#: Where each status may go next.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.INTRODUCED: frozenset({Status.ACTIVE, Status.ENDED}),
    Status.ACTIVE: frozenset({Status.PAUSED, Status.ENDED}),
    Status.PAUSED: frozenset({Status.ACTIVE, Status.ENDED}),
    Status.ENDED: frozenset(),
}


class EndReason(models.TextChoices):
    GOALS_MET = "goals_met", "The person's goals were met"
    PERSON_CHOSE = "person_chose", "The person chose to stop"
    SUPPORTER_STOPPED = "supporter_stopped", "The supporter stopped volunteering"
    LOST_CONTACT = "lost_contact", "Contact was lost"
    NOT_RIGHT = "not_right", "The match was not right"
    NEEDS_CHANGED = "needs_changed", "The person needs different support"
    MOVED_AWAY = "moved_away", "The person moved away"
    DIED = "died", "The person died"
    OTHER = "other", "Another reason"


class Outcome(models.TextChoices):
    BETTER = "better", "Better than when support started"
    SAME = "same", "About the same"
    WORSE = "worse", "Worse than when support started"
    NOT_KNOWN = "not_known", "Not known"


class NextStep(models.TextChoices):
    NONE = "none", "Nothing more for now"
    GROUP = "group", "A group"
    ANOTHER_SUPPORTER = "another_supporter", "Another supporter"
    VOLUNTEERING = "volunteering", "Becoming a volunteer themselves"


class Relationship(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="relationships"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="relationships"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relationships",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BEFRIENDING)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INTRODUCED)
    rhythm_days = models.PositiveSmallIntegerField(
        "Planned rhythm (days between contacts)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(92)],
    )
    grace_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    usual_mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.VISIT)
    introduced_on = models.DateField()
    started_on = models.DateField(null=True, blank=True)
    review_every_days = models.PositiveSmallIntegerField(
        default=91, validators=[MinValueValidator(7), MaxValueValidator(366)]
    )
    next_review_on = models.DateField(null=True, blank=True)
    #: The latest contact that happened (kept by the contact service, for "gone quiet").
    last_contact_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    next_step = models.CharField(max_length=20, choices=NextStep.choices, blank=True)
    supporters: models.ManyToManyField[Volunteer, Supporter] = models.ManyToManyField(
        "volunteers.Volunteer", through="Supporter", related_name="relationships"
    )

    class Meta:
        ordering = ["-introduced_on", "-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="relationship_org_status_idx"),
            models.Index(fields=["person", "status"], name="relationship_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="ended") | Q(ended_on__isnull=True),
                name="relationship_ended_on_only_when_ended",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for person {self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class Supporter(BaseModel):
    """A volunteer supporting the person in a relationship (one or two of them)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="supporter_links"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="supporter_links"
    )
    #: The accepted match that introduced this supporter, if one did.
    match = models.OneToOneField(
        "matching.Match",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supporter_link",
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "volunteer"], name="relationship_supporter_once"
            )
        ]


class HistoryIsAppendOnly(AppendOnlyError):
    """A relationship's history is never changed."""


class StatusChange(BaseModel, AppendOnlyModel):
    """One step in a relationship's life: who moved it from what to what, when and why."""

    relationship = models.ForeignKey(Relationship, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    occurred_at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=254)
    note = models.CharField(max_length=500, blank=True)

    append_only_error = HistoryIsAppendOnly

    class Meta:
        ordering = ["occurred_at", "created_at"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} to {self.to_status}"


class ContactMode(models.TextChoices):
    VISIT = "visit", "Visit"
    MEET_OUT = "meet_out", "Met out"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Message"
    ACCOMPANIED = "accompanied", "Went with them to an appointment"
    LIFT = "lift", "Lift to the GP"


class ContactOutcome(models.TextChoices):
    HAPPENED = "happened", "It happened"
    MISSED = "missed", "Missed: they were not there or did not answer"
    CANCELLED = "cancelled", "Cancelled"


class Feeling(models.TextChoices):
    FINE = "fine", "Fine"
    A_BIT_WORRIED = "a_bit_worried", "A bit worried"
    VERY_WORRIED = "very_worried", "Very worried"


class Contact(BaseModel):
    """One contact, or one that was missed or cancelled (they count too)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="relationship_contacts"
    )
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="contacts"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    happened_on = models.DateField()
    mode = models.CharField(max_length=12, choices=ContactMode.choices)
    outcome = models.CharField(
        max_length=10, choices=ContactOutcome.choices, default=ContactOutcome.HAPPENED
    )
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12 * 60)]
    )
    note = models.CharField(max_length=500, blank=True)
    feeling = models.CharField(max_length=14, choices=Feeling.choices, blank=True)

    class Meta:
        ordering = ["-happened_on", "-created_at"]
        indexes = [
            models.Index(fields=["relationship", "-happened_on"], name="contact_relationship_idx"),
            models.Index(fields=["organisation", "feeling"], name="contact_org_feeling_idx"),
        ]


class ConcernKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", "A safeguarding concern"
    CRISIS_FOLLOW_UP = "crisis_follow_up", "Crisis follow-up"


class Concern(BaseModel):
    """A worry a supporter raised for the coordinator (until the safeguarding app takes these)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="relationship_concerns"
    )
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="concerns"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    kind = models.CharField(max_length=20, choices=ConcernKind.choices)
    detail = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "acknowledged_at"], name="concern_org_open_idx")
        ]


class QuietReminder(BaseModel):
    """A supporter was reminded that a relationship has gone quiet: once per quiet spell (the
    spell is named by the date contact was last due from)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="quiet_reminders"
    )
    quiet_since = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "quiet_since"], name="quiet_reminder_once_per_spell"
            )
        ]


class QuietDigest(BaseModel):
    """A coordinator was sent the weekly digest (relationships gone quiet, reviews overdue, open
    concerns) for an organisation: once per ISO week, named by the week's Monday."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="quiet_digests"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week_starting = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "coordinator", "week_starting"],
                name="quiet_digest_once_a_week",
            )
        ]
