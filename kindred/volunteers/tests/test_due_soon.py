"""The home page's "running out" panel works in SQL (ADR-100): what due_soon finds is exactly
what due_for says of each current volunteer, the panel reads only the few it shows and counts
the rest in SQL, and no certificate number is decrypted to do it."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindred.volunteers import encryption, selectors
from kindred.volunteers.models import CourseKind, RoleKind, Stage
from kindred.volunteers.tests.factories import (
    CourseFactory,
    DbsCheckFactory,
    RoleFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

ON = dt.date(2025, 3, 10)


def _make(organisation, seed: int, n: int, *, crisis_line_renews_every: int = 1) -> None:
    rng = random.Random(seed)
    roles = [
        RoleFactory(organisation=organisation, kind=RoleKind.BEFRIENDER, dbs_renewal_years=3),
        RoleFactory(
            organisation=organisation, kind=RoleKind.CRISIS_LINE,
            dbs_renewal_years=crisis_line_renews_every,
        ),
        # Asks for no check, so its renewal policy (1 year) never counts.
        RoleFactory(
            organisation=organisation, kind=RoleKind.GROUP_FACILITATOR, dbs_level="",
            dbs_renewal_years=1,
        ),
    ]  # fmt: skip
    courses = [
        CourseFactory(organisation=organisation, kind=CourseKind.SAFEGUARDING_ADULTS),
        CourseFactory(organisation=organisation, kind=CourseKind.PEER_SUPPORT),
    ]
    stages = [Stage.ACTIVE, Stage.PAUSED, Stage.INDUCTION, Stage.LEFT, Stage.ENQUIRY]
    for _ in range(n):
        volunteer = VolunteerFactory(organisation=organisation, stage=rng.choice(stages))
        volunteer.roles.add(*rng.sample(roles, rng.randint(0, 2)))
        for _ in range(rng.randint(0, 3)):
            issued = ON - dt.timedelta(days=rng.randint(0, 4 * 365))
            if rng.random() < 0.2:  # a leap day, renewed in a common year
                issued = dt.date(rng.choice([2020, 2024]), 2, 29)
            DbsCheckFactory(volunteer=volunteer, issued_on=issued)
        for _ in range(rng.randint(0, 3)):
            completed = ON - dt.timedelta(days=rng.randint(1, 3 * 365))
            expires = completed + dt.timedelta(days=rng.randint(1, 3 * 365))
            TrainingRecordFactory(
                volunteer=volunteer, course=rng.choice(courses), completed_on=completed,
                expires_on=None if rng.random() < 0.2 else expires,
            )  # fmt: skip


def _by_hand(organisation, days: int) -> list[tuple[str, dt.date]]:
    watched = organisation.volunteers.filter(
        stage__in=[Stage.ACTIVE, Stage.PAUSED, Stage.INDUCTION]
    )
    items = [
        (item.subject, item.expires_on)
        for volunteer in watched
        for item in selectors.due_for(volunteer=volunteer, on=ON, days=days)
    ]
    return sorted(items)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("days", [0, 30, 400])
# Roles renewing checks at different rates, or every one as often as the default (3 years):
# then nobody's roles are read to date a check (ADR-126).
@pytest.mark.parametrize("crisis_line_renews_every", [1, 3])
def test_due_soon_finds_exactly_what_due_for_says_of_each_volunteer(
    organisation, seed, days, crisis_line_renews_every
):
    _make(organisation, seed, 25, crisis_line_renews_every=crisis_line_renews_every)
    found = selectors.due_soon(organisation=organisation, on=ON, days=days)
    assert sorted((item.subject, item.expires_on) for item in found) == _by_hand(organisation, days)
    assert [item.expires_on for item in found] == sorted(item.expires_on for item in found)


@pytest.mark.parametrize("crisis_line_renews_every", [1, 3])
def test_the_panel_shows_the_soonest_few_and_counts_them_all(
    organisation, crisis_line_renews_every
):
    _make(organisation, 4, 40, crisis_line_renews_every=crisis_line_renews_every)
    everything = selectors.due_soon(organisation=organisation, on=ON, days=400)
    shown = selectors.due_soon_shown(organisation=organisation, on=ON, days=400, limit=5)
    assert shown.total == len(everything) > 5
    assert [i.expires_on for i in shown.items] == [i.expires_on for i in everything[:5]]


def test_nothing_is_decrypted_and_the_queries_do_not_grow(organisation, monkeypatch):
    def refuse(token: str) -> str:
        raise AssertionError("a certificate number was decrypted")

    monkeypatch.setattr(encryption, "decrypt", refuse)
    counts = []
    for seed in (5, 6):
        _make(organisation, seed, 15)
        with CaptureQueriesContext(connection) as captured:
            shown = selectors.due_soon_shown(organisation=organisation, on=ON, days=400)
            [item.volunteer.display_name for item in shown.items]
        counts.append(len(captured.captured_queries))
    assert counts == [4, 4]
