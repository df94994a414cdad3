"""Reads for the FHIR API and the token page. Every query starts from the token's organisation."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from kindred.accounts.models import Organisation
from kindred.fhir.models import ApiToken
from kindred.referrals.models import GpConcern, Referral


def tokens_of(*, organisation: Organisation) -> QuerySet[ApiToken]:
    return organisation.api_tokens.select_related("created_by").order_by("-created_at")


def referral_for_token(*, token: ApiToken, referral_id: uuid.UUID) -> Referral | None:
    return (
        token.organisation.referrals.select_related("person", "organisation")
        .filter(pk=referral_id)
        .first()
    )


def referral_by_identifier(
    *, organisation: Organisation, system: str, value: str
) -> Referral | None:
    return (
        organisation.referrals.select_related("person", "organisation")
        .filter(external_system=system, external_id=value)
        .first()
    )


def concerns_for_practice(*, token: ApiToken, practice_ods: str) -> QuerySet[GpConcern]:
    return (
        token.organisation.gp_concerns.filter(practice_ods=practice_ods)
        .select_related("person", "organisation")
        .order_by("-created_at")
    )
