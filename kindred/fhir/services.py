"""API tokens: made (the value shown once), revoked, and checked on each request."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kindred.accounts.models import Network, Organisation
from kindred.accounts.reach import Operator
from kindred.core.services import Acting, audit_record
from kindred.core.transitions import DomainError
from kindred.fhir import audit_actions, tokens
from kindred.fhir.models import ApiToken


class TokenError(DomainError):
    """A token cannot be made or revoked that way; the message says why."""


@transaction.atomic
def api_token_create(
    *,
    by: Acting,
    name: str,
    practice_ods: str = "",
    raw: str | None = None,
    network: Network | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the organisation `by` acts for or, given `network`, for that network's
    front door (ADR-092; only the operator makes those, with `kindred token create --network`).
    Returns the record and the token itself, which is never stored and cannot be shown again.
    `raw` gives the token instead of making a random one: only for the demo's published token
    (`kindred.nonprod`)."""
    if network is not None and not isinstance(by, Operator):
        raise TokenError("Only the people who run Kindred can make a network's token")
    if network is None and by.organisation is None:
        raise TokenError("Choose an organisation first.")
    if not name.strip():
        raise TokenError("Give the token a name, such as the system that will use it")
    raw = raw or tokens.make_token()
    token = ApiToken.objects.create(
        organisation=by.organisation if network is None else None,
        network=network,
        name=name.strip()[:200],
        practice_ods=practice_ods.strip().upper()[:12],
        prefix=tokens.display_prefix(raw),
        token_hash=tokens.token_hash(raw),
        created_by=by.user,
    )
    audit_record(
        by=by,
        action=audit_actions.API_TOKEN_CREATED,
        target=token,
        detail={"network": network.slug} if network is not None else None,
    )
    return token, raw


@transaction.atomic
def api_token_revoke_by_prefix(
    *, by: Acting, prefix: str, organisation: Organisation | None, network: Network | None
) -> list[ApiToken]:
    """The operator revokes the active tokens of an organisation or a network whose shown
    beginning is `prefix` (`kindred token revoke`): a network's token has no page of its own.
    Returns those revoked."""
    if not isinstance(by, Operator):
        raise TokenError("Only the people who run Kindred revoke tokens this way")
    if (organisation is None) == (network is None):
        raise TokenError("Give an organisation or a network")
    if len(prefix.strip()) < len(tokens.PREFIX) + 4:
        raise TokenError(f"Give at least the first {len(tokens.PREFIX) + 4} characters")
    owner = organisation if organisation is not None else network
    assert owner is not None
    found = list(
        owner.api_tokens.select_for_update().filter(
            prefix__startswith=prefix.strip()[: len(tokens.PREFIX) + 6],
            revoked_at__isnull=True,
        )
    )
    now = timezone.now()
    for token in found:
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            by=replace(by, organisation=organisation),
            action=audit_actions.API_TOKEN_REVOKED,
            target=token,
            detail={"network": network.slug} if network is not None else None,
        )
    return found


@transaction.atomic
def api_token_revoke(*, by: Acting, token_id: uuid.UUID) -> ApiToken:
    if by.organisation is None:
        raise TokenError("Choose an organisation first.")
    token = by.organisation.api_tokens.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(by=by, action=audit_actions.API_TOKEN_REVOKED, target=token)
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token with this value, or None. Notes when it was last used (at most once a
    minute, so busy systems do not write on every request)."""
    if not raw.startswith(tokens.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("organisation", "network")
        .filter(token_hash=tokens.token_hash(raw), revoked_at__isnull=True)
        .filter(Q(organisation__is_active=True) | Q(network__isnull=False))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
