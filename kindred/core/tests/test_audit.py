from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent, AuditLogIsAppendOnly
from kindred.core.services import Acting, audit_record
from kindred.people.tests.factories import PersonFactory


@pytest.fixture
def event(coordinator, organisation):
    return audit_record(by=Acting(coordinator, organisation, "10.1.2.3"), action="test.done")


def test_an_entry_records_who_for_whom_what_which_record_when_and_where(coordinator, organisation):
    person = PersonFactory(organisation=organisation)
    before = timezone.now()
    entry = audit_record(
        by=Acting(coordinator, organisation, "192.0.2.7"), action="person.viewed", target=person
    )
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label, entry.organisation) == (
        coordinator,
        coordinator.email,
        organisation,
    )
    assert (entry.action, entry.target_type, entry.target_id) == (
        "person.viewed",
        "people.person",
        str(person.pk),
    )
    assert entry.ip_address == "192.0.2.7"
    assert before <= entry.occurred_at <= timezone.now()


def test_the_application_cannot_change_or_delete_an_entry(event):
    event.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


def test_the_database_refuses_changes_made_around_the_application(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET action = 'tampered' WHERE id = %s",
            [event.pk.hex if connection.vendor == "sqlite" else event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


def test_the_database_refuses_deleting_entries_on_sqlite_too(event):
    """Issue 10 item 6: SQLite used to let DELETE through for the test runner (ADR-080)."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM core_auditevent WHERE id = %s",
            [event.pk.hex if connection.vendor == "sqlite" else event.pk],
        )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_viewing_a_person_is_audited_with_the_address(client_as, organisation):
    person = PersonFactory(organisation=organisation)
    client = client_as(Role.COORDINATOR)
    response = client.get(
        reverse("people:detail", kwargs={"person_id": person.pk}), REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 200
    entry = AuditEvent.objects.for_record(person).get(action="person.viewed")
    assert entry.ip_address == "198.51.100.9" and entry.organisation == organisation


def test_coordinators_see_the_audit_trail_of_a_record_and_only_their_organisations(
    client_as, organisation, charlie, other_organisation
):
    person = PersonFactory(organisation=organisation)
    audit_record(
        by=Acting(charlie, other_organisation), action="person.viewed", target=person
    )  # elsewhere
    client = client_as(Role.COORDINATOR)
    client.get(reverse("people:detail", kwargs={"person_id": person.pk}))
    page = client.get(reverse("people:audit", kwargs={"person_id": person.pk})).content.decode()
    assert "person.viewed" in page and "1 entry" in page
    assert "charlie@example.com" not in page
