"""A supporter may tell the GP of someone they support about a health worry (the report's
bi-directional networks); nobody else's GP, and the attempt is audited."""

import pytest
from django.urls import reverse

from kindred.core.models import AuditEvent
from kindred.referrals.models import GpConcern
from kindred.relationships.tests.factories import RelationshipFactory

pytestmark = pytest.mark.django_db


def test_a_supporter_raises_a_concern_for_the_gp_of_someone_they_support(tom, relationship):
    relationship.person.gp_practice_ods = "P84001"
    relationship.person.save()
    url = reverse("referrals:gp_concern", kwargs={"person_id": relationship.person.pk})
    body = tom.get(url).content.decode()
    assert "Raise a concern for their GP" in body and "Back to my people" in body
    response = tom.post(url, {"noticed": "Breathless on the stairs", "urgency": "urgent"})
    assert response["Location"] == reverse("relationships:mine")
    concern = GpConcern.objects.get()
    assert (concern.person, concern.practice_ods) == (relationship.person, "P84001")


def test_not_for_someone_they_do_not_or_no_longer_support(tom, organisation, relationship):
    stranger = RelationshipFactory(organisation=organisation, person__gp_practice_ods="P1").person
    url = reverse("referrals:gp_concern", kwargs={"person_id": stranger.pk})
    assert tom.get(url).status_code == 404
    assert tom.post(url, {"noticed": "x", "urgency": "routine"}).status_code == 404
    relationship.supporter_links.update(left_on=relationship.introduced_on)
    mine = reverse("referrals:gp_concern", kwargs={"person_id": relationship.person.pk})
    assert tom.get(mine).status_code == 404
    assert not GpConcern.objects.exists()
    assert AuditEvent.objects.filter(action="gp_concern.raise_refused").count() == 3
