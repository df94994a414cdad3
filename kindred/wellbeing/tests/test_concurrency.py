"""Two people save the same crisis plan at the same moment, in real threads with their own
connections: the row lock on the plan puts them in order, one is saved and the other is told,
with the newer text to merge. Needs PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.wellbeing import services
from kindred.wellbeing.models import CrisisPlan, CrisisPlanVersion
from kindred.wellbeing.services import PlanContent, Sharing

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

SHARING = Sharing(supporters=True, crisis_line=False, facilitators=False, gp=False)


def _race(people, person, based_on):
    start = threading.Barrier(len(people))
    saved: list[int] = []
    refused: list[services.PlanChanged] = []

    def save(by: Acting, words: str) -> None:
        try:
            start.wait()
            version = services.crisis_plan_save(
                by=by,
                person=person,
                based_on=based_on,
                content=PlanContent(what_helps=words),
                sharing=SHARING if based_on == 0 else None,
            )
            saved.append(version.number)
        except services.PlanChanged as told:
            refused.append(told)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(by, f"Words of person {i}"))
        for i, by in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return saved, refused


@pytest.fixture
def people(organisation, make_user):
    return [
        Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
        for _ in range(3)
    ]


def test_two_first_plans_written_at_once_one_is_saved_the_others_told(organisation, people):
    person = RelationshipFactory(organisation=organisation).person
    saved, refused = _race(people, person, based_on=0)
    assert saved == [1] and len(refused) == 2
    assert all(told.newer.number == 1 for told in refused)
    assert CrisisPlan.objects.filter(person=person).count() == 1
    assert CrisisPlanVersion.objects.filter(plan__person=person).count() == 1


def test_two_changes_to_the_same_version_at_once_never_lose_one_silently(organisation, people):
    person = RelationshipFactory(organisation=organisation).person
    services.crisis_plan_save(
        by=people[0], person=person, based_on=0, content=PlanContent(what_helps="Tea"),
        sharing=SHARING,
    )  # fmt: skip
    saved, refused = _race(people, person, based_on=1)
    assert saved == [2] and len(refused) == 2
    winner = CrisisPlanVersion.objects.get(plan__person=person, number=2)
    assert all(told.newer.what_helps == winner.what_helps for told in refused)
    assert "saved a newer version of this plan (version 2" in str(refused[0])
    assert CrisisPlanVersion.objects.filter(plan__person=person).count() == 2
