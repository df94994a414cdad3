"""Reads of the crisis line's support requests, each starting from the organisation
(re-exported by kindred/crisis/selectors.py)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.core.models import AuditEvent
from kindred.crisis import requests_audit_actions as audit_actions
from kindred.crisis.models.requests import (
    OPEN,
    RequestEvent,
    RequestOffer,
    Status,
    SupportRequest,
)


def support_request_for(organisation: Organisation, request_id: uuid.UUID | str) -> SupportRequest:
    """The request with its timeline (`events`, oldest first: each with `kind`, `to`, `at` and
    `people`). Another organisation's id raises SupportRequest.DoesNotExist."""
    return (
        SupportRequest.objects.filter(organisation=organisation)
        .select_related("accepted_by", "professional", "person", "acknowledged_by")
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.order_by("at", "created_at"))
        )
        .get(pk=request_id)
    )


def events_of(request: SupportRequest) -> list[RequestEvent]:
    return list(request.events.all())


def _offered_to(user: User) -> Exists:
    return Exists(RequestOffer.objects.filter(request=OuterRef("pk"), user=user))


def sees_every_request(*, organisation: Organisation, user: User) -> bool:
    return Role.COORDINATOR in user.roles_in(organisation)


def requests_for_user(
    *, organisation: Organisation, user: User, open_only: bool = True
) -> QuerySet[SupportRequest]:
    """The requests this user may see: coordinators every one; anyone else those offered or
    escalated to them, or that they took."""
    requests = SupportRequest.objects.filter(organisation=organisation).select_related(
        "accepted_by", "professional"
    )
    if open_only:
        requests = requests.filter(status__in=OPEN)
    if not sees_every_request(organisation=organisation, user=user):
        requests = requests.filter(_offered_to(user) | Q(accepted_by=user) | Q(professional=user))
    return requests.order_by("-received_at", "-created_at")


def request_for_user(
    *, organisation: Organisation, user: User, request_id: uuid.UUID
) -> SupportRequest:
    """One request this user may see, with its timeline; DoesNotExist otherwise."""
    requests_seen = requests_for_user(organisation=organisation, user=user, open_only=False)
    return (
        requests_seen.select_related("person", "acknowledged_by")
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.order_by("at", "created_at"))
        )
        .get(pk=request_id)
    )


def reached_professional(
    *, organisation: Organisation, user: User, limit: int = 50
) -> QuerySet[SupportRequest]:
    """What reached this professional, newest first."""
    return (
        SupportRequest.objects.filter(organisation=organisation, professional=user)
        .select_related("accepted_by")
        .order_by("-received_at")[:limit]
    )


def waiting_count(*, organisation: Organisation) -> int:
    return SupportRequest.objects.filter(organisation=organisation, status=Status.WAITING).count()


def public_requests_from_address(*, ip_address: str | None, hours: int = 1) -> int:
    """How many requests this address sent from the public form lately, from the audit log
    that every web process shares (the cache's count alone is per process without Redis)."""
    if not ip_address:
        return 0
    since = timezone.now() - dt.timedelta(hours=hours)
    return AuditEvent.objects.filter(
        action=audit_actions.REQUEST_RECEIVED,
        occurred_at__gte=since,
        ip_address=ip_address,
        actor__isnull=True,
        detail__channel="web",
    ).count()


def organisation_taking_requests(*, slug: str) -> Organisation | None:
    """The active organisation with this slug (the public form is per organisation)."""
    return Organisation.objects.filter(slug=slug, is_active=True).first()


def offered_to_user(*, requests: list[SupportRequest], user: User) -> set[uuid.UUID]:
    """Which of these requests were offered to this user (one query)."""
    return set(
        RequestOffer.objects.filter(request__in=requests, user=user).values_list(
            "request_id", flat=True
        )
    )
