"""The person record: someone an organisation supports, their contact details and consents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from kindred.core.models import AppendOnlyError, AppendOnlyModel, BaseModel
from kindred.people import identifiers


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    POST = "post", "Letter"
    NO_PREFERENCE = "", "No preference"


class Gender(models.TextChoices):
    NOT_SAID = "", "Not said"
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    SELF_DESCRIBED = "self_described", "They describe it another way"
    PREFER_NOT = "prefer_not_to_say", "Prefer not to say"


class Person(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="people"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    #: The phone number as digits in one form (`identifiers.phone_key`), for searching: kept by
    #: people.services whenever `phone` is written, never typed in.
    phone_digits = models.CharField(max_length=32, blank=True, default="", editable=False)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, blank=True, default=""
    )
    language = models.CharField(max_length=60, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True, default="")
    gender_described = models.CharField(max_length=100, blank=True)
    gp_practice_ods = models.CharField("GP practice ODS code", max_length=12, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Set when this record was merged into another record of the same person (ADR-090): it is
    #: then a tombstone, never listed, edited or merged again; every read follows it to the
    #: record it points at, which is never itself a tombstone (no chains). PROTECT: the record
    #: that stays can never be deleted from under it.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(
                fields=["organisation", "family_name", "given_name"], name="person_org_name_idx"
            ),
            models.Index(fields=["organisation", "-created_at"], name="person_org_created_idx"),
            # How many people the organisation supports (the home page): an index-only scan of
            # the records that stay, not of the table (ADR-126).
            models.Index(
                fields=["organisation"],
                condition=Q(merged_into__isnull=True),
                name="person_org_unmerged_idx",
            ),
            models.Index(fields=["organisation", "nhs_number"], name="person_org_nhs_idx"),
            models.Index(
                fields=["organisation", "date_of_birth", "postcode"], name="person_org_dob_pc_idx"
            ),
            # Searching the people list by phone, postcode or email is an index look-up
            # (ADR-089); the starts of names and postcodes use the prefix indexes of migration
            # 0007 (the trigram indexes of 0003 are gone: migration 0008, ADR-128).
            models.Index(fields=["organisation", "phone_digits"], name="person_org_phone_idx"),
            models.Index(fields=["organisation", "postcode"], name="person_org_postcode_idx"),
            models.Index(F("organisation"), Upper("email"), name="person_org_email_idx"),
        ]
        constraints = [
            # One record per NHS number in each organisation (ADR-074): the database refuses a
            # second one, however many referrals of the same new number arrive at once.
            models.UniqueConstraint(
                fields=["organisation", "nhs_number"],
                condition=~Q(nhs_number=""),
                name="person_unique_nhs_number",
            ),
            # A tombstone is merged into another record, at a known time, and has given up its
            # NHS number (the record that stays took it, or had the same one: ADR-090).
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_at__isnull=True)
                | Q(merged_into__isnull=False, merged_at__isnull=False, nhs_number=""),
                name="person_tombstone_complete",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="person_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = f"{self.given_name} {self.family_name}".strip()
        if self.preferred_name and self.preferred_name != self.given_name:
            return f"{full} ({self.preferred_name})"
        return full

    @property
    def is_merged(self) -> bool:
        """A tombstone: merged into another record of the same person (ADR-090)."""
        return self.merged_into_id is not None

    @property
    def nhs_number_display(self) -> str:
        return identifiers.format_nhs_number(self.nhs_number)

    @property
    def gender_text(self) -> str:
        if self.gender == Gender.SELF_DESCRIBED:
            return self.gender_described or "Self-described"
        return str(Gender(self.gender).label) if self.gender else "Not said"


class ConsentKind(models.TextChoices):
    CONTACT = "contact", "To be contacted"
    SHARE_WITH_REFERRER = "share_with_referrer", "To share updates with the referrer or GP"
    EVALUATION = "evaluation", "To use their data for anonymised evaluation"


class ConsentIsAppendOnly(AppendOnlyError):
    """A consent is changed by recording a new one, never by editing the old."""


class Consent(BaseModel, AppendOnlyModel):
    """One decision a person made about their data, with when and who recorded it. The latest
    entry for each kind is the one in force; earlier ones stay as the record of what was agreed."""

    # PROTECT: a person's consent history is never deleted with them by accident.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=30, choices=ConsentKind.choices)
    given = models.BooleanField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=254)

    append_only_error = ConsentIsAppendOnly

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(fields=["person", "kind", "-recorded_at"], name="consent_person_kind_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'yes' if self.given else 'no'}"


class PersonChangeIsAppendOnly(AppendOnlyError):
    """A change to someone's details is a record of what happened; it is never edited."""


class PersonChange(BaseModel, AppendOnlyModel):
    """One change to a person's details: which fields, what each said before and after, who
    made it and when (ADR-089). Shown as the record's history on the person's page and part of
    their subject access export. The audit entry of the change names this row; the values are
    kept here, with the record, not in the audit log (ADR-002: identifiers only)."""

    # PROTECT: the history of a record is never deleted with it by accident.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="changes")
    occurred_at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=254)
    #: {field name: value} before and after, as text ("" for nothing, dates as YYYY-MM-DD).
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.CharField(max_length=200, blank=True)

    append_only_error = PersonChangeIsAppendOnly

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="personchange_person_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {', '.join(self.after)}"
