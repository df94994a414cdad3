"""Groups, drop-ins and neighbourhood networks: venues shared by groups, groups with a schedule
(an RFC 5545 rule, ADR-109), the sessions it gives for the weeks ahead, and attendance counted
three ways without a register (ADR-110): named members, regulars known only by a nickname, and a
plain headcount of everyone else."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kindred.core.models import BaseModel
from kindred.core.transitions import TransitionRecord, lower_labels, machine

NAME_MAX = 120
CAPACITY_MAX = 500
HEADCOUNT_MAX = 500
#: The safety net's default: prompt a facilitator after this many held sessions missed in a row.
MISSED_DEFAULT = 3
MISSED_MAX = 12
#: How long someone offered a freed place has to answer, by default.
OFFER_DAYS_DEFAULT = 7
OFFER_DAYS_MAX = 60


class Venue(BaseModel):
    """Where groups meet: a record of its own, shared by every group that meets there."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="venues"
    )
    name = models.CharField(max_length=NAME_MAX)
    address = models.TextField()
    postcode = models.CharField(max_length=8)  # normalised, checked against the ONS data
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)
    step_free = models.BooleanField(default=False)
    hearing_loop = models.BooleanField(default=False)
    accessible_toilet = models.BooleanField(default=False)
    parking = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def accessibility(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.step_free, "Step-free access"),
                (self.hearing_loop, "Hearing loop"),
                (self.accessible_toilet, "Accessible toilet"),
                (self.parking, "Parking"),
            )
            if flag
        ]


class GroupModel(models.TextChoices):
    ACTIVITY = "activity", "Activity"
    PROBLEM_SOLVING = "problem_solving", "Problem-solving and crisis planning"
    CONDITION = "condition", "Condition-specific"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"


class Joining(models.TextChoices):
    OPEN_DOOR = "open_door", "Open door: anyone can come"
    BY_REFERRAL = "by_referral", "By referral"


class Group(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="peer_groups"
    )
    name = models.CharField(max_length=NAME_MAX)
    description = models.TextField("What happens there")
    model = models.CharField(max_length=20, choices=GroupModel.choices)
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="groups")
    # The schedule: an RFC 5545 RRULE from the first session's date, at local wall-clock times.
    rule = models.CharField(max_length=200)
    first_on = models.DateField()
    starts = models.TimeField()
    ends = models.TimeField()
    capacity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(CAPACITY_MAX)]
    )
    joining = models.CharField(max_length=12, choices=Joining.choices)
    carers_welcome = models.BooleanField(default=False)
    cost = models.CharField(max_length=120, default="Free")
    enquiries = models.CharField("Contact for enquiries", max_length=200)
    published = models.BooleanField("Published in the directory", default=False)
    # The safety net (ADR-113): prompt the facilitators after this many held sessions missed.
    missed_before_prompt = models.PositiveSmallIntegerField(
        default=MISSED_DEFAULT, validators=[MinValueValidator(1), MaxValueValidator(MISSED_MAX)]
    )
    # Waiting lists (ADR-114): how many days someone offered a freed place has to answer.
    offer_days = models.PositiveSmallIntegerField(
        default=OFFER_DAYS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(OFFER_DAYS_MAX)],
    )
    # Who is called when someone is in crisis at a session; else the organisation's.
    duty_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            # The public directory reads published groups only, by name (ADR-129): across
            # every organisation, most of whose groups may never be published.
            models.Index(
                fields=["name", "id"], condition=Q(published=True), name="group_published_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FacilitatorKind(models.TextChoices):
    PEER_LEADER = "peer_leader", "Peer leader"
    PROFESSIONAL = "professional", "Professional"


class GroupFacilitator(BaseModel):
    """Who runs the group. A group with both kinds is co-facilitated."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=FacilitatorKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_facilitator_once")
        ]


class SafetyNet(models.Model):
    """Abstract: "tell someone if I stop coming" (ADR-113), recorded with when and by whom."""

    watched_since = models.DateTimeField(null=True, blank=True)
    watched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    watched_by_label = models.CharField(max_length=254, blank=True)

    class Meta:
        abstract = True

    @property
    def watched(self) -> bool:
        return self.watched_since is not None


class GroupMember(SafetyNet, BaseModel):
    """A person with a Kindred record who belongs to the group (counts towards capacity while
    they have not left; a member who leaves is kept, with the date and reason)."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="group_memberships"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="groups_member_once")
        ]

    def __str__(self) -> str:
        return f"Member {self.pk} of group {self.group_id}"

    @property
    def name(self) -> str:
        return str(self.person.display_name)


class GroupRegular(SafetyNet, BaseModel):
    """Someone who comes often, known to the group only by a first name or nickname: no personal
    data, never linked to a person record."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="regulars")
    nickname = models.CharField(max_length=40)

    class Meta:
        ordering = ["nickname"]
        constraints = [
            models.UniqueConstraint(fields=["group", "nickname"], name="groups_regular_once")
        ]

    def __str__(self) -> str:
        return self.nickname

    @property
    def name(self) -> str:
        return self.nickname


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


#: A session is held (attendance taken; taken again to correct it) or cancelled with a reason.
SESSION_MACHINE = machine(
    "session",
    {
        SessionStatus.SCHEDULED: {SessionStatus.HELD, SessionStatus.CANCELLED},
        SessionStatus.HELD: {SessionStatus.HELD},
        SessionStatus.CANCELLED: set(),
    },
    label=lower_labels(SessionStatus),
)


class Session(BaseModel):
    """One meeting of a group, materialised from its schedule for the weeks ahead."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="group_sessions"
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancelled_reason = models.TextField(blank=True)
    #: Where the schedule put it, once it has been moved (it keeps its id: the directory's
    #: calendar feed shows it at its new time); the latest move's reason.
    moved_from = models.DateTimeField(null=True, blank=True)
    moved_reason = models.TextField(blank=True)
    headcount = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(HEADCOUNT_MAX)]
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "starts_at"], name="groups_session_once")
        ]
        indexes = [
            # Clash checks at a venue; an organisation's sessions of a day (the home page).
            models.Index(fields=["venue", "starts_at"], name="groups_session_venue"),
            models.Index(fields=["organisation", "starts_at"], name="groups_session_org_day"),
        ]

    @property
    def cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def moved(self) -> bool:
        return self.moved_from is not None

    @property
    def slot(self) -> dt.datetime:
        """The time the schedule gave it (where it was before any move)."""
        return self.moved_from or self.starts_at


