"""Referrals: someone referred to an organisation for peer support, and what happened next."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kindred.core.models import BaseModel
from kindred.core.transitions import TransitionRecord


class Source(models.TextChoices):
    GP = "gp", "GP"
    PRACTICE_NURSE = "practice_nurse", "Practice nurse"
    COMMUNITY_MATRON = "community_matron", "Community matron"
    MENTAL_HEALTH_TEAM = "mental_health_team", "Mental health team"
    JOB_CENTRE = "job_centre", "Job centre"
    FAMILY_OR_FRIEND = "family_or_friend", "Family or friend"
    MEMBER = "member", "Another member"
    SELF = "self", "Themselves"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    REFERRER_FORM = "referrer_form", "Referrer's form"
    COORDINATOR_FORM = "coordinator_form", "Coordinator's form"
    SELF_REFERRAL = "self_referral", "Self-referral form"
    FHIR = "fhir", "From a clinical system (FHIR)"


class Wants(models.TextChoices):
    GROUP = "group", "A group"
    ONE_TO_ONE = "one_to_one", "One-to-one support"
    BEFRIENDING = "befriending", "Befriending"
    CRISIS = "crisis", "Crisis support"
    NOT_SURE = "not_sure", "Not sure"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class Priority(models.TextChoices):
    """How urgent the referrer says it is: FHIR ServiceRequest.priority's codes (ADR-096)."""

    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
    ASAP = "asap", "As soon as possible"
    STAT = "stat", "Immediately"


#: The priorities that make a referral urgent: its own first-contact target, top of the inbox
#: and of the coordinator's home page, an "Urgent" tag and the coordinators told at once.
URGENT_PRIORITIES = (Priority.URGENT, Priority.ASAP, Priority.STAT)


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WAITING = "waiting", "Waiting for a match or place"
    STARTED = "started", "Support started"
    CLOSED = "closed", "Closed"
    #: A repeat of a referral already open for the same person, joined to it by a coordinator.
    JOINED = "joined", "Joined to an open referral"


#: Referrals waiting for someone to be in touch for the first time.
AWAITING_FIRST_CONTACT = (Status.RECEIVED,)


def urgent_first() -> models.Case:
    """0 for an urgent referral still waiting for first contact, 1 for the rest: ordering on it
    puts those at the top (ADR-096). Once someone has been in touch the urgency has been met.
    The inbox and home-page indexes are built on this very expression (ADR-100), so a query
    ordering on it reads them in order."""
    return models.Case(
        # Plain strings, not the choices, in the order the migration writes them, so that the
        # migration's copy of the indexes compares equal.
        models.When(
            priority__in=tuple(str(p) for p in URGENT_PRIORITIES),
            status__in=tuple(str(s) for s in AWAITING_FIRST_CONTACT),
            then=models.Value(0),
        ),
        default=models.Value(1),
    )


#: Referrals support may still come from: not declined, closed or joined to another.
OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.WAITING, Status.STARTED)


class DeclineCategory(models.TextChoices):
    """Why a referral was declined, in words the referrer may be told (where the person agreed).
    The coordinator's own note (`decline_reason`) stays inside the organisation."""

    NOT_ELIGIBLE = "not_eligible", "Not eligible for this service"
    COULD_NOT_CONTACT = "could_not_contact", "We could not contact them"
    PERSON_DECLINED = "person_declined", "They chose not to take up support"
    ELSEWHERE = "elsewhere", "Better served by another service"
    NO_CAPACITY = "no_capacity", "We have no capacity at the moment"


class Outcome(models.TextChoices):
    COMPLETED = "completed", "Support finished as planned"
    NOT_ENGAGED = "not_engaged", "Did not take up support"
    WITHDREW = "withdrew", "Chose to stop"
    MOVED = "moved", "Moved away or went to another service"
    OTHER = "other", "Other"


class PersonLink(models.TextChoices):
    """How the referral's person record was chosen, and whether a coordinator has confirmed it
    (ADR-075). Until then the record is left exactly as it was."""

    NEW = "new", "A new record was made from this referral"
    SAME_NHS_NUMBER = "same_nhs_number", "Linked by the same NHS number: not yet confirmed"
    PROBABLE = (
        "probable",
        "Probably the same person (name, date of birth and postcode): not yet confirmed",
    )
    CONFIRMED = "confirmed", "Confirmed by a coordinator"

    @classmethod
    def unconfirmed(cls) -> set[str]:
        return {cls.SAME_NHS_NUMBER, cls.PROBABLE}


