"""Writing the audit log. Services call `audit_record`; nothing else writes to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from kindred.core import audit_chain
from kindred.core.addresses import client_address, trusted_networks
from kindred.core.models import AuditEvent

if TYPE_CHECKING:
    from kindred.accounts.models import Organisation, User


@dataclass(frozen=True)
class Acting:
    """Who is doing something, for which organisation, from where. Every service takes one."""

    user: User | None
    organisation: Organisation | None
    ip_address: str | None = None
    label: str = ""

    @property
    def actor_label(self) -> str:
        if self.label:
            return self.label
        return self.user.email if self.user is not None else "system"

    @classmethod
    def from_request(cls, request: HttpRequest) -> Acting:
        user = request.user if request.user.is_authenticated else None
        return cls(
            user=user,
            organisation=getattr(request, "organisation", None),
            ip_address=client_ip(request),
        )

    @classmethod
    def system(cls, label: str = "system", organisation: Organisation | None = None) -> Acting:
        return cls(user=None, organisation=organisation, label=label)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: the one place Kindred decides it (ADR-078). Sign-in lockout (axes,
    AXES_CLIENT_IP_CALLABLE), the public forms' rate limits and the audit log all use it.

    X-Forwarded-For is read only when the connection comes from one of settings.TRUSTED_PROXIES
    (FORWARDED_ALLOW_IPS, the list gunicorn trusts too), and then the right-most address that is
    not a trusted proxy is the client; from anyone else the header is ignored as forged."""
    return client_address(
        remote_addr=request.META.get("REMOTE_ADDR"),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted=trusted_networks(tuple(settings.TRUSTED_PROXIES)),
    )


@transaction.atomic(savepoint=False)  # inside a service's transaction: no savepoint round trips
def audit_record(
    *,
    by: Acting,
    action: str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the audit log, chained to the entry before it in the organisation's
    chain (ADR-080). Waits only for another entry of the same organisation being written."""
    (entry,) = audit_record_many(by=by, action=action, targets=[target], detail=detail)
    return entry


@transaction.atomic(savepoint=False)
def audit_record_many(
    *,
    by: Acting,
    action: str,
    targets: Iterable[models.Model | None],
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """One entry per target, all at once (bulk seeding, imports), chained like `audit_record`."""
    organisation_id = by.organisation.pk if by.organisation is not None else None
    audit_chain.lock_chain(organisation_id)
    now = timezone.now()  # after the lock: times rise with the sequence
    entries = [
        AuditEvent(
            occurred_at=now,
            actor=by.user,
            actor_label=by.actor_label,
            organisation=by.organisation,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            ip_address=by.ip_address,
            detail=detail or {},
        )
        for target in targets
    ]
    return audit_chain.append(entries)
