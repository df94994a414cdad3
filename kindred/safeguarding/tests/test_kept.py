"""No concern, timeline entry, history step or link can be edited or deleted: the database
refuses UPDATE and DELETE on the append-only tables (ADR-080), a concern refuses deletion, every
ForeignKey to them is PROTECT, and no route edits or deletes any of them."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from kindred.core.models import AppendOnlyError
from kindred.people.tests.factories import PersonFactory
from kindred.relationships.models import ConcernLink
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory, concern_on
from kindred.safeguarding import urls
from kindred.safeguarding.models import Concern, ConcernIsKept, Entry, StatusChange
from kindred.safeguarding.tests.factories import raise_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(organisation, coordinator):
    relationship = RelationshipFactory(organisation=organisation)
    contact = ContactFactory(relationship=relationship)
    return concern_on(relationship, contact=contact), relationship, contact


@pytest.mark.parametrize("model", [Entry, StatusChange, ConcernLink], ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET created_at = created_at", "DELETE FROM {table}"]
)
def test_the_database_refuses_to_change_or_remove_a_row(linked, model, statement):
    assert model.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=model._meta.db_table))
    assert model.objects.exists()


@pytest.mark.parametrize("model", [Entry, StatusChange, ConcernLink], ids=lambda m: m.__name__)
def test_the_models_refuse_too(linked, model):
    row = model.objects.first()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.update(created_at=row.created_at)


def test_a_concern_is_never_deleted(linked):
    concern, relationship, contact = linked
    with pytest.raises(ConcernIsKept):
        concern.delete()
    with pytest.raises(ConcernIsKept):
        Concern.objects.all().delete()
    for what in (relationship, contact, relationship.person):
        with pytest.raises(ProtectedError), transaction.atomic():
            what.delete()
    assert Concern.objects.filter(pk=concern.pk).exists()


def test_the_person_a_concern_is_about_cannot_be_deleted(organisation):
    person = PersonFactory(organisation=organisation)
    raise_concern(organisation, person=person)
    with pytest.raises(ProtectedError), transaction.atomic():
        person.delete()


def test_no_route_edits_or_deletes_a_concern():
    """Every route is one of these: raising, reading, the lead's moves forward, adding to the
    timeline (a correction is a new entry) and linking a record once."""
    names = {p.name for p in urls.urlpatterns}
    assert names == {"list", "raise", "arrangements", "detail", "acknowledge", "enquire", "entry",
                     "close", "link"}  # fmt: skip