class Referral(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=30, choices=Source.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_ods_code = models.CharField(max_length=12, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    referrer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
    )
    reason = models.TextField()
    wants = models.CharField(max_length=20, choices=Wants.choices, default=Wants.NOT_SURE)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.ROUTINE, db_default="routine"
    )
    # When the sender wrote the referral (FHIR authoredOn), exactly as sent; received_at is when
    # it arrived here. Blank where the sender did not say (every form: written as it arrives).
    authored_on = models.CharField(max_length=40, blank=True, default="", db_default="")
    conditions = models.CharField(
        max_length=500, blank=True, help_text="Conditions relevant to matching, e.g. COPD, stroke"
    )
    lived_experience = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField()
    first_contact_due = models.DateField()
    first_contact_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    #: Blank on referrals declined before a category was asked for (ADR-098).
    decline_category = models.CharField(max_length=20, choices=DeclineCategory.choices, blank=True)
    signposted_to = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    # Where a referral came from another system (FHIR ServiceRequest.identifier)
    external_system = models.CharField(max_length=300, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    api_token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The person exactly as the referral described them (people.services.PersonDetails as JSON).
    # The referrer and the sending system are shown this, never the stored record (ADR-075).
    person_as_sent = models.JSONField(default=dict, blank=True)
    # What the referrer (or the person referring themselves) said they agreed to. This is the
    # referral's own record; the person's consents change only when a coordinator records them.
    # None: not asked (for example, a FHIR ServiceRequest says nothing about it).
    consent_contact = models.BooleanField(null=True, blank=True)
    consent_share_with_referrer = models.BooleanField(null=True, blank=True)
    consent_evaluation = models.BooleanField(null=True, blank=True)
    person_link = models.CharField(
        max_length=20, choices=PersonLink.choices, default=PersonLink.NEW
    )
    possible_duplicate = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A record with the same name, date of birth and postcode but another NHS number",
    )
    person_confirmed_at = models.DateTimeField(null=True, blank=True)
    person_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The open referral this one repeated, once a coordinator joined them (status JOINED).
    joined_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-received_at"], name="ref_org_status_idx"
            ),
            models.Index(fields=["organisation", "first_contact_due"], name="ref_org_due_idx"),
            # The inbox's default order (ADR-096), unfiltered and by status (ADR-100).
            models.Index(
                F("organisation"),
                urgent_first(),
                F("received_at"),
                F("id"),
                name="ref_inbox_order_idx",
            ),
            models.Index(
                F("organisation"),
                F("status"),
                urgent_first(),
                F("received_at"),
                F("id"),
                name="ref_inbox_status_order_idx",
            ),
            # The home page's overdue panel: only referrals still waiting for first contact.
            models.Index(
                F("organisation"),
                urgent_first(),
                F("first_contact_due"),
                F("received_at"),
                name="ref_awaiting_overdue_idx",
                condition=Q(status__in=tuple(str(s) for s in AWAITING_FIRST_CONTACT)),
            ),
            models.Index(fields=["referrer_user", "-received_at"], name="ref_referrer_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_system", "external_id"],
                condition=~Q(external_id=""),
                name="referral_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(status="joined", joined_to__isnull=False)
                | (~Q(status="joined") & Q(joined_to__isnull=True)),
                name="referral_joined_names_the_open_one",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.person} ({self.get_status_display()})"

    @property
    def name_as_sent(self) -> str:
        """The person's name as the referral gave it (what the referrer may be shown)."""
        sent = self.person_as_sent or {}
        name = f"{sent.get('given_name', '')} {sent.get('family_name', '')}".strip()
        return name or "Name not recorded"

    @property
    def is_urgent(self) -> bool:
        return self.priority in URGENT_PRIORITIES

    @property
    def person_link_confirmed(self) -> bool:
        return self.person_link not in PersonLink.unconfirmed()


class ReferralEvent(BaseModel, TransitionRecord):
    """One step in a referral's life: who moved it from what to what, when, and why (ADR-083)."""

    # PROTECT: deleting a referral must never take its history with it.
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="history")

    subject_field = "referral"

    class Meta:
        ordering = ["occurred_at"]
        indexes = [models.Index(fields=["referral", "occurred_at"], name="ref_event_idx")]

    @property
    def to_label(self) -> str:
        """The status the referral moved to, in the words the user sees."""
        return str(Status(self.to_state).label)


class GpConcern(BaseModel):
    """'A concern for the GP': something a supporter, facilitator or coordinator noticed that the
    person's GP should know. Shared with the practice as a FHIR Communication."""

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine: when the practice next can"
        URGENT = "urgent", "Urgent: in the next day or two"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="gp_concerns"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="gp_concerns"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="gp_concerns"
    )
    practice_ods = models.CharField(max_length=12)
    noticed = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_label = models.CharField(max_length=254)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "practice_ods", "-created_at"], name="concern_org_ods_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Concern for the GP about {self.person}"


# Referrals sent to a network's front door (ADR-092), in a module of their own.
from kindred.referrals.models_network import (  # noqa: E402
    NetworkReferral as NetworkReferral,
)
from kindred.referrals.models_network import (  # noqa: E402
    NetworkReferralEvent as NetworkReferralEvent,
)
from kindred.referrals.models_network import (  # noqa: E402
    NetworkReferralStatus as NetworkReferralStatus,
)
