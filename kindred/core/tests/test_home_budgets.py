"""Home panels are cheap by contract (ADR-100): each has a query budget, tested with a little
data and with more than every panel shows, so that no panel's cost grows with the organisation.

A panel's cost is what the home page costs with it alone, less what the page costs with none:
its context and its template both count. A panel added without a budget fails here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Organisation, Role
from kindred.core import pages
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Priority
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory
from kindred.safeguarding.tests.factories import raise_concern
from kindred.volunteers.models import Stage
from kindred.volunteers.tests.factories import (
    DbsCheckFactory,
    RoleFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

# A panel naming people adds the home page's one audit entry of who was shown, shared by every
# such panel when several are shown together: three queries, four on PostgreSQL (which locks
# the audit chain's head row).
AUDIT = 4 if connection.vendor == "postgresql" else 3

#: The most queries each panel may make, however much data there is.
BUDGETS = {
    "who-to-talk-to": 1,
    "team": 2,
    "network": 1,
    "network-figures": 6,  # outcomes: scope, two kinds of support, volunteers, team (2)
    "questionnaires-due": 1,
    "people-summary": 2 + AUDIT,
    "referrals-new": 2 + AUDIT,
    "referrals-overdue": 2 + AUDIT,
    "referrals-referrer": 1,
    "volunteers-new-enquiries": 1,
    "volunteers-overdue-supervision": 4,
    "volunteers-due": 4,  # the soonest few training records and their count, the soonest DBS
    # checks counted in the same query (ADR-126); the renewal policies
    "volunteers-mine": 1,
    "relationships-worries": 4,
    "relationships-quiet": 4 + AUDIT,  # the gaps allowed, the ten, their supporters, the count
    "relationships-concerns": 2,
    "relationships-reviews": 2 + AUDIT,  # the ten and the count (no supporters shown)
    "relationships-mine": 1,
    "matching-waiting": 2,
    "matching-network": 2,
    "safeguarding-no-lead": 2,
    "safeguarding-awaiting": 2 + AUDIT,
    "safeguarding-duty": 2 + AUDIT,
    "groups-today": 1,
    "crisis-rota-gaps": 1,
    "groups-missing": 1 + AUDIT,  # the open prompts; naming members is audited
}

ALL_ROLES = tuple(Role)


def test_every_home_panel_has_a_budget():
    assert set(pages._panels) <= set(BUDGETS), set(pages._panels) - set(BUDGETS)


def _grow(organisation: Organisation, n: int) -> None:
    """n of everything the coordinator's panels list: new and overdue referrals (urgent and
    not), enquiries, volunteers whose DBS checks and training run out, relationships with
    contacts, people added this week, concerns waiting to be acknowledged."""
    today = timezone.localdate()
    befriender = RoleFactory(organisation=organisation)
    for i in range(n):
        PersonFactory(organisation=organisation)
        priority = Priority.URGENT if i % 2 else Priority.ROUTINE
        ReferralFactory(organisation=organisation, priority=priority)
        ReferralFactory(
            organisation=organisation,
            priority=priority,
            first_contact_due=today - dt.timedelta(days=i + 1),
        )
        VolunteerFactory(organisation=organisation, stage=Stage.ENQUIRY)
        volunteer = VolunteerFactory(organisation=organisation)
        volunteer.roles.add(befriender)
        DbsCheckFactory(volunteer=volunteer, issued_on=today - dt.timedelta(days=3 * 365 - i))
        TrainingRecordFactory(
            volunteer=volunteer,
            completed_on=today - dt.timedelta(days=700),
            expires_on=today + dt.timedelta(days=i),
        )
        relationship = RelationshipFactory(
            organisation=organisation,
            supporters=[volunteer],
            next_review_on=today - dt.timedelta(days=1),
        )
        ContactFactory(relationship=relationship, happened_on=today - dt.timedelta(days=60))
        raise_concern(organisation, person=PersonFactory(organisation=organisation))


def _cost(client: Client, keys: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    everything = dict(pages._panels)
    monkeypatch.setattr(pages, "_panels", {k: everything[k] for k in keys})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("core:home"))
    monkeypatch.setattr(pages, "_panels", everything)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_each_home_panel_keeps_to_its_budget_with_little_and_with_more_data(
    client_as: Callable[..., Client], organisation: Organisation, monkeypatch: pytest.MonkeyPatch
):
    client = client_as(*ALL_ROLES)
    keys = sorted(pages._panels)
    client.get(reverse("core:home"))  # the first request settles the session
    costs: dict[str, list[int]] = {key: [] for key in keys}
    for n in (2, 14):  # more than any panel shows
        _grow(organisation, n)
        bare = _cost(client, [], monkeypatch)
        for key in keys:
            costs[key].append(_cost(client, [key], monkeypatch) - bare)
    over = {k: c for k, c in costs.items() if max(c) > BUDGETS[k]}
    grew = {k: c for k, c in costs.items() if c[1] > c[0]}
    assert not over, f"over budget (queries with little data, with more): {over}"
    assert not grew, f"cost grew with the data: {grew}"
