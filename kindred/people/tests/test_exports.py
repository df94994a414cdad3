"""The people in a downloaded list are recorded as viewed (ADR-093) with the entries
`people_viewed` writes for a list page (ADR-082), read as ids rather than records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.people.exports import people_viewed_in_file
from kindred.people.models import Person
from kindred.people.selectors import audit_trail_of
from kindred.people.services import people_viewed
from kindred.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def entries(organisation):
    return [
        (entry.action, entry.target_id, entry.detail)
        for entry in AuditEvent.objects.filter(organisation=organisation).order_by("sequence")
    ]


def test_the_entries_are_those_people_viewed_writes_for_a_list(
    coordinator, organisation, other_organisation
):
    """Ours in our log; a person of another organisation (matching across a network) in theirs
    too, saying whom we acted for."""
    by = Acting(coordinator, organisation)
    ours = [PersonFactory(organisation=organisation) for _ in range(3)]
    theirs = PersonFactory(organisation=other_organisation)
    people = sorted([*ours, theirs], key=lambda person: str(person.pk))
    chosen = Person.objects.filter(pk__in=[person.pk for person in people])

    recorded = people_viewed_in_file(by=by, people=chosen, page="a file")
    from_file = (entries(organisation), entries(other_organisation))
    # The same people through people_viewed: the log cannot be emptied, so its new entries.
    people_viewed(by=by, people=people, page="a file")
    from_page = (entries(organisation)[1:], entries(other_organisation)[1:])

    assert recorded == {person.pk for person in people}
    assert from_file == from_page
    assert from_file[1][0][2] == {
        "page": "a file",
        "people": [str(theirs.pk)],
        "acting_for": str(organisation.pk),
    }
    for person in ours:
        assert audit_trail_of(organisation=organisation, person=person).count() == 2


def test_nobody_is_no_entry(coordinator, organisation):
    recorded = people_viewed_in_file(
        by=Acting(coordinator, organisation), people=Person.objects.none(), page="a file"
    )
    assert recorded == set()
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


def test_the_same_queries_for_three_people_or_thirty(coordinator, organisation):
    by = Acting(coordinator, organisation)
    PersonFactory.create_batch(3, organisation=organisation)
    people_viewed_in_file(by=by, people=organisation.people.all(), page="warm the chain")
    with CaptureQueriesContext(connection) as few:
        people_viewed_in_file(by=by, people=organisation.people.all(), page="a file")
    PersonFactory.create_batch(27, organisation=organisation)
    with CaptureQueriesContext(connection) as many:
        assert len(people_viewed_in_file(by=by, people=organisation.people.all(), page="a")) == 30
    assert len(many.captured_queries) == len(few.captured_queries) > 0
