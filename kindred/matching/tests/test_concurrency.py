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
from kindred.matching.tests.factories import SupporterProfileFactory, WaitingProfileFactory
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
