"""Two coordinators accept different people for the same supporter, who has room for one, at the
same moment, in real threads with their own connections: the row lock on the volunteer lets one
win and the other is told. Needs PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.matching import services
from kindred.matching.models import Match
from kindred.matching.tests.factories import (
    SupporterProfileFactory,
    WaitingProfileFactory,
    eligible_supporter,
    waiting_referral,
)
from kindred.relationships.selectors import supporter_load
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_supporter_never_gets_more_matches_than_their_capacity(organisation, make_user):
    role = RoleFactory(organisation=organisation, dbs_level="basic")
    volunteer = SupporterProfileFactory(volunteer__organisation=organisation, capacity=1).volunteer
    volunteer.roles.add(role)
    DbsCheckFactory(volunteer=volunteer, level="basic")
    referrals = [
        WaitingProfileFactory(referral__organisation=organisation).referral for _ in range(2)
    ]
    people = [
        Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    won: list[str] = []
    refused: list[str] = []

    def act(by: Acting, referral_id) -> None:
        try:
            start.wait()
            services.match_accept(by=by, referral_id=referral_id, volunteer_id=volunteer.pk)
            won.append(str(referral_id))
        except services.StaleProposal as told:
            refused.append(str(told))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(by, referral.pk))
        for by, referral in zip(people, referrals, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == 1
    assert "already supporting as many people as they can (1)" in refused[0]
    assert Match.objects.filter(volunteer=volunteer).count() == 1


def _race(acceptances) -> tuple[list[object], list[str]]:
    """Run each acceptance (keyword arguments for match_accept) in its own thread and
    connection, all released at once. Returns what was accepted and what was refused."""
    start = threading.Barrier(len(acceptances))
    won: list[object] = []
    refused: list[str] = []

    def act(kwargs) -> None:
        try:
            start.wait()
            won.append(services.match_accept(**kwargs))
        except services.StaleProposal as told:
            refused.append(str(told))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(kwargs,)) for kwargs in acceptances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return won, refused


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_pair_and_a_single_racing_for_one_place_never_exceed_it(organisation, make_user):
    sam = eligible_supporter(organisation, "Sam", capacity=2)
    tom = eligible_supporter(organisation, "Tom", capacity=1)
    pair = waiting_referral(organisation, "Ada", supporters_needed=2)
    single = waiting_referral(organisation, "Bea")
    people = [
        Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
        for _ in range(2)
    ]
    won, refused = _race(
        [
            {"by": people[0], "referral_id": pair.pk, "volunteer_id": sam.pk, "partner_id": tom.pk},
            {"by": people[1], "referral_id": single.pk, "volunteer_id": tom.pk},
        ]
    )
    assert len(won) == 1 and len(refused) == 1
    assert "already supporting as many people as they can (1)" in refused[0]
    assert supporter_load([tom.pk]) == {tom.pk: 1}
    assert Match.objects.filter(volunteer=tom).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_pairs_naming_the_same_supporters_in_opposite_order_do_not_deadlock(
    organisation, make_user
):
    sam = eligible_supporter(organisation, "Sam", capacity=1)
    tom = eligible_supporter(organisation, "Tom", capacity=1)
    first = waiting_referral(organisation, "Ada", supporters_needed=2)
    second = waiting_referral(organisation, "Bea", supporters_needed=2)
    people = [
        Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
        for _ in range(2)
    ]
    won, refused = _race(
        [
            {
                "by": people[0],
                "referral_id": first.pk,
                "volunteer_id": sam.pk,
                "partner_id": tom.pk,
            },
            {
                "by": people[1],
                "referral_id": second.pk,
                "volunteer_id": tom.pk,
                "partner_id": sam.pk,
            },
        ]
    )
    assert len(won) == 1 and len(refused) == 1  # one wins, the other is told; no deadlock
    assert supporter_load([sam.pk, tom.pk]) == {sam.pk: 1, tom.pk: 1}
    assert Match.objects.count() == 2
