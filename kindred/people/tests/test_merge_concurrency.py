"""Merges at the same moment as other merges and as referrals arriving, in real threads with their
own database connections (ADR-090). Needs PostgreSQL: SQLite serialises every write."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.people import merging
from kindred.people.models import Person
from kindred.people.services import PersonDetails
from kindred.people.tests.factories import PersonFactory
from kindred.referrals import services as referrals
from kindred.referrals.models import Channel, Source

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

NHS_NUMBER = "9434765919"


def test_two_coordinators_merging_one_pair_opposite_ways_one_wins(organisation, make_user):
    first = PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    second = PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    coordinators = [
        Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    won: list[merging.Merged] = []
    refused: list[str] = []

    def merge(by: Acting, survivor: Person, merged: Person) -> None:
        try:
            start.wait()
            won.append(
                merging.person_merge(
                    by=by,
                    survivor_id=survivor.pk,
                    merged_id=merged.pk,
                    survivor_seen=survivor.updated_at,
                    merged_seen=merged.updated_at,
                )
            )
        except DomainError as told:
            refused.append(str(told))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=merge, args=(coordinators[0], first, second)),
        threading.Thread(target=merge, args=(coordinators[1], second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == 1
    assert "already merged" in refused[0] or "while you were looking" in refused[0]
    tombstones = Person.objects.filter(merged_into__isnull=False)
    assert list(tombstones) == [won[0].merged]
    assert tombstones.get().merged_into == won[0].survivor  # no chain, no record lost


def test_a_referral_arriving_during_a_merge_lands_on_the_record_that_stays(
    organisation, make_user, monkeypatch
):
    survivor = PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    merged = PersonFactory(
        organisation=organisation, given_name="Edith", family_name="Shaw", nhs_number=NHS_NUMBER
    )
    holding, release = threading.Event(), threading.Event()

    def slow(*, by: Acting, merged: Person, survivor: Person) -> int:
        holding.set()  # both records are locked now, the referrals already moved
        release.wait(timeout=20)
        return 0

    monkeypatch.setitem(
        merging._records,
        "zz-slow",
        merging.PersonRecords("zz-slow", "Slow", lambda *, person: 0, slow, None, 999),
    )
    coordinator = Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
    arrived: list[object] = []

    def merge() -> None:
        try:
            merging.person_merge(
                by=coordinator,
                survivor_id=survivor.pk,
                merged_id=merged.pk,
                survivor_seen=survivor.updated_at,
                merged_seen=merged.updated_at,
            )
        finally:
            connections.close_all()

    def refer() -> None:
        try:
            arrived.append(
                referrals.referral_receive(
                    by=Acting.system("test", organisation=organisation),
                    person=PersonDetails(
                        given_name="Edith", family_name="Shaw", nhs_number=NHS_NUMBER
                    ),
                    details=referrals.ReferralDetails(source=Source.GP, reason="Lonely"),
                    channel=Channel.FHIR,
                )
            )
        finally:
            connections.close_all()

    merging_thread = threading.Thread(target=merge)
    merging_thread.start()
    assert holding.wait(timeout=20)
    referring_thread = threading.Thread(target=refer)
    referring_thread.start()
    referring_thread.join(timeout=1)
    assert referring_thread.is_alive()  # it waits for the merge's lock on the record
    release.set()
    merging_thread.join()
    referring_thread.join()
    (referral,) = arrived
    referral.refresh_from_db()  # type: ignore[attr-defined]
    assert referral.person_id == survivor.pk  # type: ignore[attr-defined]
    survivor.refresh_from_db()
    assert survivor.nhs_number == NHS_NUMBER