class SessionHistory(TransitionRecord):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="history")
    subject_field = "session"


class NamedAttendance(BaseModel):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="named")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="groups_named_once")
        ]


class RegularAttendance(BaseModel):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="regulars_present")
    regular = models.ForeignKey(GroupRegular, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "regular"], name="groups_regular_present_once"
            )
        ]


# The safety net for missing regulars (ADR-113)


class PromptStatus(models.TextChoices):
    OPEN = "open", "Waiting for someone to check in"
    ALL_FINE = "all_fine", "Checked in: all fine"
    CONCERN = "concern", "Raised as a safeguarding concern"


PROMPT_MACHINE = machine(
    "prompt",
    {
        PromptStatus.OPEN: {PromptStatus.ALL_FINE, PromptStatus.CONCERN},
        PromptStatus.ALL_FINE: set(),
        PromptStatus.CONCERN: set(),
    },
    label=lower_labels(PromptStatus),
)


class MissingPrompt(BaseModel):
    """A gentle prompt to the facilitators: an opted-in member or regular has missed `missed`
    held sessions in a row. It stays in the group until a person decides: all fine, or a
    safeguarding concern."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="missing_prompts"
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="missing_prompts")
    member = models.ForeignKey(
        GroupMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    regular = models.ForeignKey(
        GroupRegular, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    missed = models.PositiveSmallIntegerField()
    since = models.DateTimeField(help_text="The first missed session's start")
    raised_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=PromptStatus.choices, default=PromptStatus.OPEN
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    concern = models.ForeignKey(
        "safeguarding.Concern", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=True, regular__isnull=False)
                | models.Q(member__isnull=False, regular__isnull=True),
                name="groups_prompt_one_subject",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="open"),
                name="groups_prompt_open_member_once",
            ),
            models.UniqueConstraint(
                fields=["regular"],
                condition=models.Q(status="open"),
                name="groups_prompt_open_regular_once",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="groups_prompt_open")]

    @property
    def subject(self) -> GroupMember | GroupRegular:
        subject = self.member or self.regular
        assert subject is not None
        return subject


class PromptHistory(TransitionRecord):
    prompt = models.ForeignKey(MissingPrompt, on_delete=models.PROTECT, related_name="history")
    subject_field = "prompt"


# Calling in a professional from a session


class CrisisCall(BaseModel):
    """A facilitator called a professional to a session because someone was in crisis: a
    member, a regular, or someone unnamed (described). It is also a safeguarding concern."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="group_crisis_calls"
    )
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="crisis_calls")
    member = models.ForeignKey(
        GroupMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    regular = models.ForeignKey(
        GroupRegular, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=300, blank=True)
    called = models.CharField("Who was called", max_length=300)
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(max_length=12)
    concern = models.ForeignKey("safeguarding.Concern", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]

    @property
    def who(self) -> str:
        if self.member is not None:
            return str(self.member.person.display_name)
        if self.regular is not None:
            return self.regular.nickname
        return self.description


# Waiting lists (ADR-114)


class PlaceStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a place"
    ACCEPTED = "accepted", "Took the place"
    DECLINED = "declined", "Said no"
    LAPSED = "lapsed", "Did not answer in time"
    WITHDRAWN = "withdrawn", "Taken off the list"


PLACE_MACHINE = machine(
    "place on the waiting list",
    {
        PlaceStatus.WAITING: {PlaceStatus.OFFERED, PlaceStatus.WITHDRAWN},
        PlaceStatus.OFFERED: {PlaceStatus.ACCEPTED, PlaceStatus.DECLINED, PlaceStatus.LAPSED},
        PlaceStatus.ACCEPTED: set(),
        PlaceStatus.DECLINED: set(),
        PlaceStatus.LAPSED: set(),
        PlaceStatus.WITHDRAWN: set(),
    },
    label=lower_labels(PlaceStatus),
)
#: Places still on the list: waiting, or holding an offer.
LISTED = (PlaceStatus.WAITING, PlaceStatus.OFFERED)


class WaitingPlace(BaseModel):
    """Someone referred to a full group, waiting in order (by when they were added)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="group_waiting_places"
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="waiting")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="group_waiting_places"
    )
    added_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=PlaceStatus.choices, default=PlaceStatus.WAITING
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    answer_by = models.DateField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=models.Q(status__in=["waiting", "offered"]),
                name="groups_waiting_once",
            )
        ]
        indexes = [models.Index(fields=["group", "status", "added_at"], name="groups_waiting")]


class WaitingHistory(TransitionRecord):
    place = models.ForeignKey(WaitingPlace, on_delete=models.PROTECT, related_name="history")
    subject_field = "place"
