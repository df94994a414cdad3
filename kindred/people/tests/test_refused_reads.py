"""A refused read of a person's record is audited as a refusal, never as a view (issue 11, item
5; ADR-084): asking for someone the organisation does not hold writes `person.view_refused` in
the log of the organisation the user acts for, naming the id asked for, and the page is not found.
A user whose role may not read records at all is refused before any page runs: nothing is
recorded as a view."""

from __future__ import annotations

import uuid
from collections.abc import Collection

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.people import services
from kindred.people.models import Person
from kindred.people.tests.factories import PersonFactory

#: Each page that reads one person's record, with the role that may open it.
PAGES = [
    ("people:detail", {}, Role.COORDINATOR, "person"),
    ("people:detail", {}, Role.SAFEGUARDING_LEAD, "person"),
    ("people:audit", {}, Role.COORDINATOR, "audit trail"),
    ("people:consents", {}, Role.COORDINATOR, "consents"),
    ("people:change", {"part": "contact"}, Role.COORDINATOR, "change details"),
    ("people:export", {"file_format": "json"}, Role.COORDINATOR, "export"),
]


def _written_since(before: Collection[object]) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=before).order_by("occurred_at"))


@pytest.mark.parametrize(("name", "extra", "role", "page"), PAGES)
def test_asking_for_another_organisations_person_is_audited_as_refused(
    name, extra, role, page, client_as, organisation, other_organisation
):
    theirs = PersonFactory(organisation=other_organisation)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = client_as(role).get(reverse(name, kwargs={"person_id": theirs.pk, **extra}))

    assert response.status_code == 404
    [entry] = _written_since(before)
    assert entry.action == "person.view_refused"
    assert entry.organisation == organisation  # the asker's log, not the other organisation's
    assert entry.detail == {"page": page, "person": str(theirs.pk)}
    assert entry.target_id == ""  # no record of another organisation is named as the target
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


def test_asking_for_nobody_is_refused_the_same_way(client_as, organisation):
    nobody = uuid.uuid4()
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client_as(Role.COORDINATOR).get(
        reverse("people:detail", kwargs={"person_id": nobody})
    )
    assert response.status_code == 404
    assert [(e.action, e.detail["person"]) for e in _written_since(before)] == [
        ("person.view_refused", str(nobody))
    ]


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REFERRER, Role.COMMISSIONER])
def test_a_role_that_may_not_read_records_is_refused_and_no_view_is_recorded(
    role, client_as, organisation
):
    person = PersonFactory(organisation=organisation)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client_as(role).get(reverse("people:detail", kwargs={"person_id": person.pk}))
    assert response.status_code == 403
    assert [e.action for e in _written_since(before)] == []


def test_a_shown_record_is_a_view_through_audit_view(client_as, organisation):
    person = PersonFactory(organisation=organisation)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client_as(Role.COORDINATOR).get(
        reverse("people:detail", kwargs={"person_id": person.pk})
    )
    assert response.status_code == 200
    [entry] = _written_since(before)
    assert (entry.action, entry.target_id, entry.detail) == (
        "person.viewed",
        str(person.pk),
        {"page": "person"},
    )


def test_people_added_in_bulk_are_each_audited_and_those_already_held_are_kept(
    organisation, coordinator
):
    held = PersonFactory(organisation=organisation, given_name="Held")
    new = Person(organisation=organisation, given_name="New", family_name="Person")
    again = Person(pk=held.pk, organisation=organisation, given_name="Changed", family_name="X")
    by = Acting(coordinator, organisation)

    added = services.people_add_many(by=by, people=[new, again])

    assert added == [new]
    held.refresh_from_db()
    assert held.given_name == "Held"
    assert list(
        AuditEvent.objects.filter(action="person.created").values_list("target_id", flat=True)
    ) == [str(new.pk)]
    with pytest.raises(services.NotActingForAnOrganisation):
        services.people_add_many(
            by=by, people=[Person(organisation=PersonFactory().organisation, given_name="Z")]
        )
