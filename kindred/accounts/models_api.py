"""API tokens: how other systems (a GP system sending referrals over FHIR, a telephony or SMS
gateway posting support requests to the JSON API) act for one organisation, or for one network's
front door (ADR-092). Only a hash is stored. Each token holds scopes: what it may do (ADR-119).

The model lived in the FHIR app until the JSON API needed it too; its rows moved here unchanged
(accounts migration 0008): older audit entries name their target "fhir.apitoken".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kindred.core.models import BaseModel


class Scope(models.TextChoices):
    """What a token may do. A GP practice's token and a network's token may only send
    referrals; an organisation's token may hold any of them (every one unless narrowed)."""

    REFERRALS_WRITE = "referrals:write", "Send referrals (FHIR ServiceRequest, Task, Communication)"
    SUPPORT_REQUESTS_WRITE = "support-requests:write", "Send crisis support requests"
    SUPPORT_REQUESTS_READ = "support-requests:read", "Read crisis support requests and their steps"


#: What a GP practice's token or a network's token may hold: it only sends referrals.
REFERRALS_ONLY = frozenset({Scope.REFERRALS_WRITE.value})
EVERY_SCOPE = frozenset(scope.value for scope in Scope)


class ApiToken(BaseModel):
    """A bearer token a referrer's system or a gateway uses for one organisation, or for one
    network's front door (ADR-092): exactly one of the two. The token itself is shown once
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
    # Values of Scope (ADR-119). Tokens made before scopes existed were FHIR tokens: they hold
    # "referrals:write" only (migration 0009).
    scopes = models.JSONField(default=list, blank=True)
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

    def has_scope(self, scope: str) -> bool:
        return isinstance(self.scopes, list) and scope in self.scopes

    @property
    def scope_labels(self) -> list[str]:
        return [Scope(value).label for value in Scope if value in (self.scopes or [])]
