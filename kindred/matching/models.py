"""Matching profiles for people waiting and for supporters, and recorded conflicts between them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kindred.core.models import BaseModel
from kindred.core.transitions import machine
from kindred.relationships.models import Mode

#: The ways of meeting in person (the engine's Mode, stored with the relationships app's keys).
FACE_TO_FACE = frozenset({Mode.VISIT.value, Mode.MEET_OUT.value})


class SupporterGender(models.TextChoices):
    NOT_SAID = "", "Not said"
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Parts of the day a person waiting can say they are free: key, label, first and last minute.
PARTS = (("morning", "morning", 9 * 60, 12 * 60), ("afternoon", "afternoon", 12 * 60, 17 * 60),
         ("evening", "evening", 17 * 60, 21 * 60))  # fmt: skip
FREE_TIMES = [
    (f"{day}-{key}", f"{DAYS[day]} {label}") for day in range(7) for key, label, _, _ in PARTS
]


SUPPORTERS_NEEDED = [(1, "One supporter"), (2, "A pair of supporters")]


class GenderPreference(models.TextChoices):
    NONE = "", "No preference"
    WOMAN = "woman", "A woman"
    MAN = "man", "A man"
    NON_BINARY = "non_binary", "A non-binary person"


class Experience(BaseModel):
    """A lived experience an organisation adds to the curated list (experiences.CURATED)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="matching_experiences"
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    snomed_code = models.CharField("SNOMED CT code", max_length=18, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="matching_experience_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.name


class WaitingProfile(BaseModel):
    """What matters in matching someone who is waiting for support (one per referral)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="waiting_profiles"
    )
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="matching_profile"
    )
    experiences = models.JSONField(default=list, blank=True)
    interests = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    modes = models.JSONField(default=list, blank=True)
    gender_preference = models.CharField(
        max_length=20, choices=GenderPreference.choices, blank=True, default=""
    )
    free_times = models.JSONField(default=list, blank=True)  # keys of FREE_TIMES
    #: 2 for a pair of supporters working with one person (Solidarity in a Crisis); the engine's
    #: demand. A pair is proposed, accepted and introduced together, never one half alone.
    supporters_needed = models.PositiveSmallIntegerField(choices=SUPPORTERS_NEEDED, default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supporters_needed__in=[1, 2]),
                name="matching_one_or_two_supporters_needed",
            )
        ]

    def __str__(self) -> str:
        return f"Matching profile for referral {self.referral_id}"


class SupporterProfile(BaseModel):
    """What matters in matching a volunteer as a supporter. Availability is the volunteer's own
    weekly windows in the volunteers app; location is their postcode's ONS coordinates."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="supporter_profiles"
    )
    volunteer = models.OneToOneField(
        "volunteers.Volunteer", on_delete=models.CASCADE, related_name="matching_profile"
    )
    experiences = models.JSONField(default=list, blank=True)
    interests = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    modes = models.JSONField(default=list, blank=True)
    max_travel_km = models.PositiveSmallIntegerField(default=5)
    gender = models.CharField(
        max_length=20, choices=SupporterGender.choices, blank=True, default=""
    )
    capacity = models.PositiveSmallIntegerField(default=1)
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Matching profile for volunteer {self.volunteer_id}"


class ConflictReason(models.TextChoices):
    KNOWN = "known", "Already known to each other"
    ENDED_BADLY = "ended_badly", "Previously ended badly"
    OTHER = "other", "Another reason"


