"""Outcomes: questionnaires due and answered at set time points, healthcare use before and after,
and the costs the reports weigh against it (issue 19). Scoring itself is the pure module
`kindred.outcomes.measures`; these models keep what was answered and what it scored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kindred.core.models import BaseModel


class TimePoint(models.TextChoices):
    BASELINE = "baseline", "At the start (baseline)"
    MONTH_3 = "m3", "After 3 months"
    MONTH_6 = "m6", "After 6 months"
    MONTH_12 = "m12", "After 12 months"


#: How many months after the baseline each time point falls.
MONTHS = {
    TimePoint.BASELINE: 0,
    TimePoint.MONTH_3: 3,
    TimePoint.MONTH_6: 6,
    TimePoint.MONTH_12: 12,
}
TIME_POINT_OF_MONTHS = {months: point for point, months in MONTHS.items()}


class CollectionStatus(models.TextChoices):
    DUE = "due", "Due"
    COMPLETED = "completed", "Completed"
    #: Recorded so that missing data is honest: the person said no.
    DECLINED = "declined", "The person declined"
    #: Recorded so that missing data is honest: nobody could reach them.
    COULD_NOT_CONTACT = "could_not_contact", "We could not contact them"


#: The statuses that close a collection: nothing more is asked for it.
CLOSED = (
    CollectionStatus.COMPLETED,
    CollectionStatus.DECLINED,
    CollectionStatus.COULD_NOT_CONTACT,
)


class OutcomeSettings(BaseModel):
    """What an organisation asks and when: the measures, and the follow-ups after baseline."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="outcome_settings"
    )
    measures = models.JSONField(default=list, help_text="Measure codes, e.g. swemwbs, ucla3")
    follow_up_months = models.JSONField(default=list, help_text="Any of 3, 6 and 12")

    def __str__(self) -> str:
        return f"Outcome settings of {self.organisation_id}"


class Collection(BaseModel):
    """One time point for one person's support: due on a day, then completed, declined or
    'could not contact'. The baseline falls on the day the referral was accepted."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="outcome_collections"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="outcome_collections"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="outcome_collections"
    )
    time_point = models.CharField(max_length=10, choices=TimePoint.choices)
    due_on = models.DateField()
    measures = models.JSONField(default=list, help_text="The measure codes asked at this point")
    status = models.CharField(
        max_length=20, choices=CollectionStatus.choices, default=CollectionStatus.DUE
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: True when the person completed it themselves through a one-time link.
    by_person = models.BooleanField(default=False)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "time_point"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "time_point"], name="outcomes_collection_once"
            ),
            models.CheckConstraint(
                condition=Q(status="due", closed_at__isnull=True)
                | (~Q(status="due") & Q(closed_at__isnull=False)),
                name="outcomes_collection_closed_when",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="outc_coll_org_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_time_point_display()} for {self.person_id}"


class Response(BaseModel):
    """One measure's answers at one collection, with what they scored (kept as scored then)."""

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="responses")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    measure = models.CharField(max_length=20)
    answers = models.JSONField()
    raw = models.IntegerField(null=True, blank=True)
    value = models.JSONField(null=True, blank=True)
    band = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["answered_at"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "measure"], name="outcomes_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.measure} at {self.collection_id}"


class UseSource(models.TextChoices):
    SELF = "self", "The person told us"
    REFERRER = "referrer", "From the referrer"


class HealthcareUse(BaseModel):
    """Healthcare used in the 3 months before a collection's time point."""

    collection = models.OneToOneField(
        Collection, on_delete=models.PROTECT, related_name="healthcare_use"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    gp_appointments = models.PositiveSmallIntegerField()
    ae_attendances = models.PositiveSmallIntegerField("A&E attendances")
    emergency_admissions = models.PositiveSmallIntegerField()
    bed_days = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=10, choices=UseSource.choices)
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Healthcare use at {self.collection_id}"


class CollectionLink(BaseModel):
    """A one-time link for the person to answer a collection themselves (like ADR-073's
    password links: only the token's hash is kept; it works once, and not after it expires)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Questionnaire link for {self.collection_id}"


class CostItem(models.TextChoices):
    GP_APPOINTMENT = "gp_appointment", "GP appointment"
    AE_ATTENDANCE = "ae_attendance", "A&E attendance"
    EMERGENCY_ADMISSION = "emergency_admission", "Emergency admission"
    BED_DAY = "bed_day", "Hospital bed day"


class UnitCost(BaseModel):
    """What one unit of healthcare (or volunteering) costs: value, price year and source."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="unit_costs"
    )
    item = models.CharField(max_length=30, choices=CostItem.choices)
    value = models.DecimalField(max_digits=10, decimal_places=2)
    year = models.CharField(max_length=9, help_text="The price year, e.g. 2023/24")
    source = models.CharField(max_length=1000)

    class Meta:
        ordering = ["item"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "item"], name="outcomes_unit_cost_once"
            ),
            models.CheckConstraint(condition=~Q(source=""), name="outcomes_unit_cost_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.value}"


class CostKind(models.TextChoices):
    STAFF = "staff", "Staff"
    EXPENSES = "expenses", "Expenses"
    OVERHEADS = "overheads", "Overheads"


class ServiceCost(BaseModel):
    """What the service itself cost over a period."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="service_costs"
    )
    kind = models.CharField(max_length=10, choices=CostKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="outcomes_cost_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on} to {self.ends_on}"


class StoredReport(BaseModel):
    """A report built by the worker and kept (ADR-129): building one at city size reads every
    answer and healthcare record of the organisations, seconds of work that has no place in a
    request. One row per scope (the organisations' ids) and quarter; the page shows the latest
    built, and asks the worker for a new one when it is older than an hour."""

    #: sha256 of the quarter, the organisations' ids (sorted) and the scope.
    key = models.CharField(max_length=64, unique=True)
    quarter = models.CharField(max_length=6)
    organisation_ids = models.JSONField(default=list)
    scope = models.CharField(max_length=300)
    content = models.JSONField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Outcomes report {self.scope}, {self.quarter}"
