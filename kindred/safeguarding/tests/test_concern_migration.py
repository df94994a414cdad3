"""Issue 16: relationships.Concern moved to safeguarding with a data migration. Nothing is lost:
every concern keeps its id, words, raiser and dates, its relationship and contact (as a link),
and one that was answered becomes a closed case with the answer as its outcome."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kindred.relationships.models import ConcernLink
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory, concern_on
from kindred.safeguarding.models import Concern

BEFORE = [("relationships", "0006_notes_for_supporters")]


def _old_rows() -> dict[str, tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, relationship_id, contact_id, kind, detail, response "
            "FROM relationships_concern"
        )
        rows = cursor.fetchall()
    return {
        str(uuid.UUID(str(r[0]))): (
            str(uuid.UUID(str(r[1]))),
            str(uuid.UUID(str(r[2]))) if r[2] else None,
            *r[3:],
        )
        for r in rows
    }


@pytest.mark.django_db(transaction=True)
def test_concerns_move_to_safeguarding_and_back_with_nothing_lost(organisation, make_user):
    relationship = RelationshipFactory(organisation=organisation)
    contact = ContactFactory(relationship=relationship, feeling="very_worried")
    from_contact = concern_on(relationship, contact=contact, detail="Bruises on her arm")
    plain = concern_on(relationship, detail="Did not answer the door")

    executor = MigrationExecutor(connection)
    answered_id = uuid.uuid4()
    try:
        executor.migrate(BEFORE)  # back to when relationships held concerns
        old = _old_rows()
        assert old == {
            str(from_contact.pk): (str(relationship.pk), str(contact.pk), "safeguarding",
                                   "Bruises on her arm", ""),
            str(plain.pk): (str(relationship.pk), None, "safeguarding",
                            "Did not answer the door", ""),
        }  # fmt: skip
        # One raised and answered before safeguarding existed.
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO relationships_concern (id, created_at, updated_at, organisation_id, "
                "relationship_id, contact_id, kind, detail, raised_by_id, acknowledged_at, "
                "acknowledged_by_id, response) VALUES (%s, %s, %s, %s, %s, NULL, %s, %s, NULL, "
                "%s, NULL, %s)",
                [
                    answered_id.hex if connection.vendor == "sqlite" else str(answered_id),
                    now, now,
                    organisation.pk.hex if connection.vendor == "sqlite" else str(organisation.pk),
                    relationship.pk.hex if connection.vendor == "sqlite" else str(relationship.pk),
                    "crisis_follow_up", "Said she could not go on", now, "Called her GP",
                ],
            )  # fmt: skip
    finally:
        call_command("migrate", verbosity=0)

    assert set(Concern.objects.values_list("pk", flat=True)) == {
        from_contact.pk, plain.pk, answered_id,
    }  # fmt: skip
    assert ConcernLink.objects.get(pk=from_contact.pk).contact == contact
    assert ConcernLink.objects.get(pk=plain.pk).contact is None
    answered = Concern.objects.get(pk=answered_id)
    assert (answered.status, answered.outcome, answered.kind, answered.person) == (
        "closed", "Called her GP", "crisis_follow_up", relationship.person,
    )  # fmt: skip
    assert [c.to_state for c in answered.history.all()] == ["raised", "acknowledged", "closed"]
    assert answered.timeline.get().text == "Called her GP"
    assert ConcernLink.objects.get(pk=answered_id).relationship == relationship
    # The ones raised since safeguarding came are exactly as they were.
    assert Concern.objects.get(pk=from_contact.pk).detail == "Bruises on her arm"
