"""Volunteers: recruitment, checks and training, roles, supervision and wellbeing, hours, expenses
and the peer journey. Every record belongs to an organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kindred.core.models import AppendOnlyError, AppendOnlyModel, BaseModel
from kindred.volunteers.encryption import EncryptedCharField


class Stage(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry"
    APPLICATION = "application", "Application"
    CONVERSATION = "conversation", "Conversation or interview"
    REFERENCES = "references", "References"
    DBS_CHECK = "dbs_check", "DBS check"
    INDUCTION = "induction", "Induction and training"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


class DbsLevel(models.TextChoices):
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    ENHANCED = "enhanced", "Enhanced"
    ENHANCED_BARRED = "enhanced_barred", "Enhanced with barred list"


class CourseKind(models.TextChoices):
    SAFEGUARDING_ADULTS = "safeguarding_adults", "Safeguarding adults"
    PEER_SUPPORT = "peer_support", "Peer support"
    BEFRIENDING = "befriending", "Befriending"
    CRISIS_LINE = "crisis_line", "Crisis line"
    LONE_WORKING = "lone_working", "Lone working"
    DATA_PROTECTION = "data_protection", "Data protection"


class RoleKind(models.TextChoices):
    BEFRIENDER = "befriender", "Befriender"
    CRISIS_LINE = "crisis_line", "Crisis line supporter"
    GROUP_FACILITATOR = "group_facilitator", "Group facilitator"
    DRIVER = "driver", "Driver"


class Programme(BaseModel):
    """An organisation's volunteering settings: what an hour is worth, how often supervision."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteer_programme"
    )
    hourly_value = models.DecimalField(
        max_digits=7, decimal_places=2, default=Decimal("12.21"),
        help_text="What an hour of volunteering is worth, in pounds",
    )  # fmt: skip
    supervision_every_days = models.PositiveSmallIntegerField(default=31)

    def __str__(self) -> str:
        return f"Volunteering at {self.organisation}"


class TrainingCourse(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="training_courses"
    )
    kind = models.CharField(max_length=32, choices=CourseKind.choices)
    name = models.CharField(max_length=120)
    valid_for_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: never needs refreshing"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="one_course_per_kind")
        ]

    def __str__(self) -> str:
        return self.name


class VolunteeringRole(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteering_roles"
    )
    kind = models.CharField(max_length=32, choices=RoleKind.choices)
    name = models.CharField(max_length=120)
    dbs_level = models.CharField(max_length=20, choices=DbsLevel.choices, blank=True)
    dbs_renewal_years = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    courses = models.ManyToManyField(TrainingCourse, blank=True, related_name="required_by")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="one_role_per_kind")
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="volunteer_records",
    )  # fmt: skip
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="volunteer_records",
        help_text="Their record as someone receiving support, linked with their consent",
    )  # fmt: skip
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    why = models.TextField("Why they want to volunteer", blank=True)
    has_had_support = models.BooleanField(default=False)
    consent_to_link = models.BooleanField(
        default=False, help_text="Agreed that their enquiry may be linked to their support record"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.ENQUIRY)
    stage_changed_at = models.DateTimeField()
    left_reason = models.CharField(max_length=300, blank=True)
    roles: models.ManyToManyField[VolunteeringRole, RoleAssignment] = models.ManyToManyField(
        VolunteeringRole, through="RoleAssignment", blank=True, related_name="volunteers"
    )
    enquiry_source = models.CharField(max_length=64, blank=True, help_text="Hashed address")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["organisation", "stage"], name="volunteer_org_stage_idx"),
            models.Index(fields=["enquiry_source", "created_at"], name="volunteer_enquiry_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=Q(user__isnull=False),
                name="one_volunteer_record_per_user",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class HistoryIsAppendOnly(AppendOnlyError, ValueError):
    """Raised on any attempt to change or remove a stage change."""


class StageChange(AppendOnlyModel):
    """Append-only: who moved a volunteer from one stage to another, when and why."""

    id = models.BigAutoField(primary_key=True)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="history")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    occurred_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=254)
    note = models.CharField(max_length=500, blank=True)

    append_only_error = HistoryIsAppendOnly

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} to {self.to_stage}"


