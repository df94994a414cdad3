"""Each morning, every group's sessions are filled for the weeks ahead (ADR-109)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.daily import daily_job
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.groups import selectors, services
from kindred.groups.models import Group, PlaceStatus

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


def check_missing_regulars(*, now: dt.datetime | None = None) -> int:
    """The safety net (ADR-113): prompt facilitators about opted-in people who have missed their
    group's number of held sessions in a row. Each group is its own transaction. Returns how
    many prompts were raised."""
    raised = 0
    watched = Q(members__watched_since__isnull=False) | Q(regulars__watched_since__isnull=False)
    groups = Group.objects.filter(watched).select_related("organisation").distinct()
    for group in groups.order_by("pk"):
        by = Acting.system("safety net", organisation=group.organisation)
        raised += len(services.missing_check(by=by, group=group, now=now))
    return raised


@daily_job
def missing_regulars() -> None:
    """The worker runs this each morning (kindred.core.daily)."""
    check_missing_regulars()


def lapse_offers(*, today: dt.date | None = None) -> int:
    """Offers of a place not answered in time pass to the next person waiting (ADR-114)."""
    today = today or timezone.localdate()
    lapsed = 0
    organisations = Organisation.objects.filter(
        group_waiting_places__status=PlaceStatus.OFFERED,
        group_waiting_places__answer_by__lt=today,
    ).distinct()
    for organisation in organisations:
        by = Acting.system("waiting lists", organisation=organisation)
        lapsed += services.offers_lapse(by=by, today=today)
    return lapsed


@daily_job
def waiting_lists() -> None:
    """The worker runs this each morning (kindred.core.daily)."""
    lapse_offers()
