"""The rota: shift patterns, each month's rota, its shifts, who is on them, the professional on
call behind each, volunteers' shift availability and swaps."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from kindred.core.models import BaseModel

if TYPE_CHECKING:
    from kindred.volunteers.models import Volunteer

#: Defaults for a new organisation's rota settings.
SUPPORTERS_WANTED = 8
MAX_SHIFTS_A_WEEK = 3
REST_HOURS_AFTER_NIGHT = 11


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class RotaSettings(BaseModel):
    """An organisation's crisis line rota settings."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="rota_settings"
    )
    supporters_wanted = models.PositiveSmallIntegerField(
        default=SUPPORTERS_WANTED, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    max_shifts_a_week = models.PositiveSmallIntegerField(
        default=MAX_SHIFTS_A_WEEK, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    rest_hours_after_night = models.PositiveSmallIntegerField(
        default=REST_HOURS_AFTER_NIGHT, validators=[MinValueValidator(0), MaxValueValidator(48)]
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="The duty professional a new shift has unless changed",
    )  # fmt: skip
    standby = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        help_text="Who a request goes to when no supporter on call accepts it (empty: the "
        "coordinators)",
    )  # fmt: skip

    class Meta:
        verbose_name = "rota settings"
        verbose_name_plural = "rota settings"

    def __str__(self) -> str:
        return f"Rota settings of {self.organisation}"


class ShiftPattern(BaseModel):
    """A weekly shift: starts on `weekday` at `starts_at` and ends at `ends_at`, on the next day
    when `ends_at` is not after `starts_at` (an overnight shift such as 18:00 to 08:00; equal
    times mean 24 hours)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shift_patterns"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "weekday", "starts_at"], name="one_pattern_a_start"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def overnight(self) -> bool:
        return self.ends_at <= self.starts_at

    @property
    def label(self) -> str:
        day = Weekday(self.weekday).label
        part = "night" if self.overnight else "day"
        return f"{day} {part}, {self.starts_at:%H:%M} to {self.ends_at:%H:%M}"


class Rota(BaseModel):
    """One organisation's rota for a period (a calendar month, or the demo's fortnight)."""

    class Build(models.TextChoices):
        NOT_BUILT = "not_built", "Not built yet"
        QUEUED = "queued", "Being built"
        BUILT = "built", "Built"
        FAILED = "failed", "Could not be built"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="rotas"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day of the period")
    build = models.CharField(max_length=12, choices=Build.choices, default=Build.NOT_BUILT)
    built_at = models.DateTimeField(null=True, blank=True)
    build_note = models.CharField(max_length=300, blank=True)
    solver_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "starts_on"], name="one_rota_a_start"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="rota_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Rota {self.starts_on:%B %Y}"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Shift(BaseModel):
    """An on-call shift: from `starts_at` to `ends_at` (aware), how many supporters are wanted and
    the duty professional on call behind it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shifts"
    )
    rota = models.ForeignKey(Rota, on_delete=models.PROTECT, related_name="shifts")
    pattern = models.ForeignKey(
        ShiftPattern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    overnight = models.BooleanField(default=False)
    weekend = models.BooleanField(default=False)
    supporters_wanted = models.PositiveSmallIntegerField(
        default=SUPPORTERS_WANTED, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="professional_shifts",
    )  # fmt: skip
    supporters: models.ManyToManyField[Volunteer, ShiftAssignment] = models.ManyToManyField(
        "volunteers.Volunteer", through="ShiftAssignment", related_name="shifts"
    )

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["organisation", "starts_at"], name="shift_org_start_idx"),
            models.Index(fields=["organisation", "ends_at"], name="shift_org_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after"
            ),
            models.UniqueConstraint(fields=["rota", "starts_at"], name="one_shift_a_start"),
        ]

    def __str__(self) -> str:
        return f"Shift from {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def when(self) -> str:
        """For example "Saturday 14 November, 18:00 to 08:00", in local time."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%A} {start.day} {start:%B}, {start:%H:%M} to {end:%H:%M}"

    @property
    def hours(self) -> float:
        # Timestamps, not wall-clock subtraction: a night across a clock change is 13 or 15 hours.
        return (self.ends_at.timestamp() - self.starts_at.timestamp()) / 3600


class ShiftAssignment(BaseModel):
    class Source(models.TextChoices):
        SOLVER = "solver", "Built by the rota solver"
        HAND = "hand", "Added by a coordinator"
        SWAP = "swap", "Taken in a swap"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="shift_assignments"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.HAND)
    hours_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shift__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], name="one_place_a_shift")
        ]
        indexes = [
            models.Index(fields=["volunteer", "shift"], name="assignment_volunteer_idx"),
        ]


class ShiftAvailability(BaseModel):
    """A volunteer can do this weekly shift (ADR-115: kept in crisis as choices of the
    organisation's shift patterns, so overnight shifts need no change to the volunteers'
    weekly availability table)."""

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.CASCADE, related_name="shift_availability"
    )
    pattern = models.ForeignKey(ShiftPattern, on_delete=models.CASCADE, related_name="available")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "pattern"], name="one_availability_a_pattern"
            )
        ]


class ShiftSwap(BaseModel):
    """A supporter offers their place on a shift; another eligible supporter takes it."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        TAKEN = "taken", "Taken"
        WITHDRAWN = "withdrawn", "Withdrawn"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shift_swaps"
    )
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="swaps")
    offered_by = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="+"
    )
    taken_by = models.ForeignKey(
        "volunteers.Volunteer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shift__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "offered_by"], condition=Q(status="offered"),
                name="one_open_swap_a_place",
            )
        ]  # fmt: skip
