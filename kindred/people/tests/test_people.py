from __future__ import annotations

from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.people.models import Person

VALID = {
    "given_name": "Margaret",
    "family_name": "Holt",
    "preferred_name": "Peggy",
    "date_of_birth": "1941-03-27",
    "postcode": "ls8 2ap",
    "phone": "07700 900123",
    "email": "Peggy@Example.com",
}


def test_a_coordinator_adds_someone_and_it_is_audited(client_as, organisation):
    client = client_as(Role.COORDINATOR)
    response = client.post(reverse("people:add"), VALID)
    person = Person.objects.get()
    assert response["Location"] == reverse("people:detail", kwargs={"person_id": person.pk})
    assert person.organisation == organisation
    assert (person.postcode, person.email) == ("LS8 2AP", "peggy@example.com")
    assert person.easting and person.northing
    assert AuditEvent.objects.for_record(person).filter(action="person.created").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Margaret Holt (Peggy) has been added" in page


def test_bad_input_shows_every_problem_and_saves_nothing(client_as):
    client = client_as(Role.COORDINATOR)
    data = {
        **VALID,
        "given_name": "",
        "postcode": "ZZ9 9ZZ",
        "date_of_birth": "2999-01-01",
        "email": "nope",
    }
    response = client.post(reverse("people:add"), data)
    page = response.content.decode()
    assert response.status_code == 200
    for message in [
        "Enter their first name",
        "ZZ9 9ZZ is not a postcode we can find",
        "Date of birth must be in the past",
        "Enter an email address in the correct format",
    ]:
        assert message in page
    assert 'href="#id_postcode"' in page and "nhsuk-error-message" in page
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="person.created").exists()


def test_a_person_in_another_organisation_is_not_found(client_as, other_organisation):
    from kindred.people.tests.factories import PersonFactory

    theirs = PersonFactory(organisation=other_organisation)
    response = client_as(Role.COORDINATOR).get(
        reverse("people:detail", kwargs={"person_id": theirs.pk})
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="person.viewed").exists()