class Conflict(BaseModel):
    """A person and a supporter who must never be matched: a safeguarding record, kept even if
    either is removed (PROTECT)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="matching_conflicts"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="matching_conflicts"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="matching_conflicts"
    )
    reason = models.CharField(max_length=20, choices=ConflictReason.choices)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "volunteer"], name="matching_conflict_unique_pair"
            )
        ]


class MatchStatus(models.TextChoices):
    INTRODUCED = "introduced", "Introduction being made"
    STARTED = "started", "Support started"
    ENDED = "ended", "Ended"


ACTIVE_MATCH = (MatchStatus.INTRODUCED.value, MatchStatus.STARTED.value)

#: A match follows its relationship: support starts, then it ends (kindred.core.transitions).
MATCH_MACHINE = machine(
    "match",
    {
        MatchStatus.INTRODUCED: {MatchStatus.STARTED, MatchStatus.ENDED},
        MatchStatus.STARTED: {MatchStatus.ENDED},
        MatchStatus.ENDED: set(),
    },
    label=lambda status: str(MatchStatus(status).label).lower(),
)


class Match(BaseModel):
    """A coordinator's decision to introduce a person to a supporter: one row per supporter, so a
    pair of supporters is two rows accepted together. Accepting also introduces them in the
    relationships app; the supporter's place is counted from that relationship while it is open
    (kindred.relationships.selectors.supporter_load). The match is recorded in the person's
    organisation, even when the supporter comes from another organisation of the network. Its
    status follows the relationship: the relationships app tells when support began or ended
    (kindred.relationships.signals, ADR-086)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="matches"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="matches"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="matches"
    )
    status = models.CharField(
        max_length=12, choices=MatchStatus.choices, default=MatchStatus.INTRODUCED
    )
    score = models.FloatField()
    explanation = models.CharField(max_length=500)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    #: The supporter this match introduced, in the relationships app (set when accepted).
    supporter_link = models.OneToOneField(
        "relationships.Supporter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="match",
    )

    class Meta:
        constraints = [
            # A pair is two active matches for one referral, never the same supporter twice.
            # "At most the supporters needed" is checked by match_accept under the row locks.
            models.UniqueConstraint(
                fields=["referral", "volunteer"],
                condition=models.Q(status__in=["introduced", "started"]),
                name="matching_one_active_match_per_referral_and_volunteer",
            )
        ]


class Rejection(BaseModel):
    """A pair a coordinator turned down: never proposed again (a decision, kept: PROTECT)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="match_rejections"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="match_rejections"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="match_rejections"
    )
    reason = models.CharField(max_length=300)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "volunteer"], name="matching_rejection_unique_pair"
            )
        ]


class MatchingWeights(BaseModel):
    """How much each part of a match counts for this organisation. Defaults are the engine's
    (kindred.matching.engine.scoring.DEFAULT_WEIGHTS; the waiting weight from ADR-011)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="matching_weights"
    )
    shared_experience = models.FloatField()
    distance = models.FloatField()
    interests = models.FloatField()
    availability = models.FloatField()
    waiting = models.FloatField()
    continuity = models.FloatField()


class NetworkSharing(BaseModel):
    """Whether an organisation agrees that its network admins may match its people waiting and
    its supporters with those of the other organisations of its network that agree too. Off
    until an organisation admin turns it on; every change is also in the audit log (ADR-013)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="matching_sharing"
    )
    shares = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Network sharing for {self.organisation_id}: {'on' if self.shares else 'off'}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Being worked out"
    DONE = "done", "Worked out"
    FAILED = "failed", "Could not be worked out"


#: A run that is queued or running: only one per organisation, scope and person at a time.
ACTIVE_RUN = (RunStatus.QUEUED, RunStatus.RUNNING)


class SuggestionRun(BaseModel):
    """The worker working out matching suggestions (ADR-101): for everyone waiting in an
    organisation, across the sharing organisations of its network (`network`), or for one person
    (`referral`, with why nobody suits them). Who asked, when it was queued, started and
    finished, how far it has got, and, once done, the proposals and their explanations as the
    suggestions page shows them (`proposals`, read back by kindred.matching.runs). Pages only
    read runs; they never work suggestions out themselves."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="suggestion_runs"
    )
    network = models.BooleanField(default=False)
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suggestion_runs",
    )
    #: None when Kindred asked itself (the daily job, or after something matching uses changed).
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: People worked through so far, of `total`.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    proposals = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "network", "referral", "-queued_at"],
                name="matching_run_latest",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network"],
                condition=models.Q(status__in=ACTIVE_RUN, referral__isnull=True),
                name="matching_one_active_run_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "network", "referral"],
                condition=models.Q(status__in=ACTIVE_RUN, referral__isnull=False),
                name="matching_one_active_run_per_person",
            ),
        ]

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_RUN

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
