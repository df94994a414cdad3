"""Two coordinators change the same details at the same moment, in real threads with their own
connections: the row lock lets one win and the other is told, and nothing is lost unseen.
Needs PostgreSQL (SQLite has one writer at a time anyway)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.people import services
from kindred.people.models import Person, PersonChange
from kindred.people.tests.factories import PersonFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _race(jobs: list[Callable[[], object]]) -> tuple[int, list[Exception]]:
    start = threading.Barrier(len(jobs))
    won: list[object] = []
    refused: list[Exception] = []

    def run(job: Callable[[], object]) -> None:
        try:
            start.wait()
            won.append(job())
        except services.PersonDetailsRefused as told:
            refused.append(told)
        except services.PersonDetailsChanged as told:
            refused.append(told)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(won), refused


def test_two_changes_to_the_same_phone_number_at_once_one_wins_the_other_is_told(
    organisation, make_user
):
    person = PersonFactory(organisation=organisation, phone="0161 496 0000")
    seen = {"phone": "0161 496 0000"}
    coordinators = [
        Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
        for _ in range(2)
    ]

    def changing(by: Acting, phone: str) -> Callable[[], object]:
        return lambda: services.person_details_update(
            by=by, person=person, changes={"phone": phone}, expected=seen
        )

    won, refused = _race(
        [
            changing(by, phone)
            for by, phone in zip(coordinators, ["0161 496 0111", "0161 496 0222"], strict=True)
        ]
    )
    assert won == 1 and len(refused) == 1
    assert isinstance(refused[0], services.PersonDetailsChanged)
    change = PersonChange.objects.get(person=person)
    assert change.before == seen
    assert Person.objects.get(pk=person.pk).phone == change.after["phone"]


def test_two_records_given_the_same_nhs_number_at_once_only_one_gets_it(organisation, make_user):
    people = [PersonFactory(organisation=organisation) for _ in range(2)]
    by = Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)

    def give_number(person: Person) -> Callable[[], object]:
        return lambda: services.person_details_update(
            by=by, person=person, changes={"nhs_number": "9434765919"}
        )

    won, refused = _race([give_number(person) for person in people])
    assert won == 1 and len(refused) == 1
    assert isinstance(refused[0], services.NhsNumberTaken)
    assert Person.objects.filter(nhs_number="9434765919").count() == 1
    assert PersonChange.objects.count() == 1
