"""API tokens: made (the value shown once), revoked, and checked on each request."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from kindred.core.services import Acting, audit_record
from kindred.fhir import tokens
from kindred.fhir.models import ApiToken


class TokenError(Exception):
    pass


@transaction.atomic
def api_token_create(*, by: Acting, name: str, practice_ods: str = "") -> tuple[ApiToken, str]:
    """A new token for the organisation `by` acts for. Returns the record and the token itself,
    which is never stored and cannot be shown again."""
    if by.organisation is None:
        raise TokenError("Choose an organisation first.")
    if not name.strip():
        raise TokenError("Give the token a name, such as the system that will use it")
    raw = tokens.make_token()
    token = ApiToken.objects.create(
        organisation=by.organisation,
        name=name.strip()[:200],
        practice_ods=practice_ods.strip().upper()[:12],
        prefix=tokens.display_prefix(raw),
        token_hash=tokens.token_hash(raw),
        created_by=by.user,
    )
    audit_record(by=by, action="api_token.created", target=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, by: Acting, token_id: uuid.UUID) -> ApiToken:
    if by.organisation is None:
        raise TokenError("Choose an organisation first.")
    token = by.organisation.api_tokens.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(by=by, action="api_token.revoked", target=token)
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token with this value, or None. Notes when it was last used (at most once a
    minute, so busy systems do not write on every request)."""
    if not raw.startswith(tokens.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(
            token_hash=tokens.token_hash(raw), revoked_at__isnull=True, organisation__is_active=True
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
