from __future__ import annotations

import datetime as dt

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


def test_an_organisation_admin_searches_the_log(
    client_as, organisation, coordinator, other_organisation, charlie
):
    person = PersonFactory(organisation=organisation)
    acting = Acting(coordinator, organisation, "203.0.113.5")
    audit_record(by=acting, action="person.viewed", target=person)
    audit_record(by=acting, action="person.created", target=person)
    audit_record(by=Acting(charlie, other_organisation), action="person.viewed", target=person)
    client = client_as(Role.ORGANISATION_ADMIN)
    url = reverse("core:audit_log")

    everything = client.get(url).content.decode()
    assert "charlie@example.com" not in everything

    found = client.get(url, {"action": "person.viewed", "actor": "coordinator@"}).content.decode()
    assert "1 entry" in found and "203.0.113.5" in found

    by_record = client.get(url, {"record_id": str(person.pk)}).content.decode()
    assert "2 entries" in by_record

    today = timezone.localdate()
    none_yet = client.get(url, {"date_to": str(today - dt.timedelta(days=1))}).content.decode()
    assert "0 entries" in none_yet


def test_a_bad_audit_search_shows_field_errors_and_everything_else_still_works(client_as):
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.get(
        reverse("core:audit_log"),
        {"record_id": "not-an-id", "date_from": "2026-02-01", "date_to": "2026-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Record ID must be an ID like" in page
    assert "To must be the same as or after From" in page
    assert 'href="#id_record_id"' in page
