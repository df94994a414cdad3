"""Volunteers: recruitment, checks and training, roles, supervision and wellbeing, hours, expenses
and the peer journey. Every record belongs to an organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kindred.core.models import BaseModel
from kindred.core.transitions import TransitionRecord
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


#: Satisfactory references a volunteer needs before their DBS check, unless the organisation's
#: programme says otherwise (ADR-095).
REFERENCES_NEEDED = 2


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
    references_needed = models.PositiveSmallIntegerField(
        default=REFERENCES_NEEDED,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Satisfactory references received before a volunteer moves on to the DBS check",
    )

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

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            # The recruitment board: each stage's longest waiting, read in order (ADR-127).
            models.Index(
                fields=["organisation", "stage", "stage_changed_at"],
                name="volunteer_org_stage_since_idx",
            ),
            # The volunteers list's default order (ADR-100).
            models.Index(
                fields=["organisation", "family_name", "given_name"], name="volunteer_org_name_idx"
            ),
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


class StageChange(TransitionRecord):
    """Append-only: who moved a volunteer from one stage to another, when and why (ADR-083).
    `from_state` is empty for the step that made the record."""

    # Kept from before the transition record: the table takes no UPDATE, so its rows keep their ids.
    id = models.BigAutoField(primary_key=True)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="history")

    subject_field = "volunteer"

    class Meta:
        ordering = ["occurred_at", "id"]

    @property
    def to_label(self) -> str:
        return str(Stage(self.to_state).label)


# What happened to a volunteer (their history, checks, training, supervision, check-ins, requests
# for support, hours, expenses and journey) is PROTECTed: removing a volunteer never takes it with
# it. Only working state (roles held, availability, reminders and prompts sent) goes with them.


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
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="dbs_checks")
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
        indexes = [
            # The home page's "running out" panel: each volunteer's latest check (ADR-100).
            models.Index(fields=["volunteer", "-issued_on", "-created_at"], name="dbs_latest_idx"),
            models.Index(fields=["organisation", "issued_on"], name="dbs_org_issued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} DBS check ending {self.certificate_last_digits}"


class ReferenceOutcome(models.TextChoices):
    SATISFACTORY = "satisfactory", "Satisfactory"
    WITH_NOTES = "with_notes", "Satisfactory, with notes"
    NOT_SATISFACTORY = "not_satisfactory", "Not satisfactory"


#: The outcomes that count towards the references a volunteer needs (ADR-095).
SATISFACTORY_OUTCOMES = (ReferenceOutcome.SATISFACTORY, ReferenceOutcome.WITH_NOTES)


class Reference(BaseModel):
    """A reference asked for from someone who knows the volunteer, and (once it comes back) what
    it said. Kept: the request is never removed, and once received it is not changed."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteer_references"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="references")
    referee_name = models.CharField(max_length=200)
    relationship = models.CharField(
        "How they know the volunteer", max_length=200, help_text="For example, former employer"
    )
    contact = models.CharField(
        "How to contact the referee", max_length=254, help_text="Email, phone or postal address"
    )
    requested_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ReferenceOutcome.choices, blank=True)
    notes = models.CharField(max_length=1000, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(received_on__isnull=True) & Q(outcome=""))
                | (
                    Q(received_on__isnull=False)
                    & Q(received_on__gte=models.F("requested_on"))
                    & Q(outcome__in=ReferenceOutcome.values)
                ),
                name="reference_received_with_an_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"Reference from {self.referee_name}"

    @property
    def is_satisfactory(self) -> bool:
        return self.outcome in SATISFACTORY_OUTCOMES


class TrainingRecord(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="training_records"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="training")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on"]
        indexes = [
            models.Index(fields=["organisation", "expires_on"], name="training_expiry_idx"),
            # Whether a record is the volunteer's latest of its course (ADR-100).
            models.Index(
                fields=["volunteer", "course", "-completed_on", "-created_at"],
                name="training_latest_idx",
            ),
        ]
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
    volunteers: models.ManyToManyField[Volunteer, SupervisionAttendance] = models.ManyToManyField(
        Volunteer, through="SupervisionAttendance", related_name="supervision_sessions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-held_on"]


class SupervisionAttendance(models.Model):
    """Who was at a supervision session. It was the M2M's own table, which it keeps (with its
    columns and ids); being explicit lets it PROTECT the volunteer side."""

    id = models.BigAutoField(primary_key=True)
    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, db_column="supervisionsession_id"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT)

    class Meta:
        db_table = "volunteers_supervisionsession_volunteers"
        unique_together = [("session", "volunteer")]

    def __str__(self) -> str:
        return f"{self.volunteer} at the supervision of {self.session.held_on}"


class SupportRequest(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteer_support_requests"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="support_requests"
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

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="check_ins")
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
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="hours")
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
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="expenses")
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
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="journey")
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
