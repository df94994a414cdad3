"""The groups pages' session queries are served by indexes once an organisation has years of
sessions (ADR-100 style): checked with EXPLAIN on PostgreSQL, plans not timings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from kindred.accounts.tests.factories import OrganisationFactory
from kindred.groups import selectors
from kindred.groups.models import Group, Session, SessionStatus, Venue

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans"),
    pytest.mark.django_db,
]

GROUPS = 60
WEEKS = 260  # five years of weekly sessions each


def _fill(organisation: Any) -> list[Group]:
    venues = Venue.objects.bulk_create(
        Venue(organisation=organisation, name=f"Hall {i}", address="1 Road", postcode="SK1 3XE")
        for i in range(GROUPS // 2)
    )
    groups = Group.objects.bulk_create(
        Group(
            organisation=organisation, name=f"Group {i}", description="x", model="activity",
            venue=venues[i // 2], rule="FREQ=WEEKLY", first_on=dt.date(2022, 1, 3),
            starts=dt.time(10 + 3 * (i % 2)), ends=dt.time(12 + 3 * (i % 2)),
            joining="open_door", enquiries="x",
        )
        for i in range(GROUPS)
    )  # fmt: skip
    start = timezone.now() - dt.timedelta(weeks=WEEKS - 8)
    Session.objects.bulk_create(
        (
            Session(
                organisation=organisation, group=group, venue=group.venue,
                starts_at=start + dt.timedelta(weeks=w, hours=3 * (i % 2)),
                ends_at=start + dt.timedelta(weeks=w, hours=2 + 3 * (i % 2)),
                status=SessionStatus.HELD if w < WEEKS - 8 else SessionStatus.SCHEDULED,
            )
            for i, group in enumerate(groups)
            for w in range(WEEKS)
        ),
        batch_size=2000,
    )  # fmt: skip
    return groups


def _plan(queryset: QuerySet[Any]) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_session_queries_use_their_indexes():
    ours, theirs = OrganisationFactory(), OrganisationFactory()
    groups = _fill(ours)
    _fill(theirs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    group = groups[0]
    now = timezone.now()
    queries = {
        "today": ours.group_sessions.filter(
            starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=1)
        ).order_by("starts_at", "pk")[:20],
        "venue clashes": Session.objects.filter(
            venue=group.venue, status__in=["scheduled", "held"], starts_at__gte=now
        ).exclude(group=group),
        "upcoming": group.sessions.filter(starts_at__gte=now).order_by("starts_at")[:8],
        "trend": group.sessions.filter(status="held").order_by("-starts_at")[:12],
    }
    wrong = {
        name: plan
        for name, q in queries.items()
        if "Seq Scan on groups_session" in (plan := _plan(q))
    }
    assert wrong == {}
    # The selectors the pages call build those same queries.
    assert len(selectors.upcoming_sessions(group=group)) == 8
    assert len(selectors.attendance_trend(group=group)) == 12
