"""Groups, drop-ins and neighbourhood networks: venues shared by groups, groups with a schedule
(an RFC 5545 rule, ADR-109), the sessions it gives for the weeks ahead, and attendance counted
three ways without a register (ADR-110): named members, regulars known only by a nickname, and a
plain headcount of everyone else."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kindred.core.models import BaseModel
from kindred.core.transitions import TransitionRecord, lower_labels, machine

NAME_MAX = 120
CAPACITY_MAX = 500
HEADCOUNT_MAX = 500


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

    class Meta:
        ordering = ["name"]

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


class GroupMember(BaseModel):
    """A person with a Kindred record who belongs to the group (counts towards capacity)."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="group_memberships"
    )
    joined_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="groups_member_once")
        ]


class GroupRegular(BaseModel):
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
