"""Each morning, every group's sessions are filled for the weeks ahead (ADR-109)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.daily import daily_job
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.groups import selectors, services

logger = logging.getLogger(__name__)


def extend_all_sessions() -> int:
    """Fill each group's weeks ahead; a group whose new sessions would clash with another
    group's at its venue is skipped and logged (its coordinator sees the clash on changing it).
    Safe to run twice: each group is locked while its sessions are made."""
    made = 0
    for organisation in Organisation.objects.filter(peer_groups__isnull=False).distinct():
        by = Acting.system("daily sessions", organisation=organisation)
        for group in organisation.peer_groups.order_by("pk"):
            try:
                made += services.sessions_extend(by=by, group=group)
            except DomainError as clash:
                logger.warning("Sessions of group %s not extended: %s", group.pk, clash)
    return made


@daily_job
def extend_sessions() -> None:
    """The worker runs this each morning (kindred.core.daily)."""
    extend_all_sessions()


def remind_tomorrows_sessions(*, today: dt.date | None = None) -> int:
    """Text the members of every session tomorrow who have agreed to it (once each)."""
    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=2), dt.time()))
    sent = 0
    organisations = Organisation.objects.filter(
        group_sessions__starts_at__gte=start, group_sessions__starts_at__lt=end
    ).distinct()
    for organisation in organisations:
        by = Acting.system("session reminders", organisation=organisation)
        for session in selectors.sessions_between(organisation=organisation, start=start, end=end):
            sent += services.session_reminders_send(by=by, session=session)
    return sent


@daily_job
def remind_sessions() -> None:
    """The worker runs this each morning (kindred.core.daily)."""
    remind_tomorrows_sessions()
