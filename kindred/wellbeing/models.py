"""The person's own goals and progress reviews, and their personal crisis and wellbeing plan.

Goals are written in the person's words and reviewed with their supporter every few months
(the relationship's review interval). The crisis plan belongs to the person: every save is a new
version that is never changed, and the person decides who may see it (ADR-045).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kindred.core.models import AppendOnlyError, AppendOnlyModel, BaseModel
from kindred.core.transitions import TransitionRecord, lower_labels, machine
from kindred.volunteers.encryption import EncryptedCharField

GOAL_MAX = 500
WORDS_MAX = 1000
WHAT_NEXT_MAX = 2000
PLAN_FIELD_MAX = 2000


class GoalStatus(models.TextChoices):
    WORKING_ON = "working_on", "Working on it"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "No longer a goal"


#: A goal may move from any status to any other (kindred.core.transitions, ADR-083).
GOAL_MACHINE = machine(
    "goal",
    {status: {other for other in GoalStatus if other != status} for status in GoalStatus},
    label=lower_labels(GoalStatus),
)


class Progress(models.IntegerChoices):
    """Progress as the person sees it: a short scale anyone can answer."""

    NOT_STARTED = 1, "Not started"
    MADE_A_START = 2, "Made a start"
    GETTING_THERE = 3, "Getting there"
    NEARLY_THERE = 4, "Nearly there"
    ACHIEVED = 5, "Achieved"


class WellbeingRecordIsAppendOnly(AppendOnlyError):
    """Reviews, goal history, plan versions and sharing choices are records of what happened."""


class Goal(BaseModel):
    """Something the person wants to work towards, as they said it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="goals"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="goals")
    relationship = models.ForeignKey(
        "relationships.Relationship",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
    )
    text = models.CharField("The goal, in their words", max_length=GOAL_MAX)
    status = models.CharField(
        max_length=12, choices=GoalStatus.choices, default=GoalStatus.WORKING_ON
    )
    set_on = models.DateField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by_label = models.CharField(max_length=254)

    class Meta:
        ordering = ["set_on", "created_at"]
        indexes = [models.Index(fields=["person", "status"], name="goal_person_status_idx")]

    def __str__(self) -> str:
        return f"Goal {self.pk} ({self.get_status_display()})"


class GoalChange(BaseModel, TransitionRecord):
    """A goal's status changed: who, when, from what to what (kindred.core.transitions)."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="history")

    subject_field = "goal"

    class Meta:
        ordering = ["occurred_at", "created_at"]

    def from_state_label(self) -> str:
        return str(GoalStatus(self.from_state).label) if self.from_state else ""

    def to_state_label(self) -> str:
        return str(GoalStatus(self.to_state).label)


class ProgressReview(BaseModel, AppendOnlyModel):
    """A progress review held with the person and their supporter."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="progress_reviews"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="progress_reviews"
    )
    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.PROTECT, related_name="progress_reviews"
    )
    held_on = models.DateField()
    what_next = models.TextField(max_length=WHAT_NEXT_MAX)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=254)

    append_only_error = WellbeingRecordIsAppendOnly

    class Meta:
        ordering = ["-held_on", "-recorded_at"]
        indexes = [
            models.Index(fields=["person", "-held_on"], name="review_person_held_idx"),
        ]


class GoalProgress(BaseModel, AppendOnlyModel):
    """How one goal was going at a review, as the person sees it."""

    review = models.ForeignKey(ProgressReview, on_delete=models.PROTECT, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="progress")
    rating = models.PositiveSmallIntegerField(
        choices=Progress.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    in_their_words = models.CharField(max_length=WORDS_MAX, blank=True)

    append_only_error = WellbeingRecordIsAppendOnly

    class Meta:
        ordering = ["goal__set_on", "goal__created_at"]
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="progress_once_per_review"),
        ]


class CrisisPlan(BaseModel):
    """The head of a person's plan: the row that is locked while a version is saved, so two
    people saving at once are put in order and the second is told (ADR-045)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="crisis_plans"
    )
    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="crisis_plan"
    )
    #: The number of the current version (0 until the first is saved).
    version_count = models.PositiveIntegerField(default=0)
    #: The number of the sharing choices in force (0 until the person's choice is recorded).
    sharing_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Crisis plan for person {self.person_id}"


#: The parts of a plan, in the order SUN's groups write them, with the question each answers.
PLAN_FIELDS: tuple[tuple[str, str, str], ...] = (
    (
        "warning_signs",
        "Early warning signs",
        "What others might notice when things start to get hard",
    ),
    ("what_helps", "What helps", "Things that help, that they can do or others can do"),
    ("what_to_avoid", "What to avoid", "Things that make it worse or that they do not want"),
    ("people_to_contact", "People to contact", "Friends or family, and how to reach them"),
    (
        "professional_contacts",
        "Professional contacts",
        "For example their care coordinator, GP, crisis team",
    ),
    (
        "practical_things",
        "Practical things",
        "For example who feeds the cat, who picks up the children, who has a key",
    ),
)


class CrisisPlanVersion(BaseModel, AppendOnlyModel):
    """One saved version of the plan, never changed. The text is encrypted in the database
    (ADR-030's field): it is some of the most sensitive information Kindred holds."""

    plan = models.ForeignKey(CrisisPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    #: The version the person saving was looking at (the one before, unless they merged).
    based_on = models.PositiveIntegerField()
    warning_signs = EncryptedCharField(blank=True)
    what_helps = EncryptedCharField(blank=True)
    what_to_avoid = EncryptedCharField(blank=True)
    people_to_contact = EncryptedCharField(blank=True)
    professional_contacts = EncryptedCharField(blank=True)
    practical_things = EncryptedCharField(blank=True)
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_by_label = models.CharField(max_length=254)

    append_only_error = WellbeingRecordIsAppendOnly

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _label, _hint in PLAN_FIELDS}


class Audience(models.TextChoices):
    """Who the person may let see their plan. Coordinators always can: they hold the record."""

    SUPPORTERS = "supporters", "Their supporters"
    CRISIS_LINE = "crisis_line", "The out-of-hours crisis line"
    FACILITATORS = "facilitators", "Group facilitators"
    GP = "gp", "Their GP"


class CrisisPlanSharing(BaseModel, AppendOnlyModel):
    """Who the person said may see their plan, as recorded by whom and when. The latest is in
    force; earlier ones are kept."""

    plan = models.ForeignKey(CrisisPlan, on_delete=models.PROTECT, related_name="sharing_history")
    number = models.PositiveIntegerField()
    supporters = models.BooleanField()
    crisis_line = models.BooleanField()
    facilitators = models.BooleanField()
    gp = models.BooleanField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=254)
    #: The coordinator who recorded it confirmed it is the person's own decision (ADR-098).
    #: False on choices recorded before this was asked, or by the system (demo data, imports).
    persons_own_decision = models.BooleanField(default=False)

    append_only_error = WellbeingRecordIsAppendOnly

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_sharing_number_once"),
        ]

    def audiences(self) -> list[str]:
        return [a.value for a in Audience if getattr(self, a.value)]

    def audience_labels(self) -> list[str]:
        return [str(Audience(a).label) for a in self.audiences()]
