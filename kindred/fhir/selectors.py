"""Reads for the FHIR API and the token page. Every query starts from the token's organisation,
or from its network for a network's token (ADR-092)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from kindred.accounts.models import ApiToken, Organisation
from kindred.referrals.models import GpConcern, Referral
from kindred.referrals.models_network import NetworkReferral


def sent_by(*, token: ApiToken) -> Q:
    """Referrals this token's sender made: with this token, or with another token made for the
    same GP practice (a practice's replacement token still sees its referrals). A sender reads
    only its own referrals, never those that came another way (ADR-076)."""
    mine = Q(api_token=token)
    if token.practice_ods:
        mine |= Q(api_token__practice_ods=token.practice_ods)
    return mine


def is_sent_by(*, token: ApiToken, referral: Referral | NetworkReferral) -> bool:
    """Whether this token's sender made the referral (see sent_by): an organisation's referral
    for an organisation's token, a network referral for a network's."""
    if isinstance(referral, NetworkReferral):
        if token.network is None:
            return False
        return token.network.network_referrals.filter(sent_by(token=token), pk=referral.pk).exists()
    if token.organisation is None:
        return False
    return token.organisation.referrals.filter(sent_by(token=token), pk=referral.pk).exists()


def referral_for_token(*, token: ApiToken, referral_id: uuid.UUID) -> Referral | None:
    if token.organisation is None:
        return None  # a network's token reads only network referrals
    return (
        token.organisation.referrals.select_related("organisation")
        .filter(sent_by(token=token), pk=referral_id)
        .first()
    )


def network_referral_for_token(
    *, token: ApiToken, network_referral_id: uuid.UUID
) -> NetworkReferral | None:
    """A referral this network token's sender sent to the network's front door (ADR-092), with
    what a ServiceRequest and a Task of it need."""
    if token.network is None:
        return None
    return (
        token.network.network_referrals.select_related(
            "network", "routed_to", "referral", "referral__organisation"
        )
        .filter(sent_by(token=token), pk=network_referral_id)
        .first()
    )


def referral_by_identifier(
    *, organisation: Organisation, system: str, value: str
) -> Referral | None:
    return (
        organisation.referrals.select_related("organisation", "api_token")
        .filter(external_system=system, external_id=value)
        .first()
    )


def concerns_for_practice(*, token: ApiToken, practice_ods: str) -> QuerySet[GpConcern]:
    if token.organisation is None:
        return GpConcern.objects.none()  # concerns are read with an organisation's token
    return (
        token.organisation.gp_concerns.filter(practice_ods=practice_ods)
        .select_related("person", "organisation", "referral")
        .order_by("-created_at")
    )
