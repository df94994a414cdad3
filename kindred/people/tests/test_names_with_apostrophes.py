"""A name with an apostrophe (O'Brien, D'Souza) is kept as typed and shown as typed: the page's
HTML escapes it, and a browser shows it back unchanged. The test factories leave apostrophes out
(kindred/core/tests/names.py), so this is the one place the case is tested on purpose."""

import html

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.people.models import Person
from kindred.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_name_with_an_apostrophe_is_kept_and_shown_as_typed(client_as, organisation):
    person = PersonFactory(organisation=organisation, given_name="Siobhán", family_name="O'Brien")
    assert Person.objects.get(pk=person.pk).family_name == "O'Brien"

    page = client_as(Role.COORDINATOR).get(
        reverse("people:detail", kwargs={"person_id": person.pk})
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "O&#39;Brien" in body and "O'Brien" not in body.split("<main", 1)[1]
    assert "Siobhán O'Brien" in html.unescape(body)
