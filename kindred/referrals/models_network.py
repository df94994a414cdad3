"""A referral sent to a network's front door (ADR-092): the network's public self-referral form,
or a ServiceRequest sent with the network's FHIR token.

Until a network admin sends it on to one of the network's organisations it belongs to no
organisation, so no person record is made: it keeps exactly what was sent, as a Referral keeps
its details as sent (ADR-075). Routing it makes the organisation's Referral, through the same
`referral_receive` every other way in uses, and links the two."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from kindred.core.models import BaseModel
from kindred.core.transitions import TransitionRecord

# models.py imports this module at its end, once these are defined.
from kindred.referrals.models import Channel, Source, Wants


class NetworkReferralStatus(models.TextChoices):
    RECEIVED = "received", "Waiting to be sent to an organisation"
    ROUTED = "routed", "Sent to an organisation"
    DECLINED = "declined", "Declined by the network"


class NetworkReferral(BaseModel):
    network = models.ForeignKey(
        "accounts.Network", on_delete=models.PROTECT, related_name="network_referrals"
    )
    # How it came (the self-referral form or FHIR) and who referred, as for a Referral.
    channel = models.CharField(max_length=20, choices=Channel.choices)
    source = models.CharField(max_length=30, choices=Source.choices)
    # The person exactly as the sender described them (the same JSON as Referral.person_as_sent),
    # and what the sender said they agreed to (None: not asked).
    person_as_sent = models.JSONField(default=dict)
    consent_contact = models.BooleanField(null=True, blank=True)
    consent_share_with_referrer = models.BooleanField(null=True, blank=True)
    consent_evaluation = models.BooleanField(null=True, blank=True)
    # The rest of what was sent: referrals.services.ReferralDetails as JSON (reason, urgency,
    # conditions, the referrer...). The kind of support wanted has its own column, for routing.
    details_as_sent = models.JSONField(default=dict)
    wants = models.CharField(max_length=20, choices=Wants.choices)
    # A ServiceRequest's identifier (FHIR): the same one sent again is the same referral.
    external_system = models.CharField(max_length=300, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    api_token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=10,
        choices=NetworkReferralStatus.choices,
        default=NetworkReferralStatus.RECEIVED,
    )
    # Once routed: the organisation it went to and the Referral it became there.
    routed_to = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="network_referral",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    signposted_to = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["received_at"]
        indexes = [
            models.Index(
                fields=["network", "status", "received_at"], name="netref_network_status_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "external_system", "external_id"],
                condition=~Q(external_id=""),
                name="network_referral_unique_external_id",
            ),
            # Routed exactly when it has become an organisation's referral.
            models.CheckConstraint(
                condition=Q(status="routed", routed_to__isnull=False, referral__isnull=False)
                | (~Q(status="routed") & Q(routed_to__isnull=True, referral__isnull=True)),
                name="network_referral_routed_has_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral to the {self.network} front door ({self.get_status_display()})"

    @property
    def name_as_sent(self) -> str:
        sent = self.person_as_sent or {}
        name = f"{sent.get('given_name', '')} {sent.get('family_name', '')}".strip()
        return name or "Name not recorded"

    @property
    def postcode_as_sent(self) -> str:
        return str((self.person_as_sent or {}).get("postcode") or "")

    @property
    def date_of_birth_as_sent(self) -> dt.date | None:
        value = (self.person_as_sent or {}).get("date_of_birth")
        return dt.date.fromisoformat(str(value)) if value else None

    def sent(self, name: str) -> Any:
        """One of the details sent (reason, urgency, referrer_name...), '' if not sent."""
        return (self.details_as_sent or {}).get(name) or ""


class NetworkReferralEvent(BaseModel, TransitionRecord):
    """One step in a network referral's life (ADR-083): received, routed or declined."""

    # PROTECT: deleting a network referral must never take its history with it.
    network_referral = models.ForeignKey(
        NetworkReferral, on_delete=models.PROTECT, related_name="history"
    )

    subject_field = "network_referral"

    class Meta:
        ordering = ["occurred_at"]
        indexes = [
            models.Index(fields=["network_referral", "occurred_at"], name="netref_event_idx")
        ]

    @property
    def to_label(self) -> str:
        return str(NetworkReferralStatus(self.to_state).label)
