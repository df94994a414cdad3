"""The audit log page: an organisation admin searches their organisation's entries (ADR-087:
the page is accounts', the reads of the log are core's selectors)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core import audit_chain
from kindred.core.models import AuditEvent
from kindred.core.services import Acting, audit_record
from kindred.people import audit_actions as people_actions
from kindred.people.tests.factories import PersonFactory


def test_an_organisation_admin_searches_the_log(
    client_as, organisation, coordinator, other_organisation, charlie
):
    person = PersonFactory(organisation=organisation)
    acting = Acting(coordinator, organisation, "203.0.113.5")
    audit_record(by=acting, action="person.viewed", target=person)
    audit_record(by=acting, action="person.created", target=person)
    audit_record(by=Acting(charlie, other_organisation), action="person.viewed", target=person)
    client = client_as(Role.ORGANISATION_ADMIN)
    url = reverse("accounts:audit_log")

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
        reverse("accounts:audit_log"),
        {"record_id": "not-an-id", "date_from": "2026-02-01", "date_to": "2026-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Record ID must be an ID like" in page
    assert "To must be the same as or after From" in page
    assert 'href="#id_record_id"' in page


def _old_entry(*, by: Acting, action: str, target) -> AuditEvent:
    """An entry as Kindred wrote it before its action was renamed: `audit_record` now refuses
    the old name (it is no longer declared), so the entry is appended to the organisation's
    chain the way `audit_record` appends, with the name it had then."""
    with transaction.atomic():
        audit_chain.lock_chain(by.organisation.pk if by.organisation else None)
        (entry,) = audit_chain.append(
            [
                AuditEvent(
                    id=uuid.uuid4(),
                    occurred_at=timezone.now(),
                    actor=by.user,
                    actor_label=by.actor_label,
                    organisation=by.organisation,
                    action=action,
                    target_type=target._meta.label_lower,
                    target_id=str(target.pk),
                    ip_address=by.ip_address,
                    detail={"of": "an older record"},
                )
            ]
        )
    return entry


def test_searching_for_an_action_finds_the_entries_written_under_its_old_name(
    client_as, organisation, coordinator
):
    person = PersonFactory(organisation=organisation)
    acting = Acting(coordinator, organisation, "203.0.113.5")
    old = _old_entry(by=acting, action="person.possible_duplicate", target=person)
    flagged = PersonFactory(organisation=organisation)
    audit_record(by=acting, action=people_actions.PERSON_DUPLICATE_FLAGGED, target=flagged)
    audit_record(by=acting, action=people_actions.PERSON_CREATED, target=person)
    assert old.action == "person.possible_duplicate"
    assert audit_chain.verify_chain(organisation.pk, organisation.name).holds  # chained as usual
    client = client_as(Role.ORGANISATION_ADMIN)

    response = client.get(reverse("accounts:audit_log"), {"action": "person.duplicate_flagged"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 entries" in page  # the old entry and the new one, not the person.created
    assert str(person.pk) in page and str(flagged.pk) in page
    assert "person.possible_duplicate" in page  # shown with the name it was written with
    # The action list offers the current name only, once, for both entries.
    assert page.count('value="person.duplicate_flagged"') == 1
    assert 'value="person.possible_duplicate"' not in page


def test_only_an_organisation_admin_opens_the_audit_log_and_it_is_at_the_same_address(
    client_as,
):
    url = reverse("accounts:audit_log")
    assert url == "/audit/"
    assert client_as(Role.COORDINATOR).get(url).status_code == 403
    assert client_as(Role.ORGANISATION_ADMIN).get(url).status_code == 200
