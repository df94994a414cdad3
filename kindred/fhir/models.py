"""API tokens for clinical systems that send referrals over FHIR. Only a hash is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kindred.core.models import BaseModel


class ApiToken(BaseModel):
    """A bearer token a GP system (or other referrer's system) uses for one organisation, or for
    one network's front door (ADR-092): exactly one of the two. The token itself is shown once
    when made; Kindred keeps its SHA-256 hash and first characters."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    # A network's token: its ServiceRequests land in the network's inbox, for a network admin to
    # send on to one of the network's organisations (ADR-092).
    network = models.ForeignKey(
        "accounts.Network",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(max_length=200)
    practice_ods = models.CharField(
        "ODS code of the practice using it",
        max_length=12,
        blank=True,
        help_text="Concerns for the GP about this practice's patients are shared with this token",
    )
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, network__isnull=True)
                | models.Q(organisation__isnull=True, network__isnull=False),
                name="api_token_for_organisation_or_network",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