class RoleAssignment(BaseModel):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE)
    role = models.ForeignKey(VolunteeringRole, on_delete=models.PROTECT)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "role"], name="one_assignment_per_role")
        ]


class DbsCheck(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="dbs_checks"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="dbs_checks")
    level = models.CharField(max_length=20, choices=DbsLevel.choices)
    certificate_number = EncryptedCharField()
    certificate_last_digits = models.CharField(max_length=4)
    issued_on = models.DateField()
    update_service = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} DBS check ending {self.certificate_last_digits}"


class TrainingRecord(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="training_records"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on"]
        indexes = [models.Index(fields=["organisation", "expires_on"], name="training_expiry_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("completed_on")),
                name="training_expires_after_completion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} completed {self.completed_on}"


class ExpiryReminder(BaseModel):
    """One reminder per thing that expires: the unique constraint makes the daily task idempotent."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="reminders")
    subject = models.CharField(max_length=64, help_text="e.g. training:<id> or dbs:<id>")
    expires_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "expires_on"], name="one_reminder_per_expiry"
            )
        ]


class AvailabilityWindow(BaseModel):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="availability_ends_after_start"
            )
        ]


class SupervisionSession(BaseModel):
    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one"
        GROUP = "group", "Group"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    held_on = models.DateField()
    volunteers = models.ManyToManyField(Volunteer, related_name="supervision_sessions")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-held_on"]


class SupportRequest(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteer_support_requests"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="support_requests"
    )
    message = models.CharField(max_length=1000)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]


class WellbeingCheckIn(BaseModel):
    class Feeling(models.IntegerChoices):
        STRUGGLING = 1, "I'm struggling"
        NOT_GREAT = 2, "Not great"
        OKAY = 3, "Okay"
        GOOD = 4, "Good"
        GREAT = 5, "Really good"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="check_ins")
    month = models.DateField(help_text="The first day of the month it is for")
    feeling = models.PositiveSmallIntegerField(choices=Feeling.choices)
    comment = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "month"], name="one_check_in_a_month")
        ]


class WellbeingPrompt(BaseModel):
    """The monthly "how are you finding it?" message, sent once a month per volunteer."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="prompts")
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "month"], name="one_prompt_a_month")
        ]


class HoursSource(models.TextChoices):
    SELF_LOGGED = "self", "Logged by the volunteer"
    CONTACT = "contact", "A contact with someone they support"
    GROUP_SESSION = "session", "A group session"
    SHIFT = "shift", "A crisis line shift"


class VolunteerHours(BaseModel):
    """The one ledger of volunteering time. Each entry names its source; (volunteer, source,
    source_ref) is unique, so recording the same contact, session or shift twice counts once
    (ADR-032)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteer_hours"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="hours")
    source = models.CharField(max_length=10, choices=HoursSource.choices)
    source_ref = models.CharField(max_length=64)
    worked_on = models.DateField()
    minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-worked_on", "-created_at"]
        indexes = [models.Index(fields=["organisation", "worked_on"], name="hours_org_day_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "source", "source_ref"], name="hours_counted_once"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=24 * 60), name="hours_in_a_day"
            ),
        ]

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


class Expense(BaseModel):
    class Status(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        PAID = "paid", "Paid"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteer_expenses"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="expenses")
    spent_on = models.DateField()
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLAIMED)

    class Meta:
        ordering = ["-spent_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_positive")]


class JourneyStep(models.TextChoices):
    RECEIVED_SUPPORT = "received_support", "Received support"
    TRAINED = "trained", "Trained"
    BECAME_SUPPORTER = "became_supporter", "Became a supporter"
    LED_GROUP = "led_group", "Led a group"
    FOUNDED_GROUP = "founded_group", "Founded a group"


class JourneyEvent(BaseModel):
    """A step on someone's peer journey, from receiving support to giving it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="journey_events"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="journey")
    step = models.CharField(max_length=20, choices=JourneyStep.choices)
    occurred_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "created_at"]


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)
