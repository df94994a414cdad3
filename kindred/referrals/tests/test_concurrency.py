"""Two coordinators acting on one referral at the same moment, in real threads with their own
database connections: the row lock lets one win, and the other is told. Needs PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked
from kindred.referrals import services
from kindred.referrals.models import ReferralEvent
from kindred.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_one_of_two_simultaneous_decisions_wins_and_the_other_is_told(organisation, make_user):
    referral = ReferralFactory(organisation=organisation)
    people = [
        Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    won: list[str] = []
    refused: list[str] = []

    def act(by: Acting, accept: bool) -> None:
        try:
            start.wait()
            if accept:
                services.referral_accept(by=by, referral_id=referral.pk, expected="received")
            else:
                services.referral_decline(
                    by=by,
                    referral_id=referral.pk,
                    expected="received",
                    category="no_capacity",
                    reason="Not for us",
                )
            won.append("accepted" if accept else "declined")
        except ChangedSinceYouLooked as told:
            refused.append(str(told))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(people[0], True)),
        threading.Thread(target=act, args=(people[1], False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == 1
    assert "Someone else changed this referral" in refused[0]
    referral.refresh_from_db()
    assert referral.status == won[0]
    assert ReferralEvent.objects.filter(referral=referral).count() == 1  # one decision, not two
