"""Reads of the audit log and the figures on each role's home page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from kindred.accounts.models import Organisation
from kindred.core.models import AuditEvent


@dataclass(frozen=True)
class AuditSearch:
    actor: str = ""
    action: str = ""
    record_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_events_of(*, organisation: Organisation, search: AuditSearch) -> QuerySet[AuditEvent]:
    """This organisation's audit entries, newest first, narrowed by the search."""
    events = organisation.audit_events.all()
    if search.actor:
        events = events.filter(actor_label__icontains=search.actor)
    if search.action:
        events = events.filter(action=search.action)
    if search.record_id:
        events = events.filter(target_id=search.record_id)
    if search.date_from:
        events = events.filter(occurred_at__date__gte=search.date_from)
    if search.date_to:
        events = events.filter(occurred_at__date__lte=search.date_to)
    return events.order_by("-occurred_at")


def audit_actions_of(*, organisation: Organisation) -> list[str]:
    return sorted(set(organisation.audit_events.values_list("action", flat=True).distinct()))
