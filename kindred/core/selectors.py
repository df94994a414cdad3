"""Reads of the audit log: the organisation admin's search (`kindred.accounts.views.audit_log`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from kindred.core import audit_actions
from kindred.core.models import AuditEvent

if TYPE_CHECKING:  # core imports no app (ADR-087): the organisation is only a type here
    from kindred.accounts.models import Organisation


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
        events = events.filter(action__in=audit_actions.names_for_search(search.action))
    if search.record_id:
        events = events.filter(target_id=search.record_id)
    if search.date_from:
        events = events.filter(occurred_at__date__gte=search.date_from)
    if search.date_to:
        events = events.filter(occurred_at__date__lte=search.date_to)
    return events.order_by("-occurred_at")


def audit_actions_of(*, organisation: Organisation) -> list[str]:
    """The actions this organisation's log holds, by their current names (old entries keep the
    name they were written with; searching for the current name finds them too)."""
    written = organisation.audit_events.values_list("action", flat=True).distinct()
    return sorted({audit_actions.current_name(action) for action in written})
