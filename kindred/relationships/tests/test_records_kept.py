"""Issue 11: nothing deletes a safeguarding record. A relationship's concerns, contacts, history,
supporters and reminders are PROTECTed from whatever they hang on: removing the relationship,
the person, the supporter or a contact is refused, and every row is still there."""

from __future__ import annotations

import pytest
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from kindred.core.services import Acting
from kindred.people.tests.factories import PersonFactory
from kindred.relationships import services
from kindred.relationships.models import (
    ConcernLink,
    Contact,
    QuietReminder,
    Relationship,
    StatusChange,
    Supporter,
)
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory, concern_on
from kindred.safeguarding.models import Concern
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

RECORDS: list[type[models.Model]] = [
    Relationship,
    Supporter,
    StatusChange,
    Contact,
    ConcernLink,
    Concern,
    QuietReminder,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in RECORDS}


@pytest.fixture
def worried(organisation, coordinator):
    """A relationship with everything that matters after the fact: its history, a contact,
    a concern raised from that contact, a reminder sent, its supporter."""
    by = Acting(coordinator, organisation)
    volunteer = VolunteerFactory(organisation=organisation)
    relationship = services.relationship_introduce(
        by=by,
        person=PersonFactory(organisation=organisation),
        volunteers=[volunteer],
        kind="befriending",
        usual_mode="visit",
    )
    contact = services.contact_log(
        by=by,
        relationship_id=relationship.pk,
        volunteer=volunteer,
        happened_on=timezone.localdate(),
        mode="visit",
        feeling="very_worried",
        concern_kind="safeguarding",
        concern_detail="Bruises on her arm she would not talk about",
    )
    QuietReminder.objects.create(relationship=relationship, quiet_since=timezone.localdate())
    return relationship, contact, volunteer


def _refused(instance: models.Model) -> None:
    before = _counts()
    with pytest.raises(ProtectedError), transaction.atomic():
        instance.delete()
    assert _counts() == before


def test_a_relationship_with_a_concern_contact_and_history_cannot_be_deleted(worried):
    relationship, _contact, _volunteer = worried
    assert _counts() == {
        "Relationship": 1,
        "Supporter": 1,
        "StatusChange": 2,  # introduced, then active at the first contact
        "Contact": 1,
        "ConcernLink": 1,
        "Concern": 1,
        "QuietReminder": 1,
    }
    _refused(relationship)
    # Even a bulk delete, which Django collects the same way, is refused.
    with pytest.raises(ProtectedError), transaction.atomic():
        Relationship.objects.filter(pk=relationship.pk).delete()
    assert Relationship.objects.filter(pk=relationship.pk).exists()


@pytest.mark.parametrize("what", ["contact", "concern", "supporter", "reminder"])
def test_any_one_record_keeps_a_relationship_from_being_deleted(organisation, what):
    """Each on its own (a relationship made without history, as imports or fixtures might):
    under CASCADE the relationship would have gone and taken the record with it."""
    relationship = RelationshipFactory(organisation=organisation, supporters=[])
    if what == "contact":
        ContactFactory(relationship=relationship)
    elif what == "concern":
        concern_on(relationship)
    elif what == "supporter":
        Supporter.objects.create(
            relationship=relationship,
            volunteer=VolunteerFactory(organisation=organisation),
            joined_on=relationship.introduced_on,
        )
    else:
        QuietReminder.objects.create(relationship=relationship, quiet_since=timezone.localdate())
    _refused(relationship)
    assert Relationship.objects.filter(pk=relationship.pk).exists()


def test_the_person_or_the_supporter_cannot_be_deleted_from_under_them(worried):
    relationship, _contact, volunteer = worried
    _refused(relationship.person)
    _refused(volunteer)


def test_a_contact_a_concern_was_raised_from_cannot_be_deleted(worried):
    _relationship, contact, _volunteer = worried
    _refused(contact)
    assert ConcernLink.objects.get().contact == contact


def test_ending_the_relationship_keeps_every_record(worried, coordinator, organisation):
    relationship, _contact, _volunteer = worried
    before = _counts()
    services.relationship_end(
        by=Acting(coordinator, organisation),
        relationship_id=relationship.pk,
        expected="active",
        reason="person_chose",
        outcome="same",
        next_step="none",
    )
    after = _counts()
    assert after == {**before, "StatusChange": before["StatusChange"] + 1}


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m.__name__)
def test_no_record_of_a_relationship_cascades_from_what_it_hangs_on(model):
    cascading = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
        and field.remote_field.on_delete is not models.PROTECT
    ]
    assert cascading == []
