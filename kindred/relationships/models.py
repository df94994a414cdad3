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
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from kindred.core.models import AppendOnlyError, AppendOnlyModel, BaseModel
from kindred.core.transitions import TransitionRecord, lower_labels, machine

if TYPE_CHECKING:
    from kindred.volunteers.models import Volunteer


class Mode(models.TextChoices):
    """How a person and their supporter usually meet: the relationship's usual way (matching
    proposes one from the ways both can use, and stores its profiles' ways with these keys)."""

    VISIT = "visit", "Home visits"
    MEET_OUT = "meet_out", "Meeting out (for example a café or a walk)"
    PHONE = "phone", "Phone calls"
    VIDEO = "video", "Video calls"


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


def quiet_since_expression() -> Coalesce:
    """Since when a relationship has been without contact: the last contact that happened, or
    else the start, or else the introduction. The caseload's order, and relationship_caseload_
    idx is built on this very expression, so that the database reads that order from it."""
    return Coalesce(
        "last_contact_on", "started_on", "introduced_on", output_field=models.DateField()
    )


#: Where each status may go next (kindred.core.transitions, ADR-083).
MACHINE = machine(
    "relationship",
    {
        Status.INTRODUCED: {Status.ACTIVE, Status.ENDED},
        Status.ACTIVE: {Status.PAUSED, Status.ENDED},
        Status.PAUSED: {Status.ACTIVE, Status.ENDED},
        Status.ENDED: set(),
    },
    label=lower_labels(Status),
)


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
            # The home page's panels (ADR-126): the ten reviews most overdue, read in order from
            # the open relationships' index and counted from it; the ten quietest, in the order
            # of `selectors._quiet_since`, so that the page reads ten rows, not thousands.
            models.Index(
                fields=["organisation", "next_review_on"],
                condition=Q(status__in=["active", "paused"]),
                name="relationship_review_due_idx",
            ),
            models.Index(
                F("organisation"),
                Coalesce("last_contact_on", "started_on", "introduced_on"),
                condition=Q(status__in=["introduced", "active"]),
                name="relationship_quiet_since_idx",
            ),
            # The caseload's default view: open relationships, longest since contact first
            # (ADR-127). Only the open ones: most of an organisation's are ended, and those
            # went quiet longest ago, so an index of them all would make the page walk past them.
            models.Index(
                F("organisation"),
                quiet_since_expression(),
                name="relationship_caseload_idx",
                condition=Q(status__in=OPEN),
            ),
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
    """A volunteer supporting the person in a relationship (one or two of them): the record of
    who supported whom, kept for good (PROTECT). An accepted match that introduced the supporter
    points here from the matching app (`matching.Match.supporter_link`, reverse `match`)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.PROTECT, related_name="supporter_links"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="supporter_links"
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


class StatusChange(BaseModel, TransitionRecord):
    """One step in a relationship's life: who moved it from what to what, when and why
    (kindred.core.transitions; append-only, ADR-080)."""

    relationship = models.ForeignKey(Relationship, on_delete=models.PROTECT, related_name="history")

    subject_field = "relationship"

    class Meta:
        ordering = ["occurred_at", "created_at"]

    def to_state_label(self) -> str:
        return str(Status(self.to_state).label)


class NoteForSupportersIsAppendOnly(AppendOnlyError):
    """Each version of the note for supporters is kept: a change is a new version."""


#: The longest note for supporters (it is read on a phone before a visit).
NOTE_FOR_SUPPORTERS_MAX = 1000


class NoteForSupporters(BaseModel, AppendOnlyModel):
    """What a coordinator wants the person's supporters to know before they meet ("hard of
    hearing: speak slowly"), shown to them on "My people". Every version is kept (ADR-098): the
    latest is in force, and a blank one takes the note away. Kept apart from everything internal
    (triage notes, concerns, history notes), which supporters never see."""

    # PROTECT: the versions are the record of what supporters were told.
    relationship = models.ForeignKey(
        Relationship, on_delete=models.PROTECT, related_name="notes_for_supporters"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written_by_label = models.CharField(max_length=254)

    append_only_error = NoteForSupportersIsAppendOnly

    class Meta:
        ordering = ["-number"]
        verbose_name = "note for supporters"
        verbose_name_plural = "notes for supporters"
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "number"], name="note_for_supporters_number_once"
            )
        ]


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


#: The feelings that flag a relationship (a contact marked a bit or very worried).
WORRIED = (Feeling.A_BIT_WORRIED.value, Feeling.VERY_WORRIED.value)


class Contact(BaseModel):
    """One contact, or one that was missed or cancelled (they count too)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="relationship_contacts"
    )
    relationship = models.ForeignKey(
        Relationship, on_delete=models.PROTECT, related_name="contacts"
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
            # The home page's worried contacts, latest first (ADR-126): only the worried ones.
            models.Index(
                fields=["organisation", "-happened_on", "-created_at"],
                condition=Q(feeling__in=["a_bit_worried", "very_worried"]),
                name="contact_org_worried_idx",
            ),
            # The caseload's "worried" flag for a page of relationships, which the database
            # checks against the recent worried contacts all at once (ADR-127): those few only.
            models.Index(
                fields=["happened_on"], name="contact_worried_idx", condition=Q(feeling__in=WORRIED)
            ),
        ]


class ConcernLinkIsAppendOnly(AppendOnlyError):
    """Which relationship and contact a concern came from is never changed or removed."""


class ConcernLink(BaseModel, AppendOnlyModel):
    """A safeguarding concern (kindred.safeguarding, which sits below this app) raised from a
    relationship, and the contact it followed, if any: the record it came from links itself to
    the concern, never the other way round. Kept with the same id as the concern (issue 16)."""

    concern = models.OneToOneField(
        "safeguarding.Concern", on_delete=models.PROTECT, related_name="relationship_link"
    )
    relationship = models.ForeignKey(
        Relationship, on_delete=models.PROTECT, related_name="concern_links"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="concern_links"
    )

    append_only_error = ConcernLinkIsAppendOnly

    class Meta:
        ordering = ["-created_at"]


class QuietReminder(BaseModel):
    """A supporter was reminded that a relationship has gone quiet: once per quiet spell (the
    spell is named by the date contact was last due from)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.PROTECT, related_name="quiet_reminders"
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
