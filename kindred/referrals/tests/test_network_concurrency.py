"""Two network admins sending the same network referral on at the same moment, to different
organisations, in real threads with their own connections: the row lock lets one win, the other
is told, and exactly one organisation gets a referral (ADR-092). Needs PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked
from kindred.people.models import Person
from kindred.referrals.models import NetworkReferralEvent, Referral
from kindred.referrals.network import network_referral_route
from kindred.referrals.tests.factories_network import network_referral

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_one_of_two_simultaneous_routings_wins_and_the_other_is_told(organisation, make_user):
    leeds = OrganisationFactory(slug="leeds", network=organisation.network)
    sent = network_referral(organisation.network)
    admins = [
        Acting(make_user(Role.NETWORK_ADMIN, organisation=organisation), organisation)
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    won: list[str] = []
    refused: list[str] = []

    def route(by: Acting, to) -> None:
        try:
            start.wait()
            network_referral_route(
                by=by, network_referral_id=sent.pk, expected="received", organisation_id=to.pk
            )
            won.append(to.slug)
        except ChangedSinceYouLooked as told:
            refused.append(str(told))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=route, args=(admins[0], organisation)),
        threading.Thread(target=route, args=(admins[1], leeds)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == 1
    assert "Someone else changed this referral" in refused[0]
    referral = Referral.objects.get()  # one referral, in the winner's organisation
    assert referral.organisation.slug == won[0]
    assert Person.objects.count() == 1
    sent.refresh_from_db()
    assert (sent.status, sent.referral) == ("routed", referral)
    assert NetworkReferralEvent.objects.filter(to_state="routed").count() == 1
    assert AuditEvent.objects.filter(action="referral.received").count() == 1
