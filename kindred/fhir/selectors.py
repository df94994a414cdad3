"""Reads for the FHIR API and the token page. Every query starts from the token's organisation."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from kindred.accounts.models import Organisation
from kindred.fhir.models import ApiToken
from kindred.referrals.models import GpConcern, Referral


def tokens_of(*, organisation: Organisation) -> QuerySet[ApiToken]:
    return organisation.api_tokens.select_related("created_by").order_by("-created_at")


def sent_by(*, token: ApiToken) -> Q:
    """Referrals this token's sender made: with this token, or with another token made for the
    same GP practice (a practice's replacement token still sees its referrals). A sender reads
    only its own referrals, never those that came another way (ADR-076)."""
    mine = Q(api_token=token)
    if token.practice_ods:
        mine |= Q(api_token__practice_ods=token.practice_ods)
    return mine


def is_sent_by(*, token: ApiToken, referral: Referral) -> bool:
    """Whether this token's sender made the referral (see sent_by)."""
    return token.organisation.referrals.filter(sent_by(token=token), pk=referral.pk).exists()


def referral_for_token(*, token: ApiToken, referral_id: uuid.UUID) -> Referral | None:
    return (
        token.organisation.referrals.select_related("organisation")
        .filter(sent_by(token=token), pk=referral_id)
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
    return (
        token.organisation.gp_concerns.filter(practice_ods=practice_ods)
        .select_related("person", "organisation", "referral")
        .order_by("-created_at")
    )
