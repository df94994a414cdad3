from __future__ import annotations

from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.people.models import ConsentKind, Person
from kindred.people.selectors import consents_in_force

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


def test_nhs_number_consents_and_other_details_are_kept(client_as, organisation):
    client = client_as(Role.COORDINATOR)
    data = {
        **VALID,
        "nhs_number": "943 476 5919",
        "gender": "self_described",
        "gender_described": "Genderfluid",
        "preferred_contact": "phone",
        "gp_practice_ods": "p84001",
        "consent_contact": "on",
        "consent_evaluation": "on",
    }
    client.post(reverse("people:add"), data)
    person = Person.objects.get()
    assert (person.nhs_number, person.gp_practice_ods) == ("9434765919", "P84001")
    assert person.gender_text == "Genderfluid"
    given = {c.kind: c.given for c in person.consents.all()}
    assert given == {"contact": True, "share_with_referrer": False, "evaluation": True}
    assert all(c.recorded_by_label for c in person.consents.all())
    page = client.get(reverse("people:detail", kwargs={"person_id": person.pk})).content.decode()
    assert "943 476 5919" in page and "Genderfluid" in page


def test_an_invalid_nhs_number_is_refused(client_as):
    response = client_as(Role.COORDINATOR).post(
        reverse("people:add"), {**VALID, "nhs_number": "9434765918"}
    )
    assert "Enter a valid NHS number" in response.content.decode()
    assert Person.objects.count() == 0


def test_the_same_person_twice_links_to_the_existing_record(client_as):
    client = client_as(Role.COORDINATOR)
    client.post(reverse("people:add"), {**VALID, "nhs_number": "9434765919"})
    first = Person.objects.get()
    # Same NHS number, different spelling of the name
    again = client.post(
        reverse("people:add"), {**VALID, "given_name": "Maggie", "nhs_number": "9434765919"}
    )
    assert again["Location"] == reverse("people:detail", kwargs={"person_id": first.pk})
    # No NHS number: same name, date of birth and postcode (case and spacing differ)
    client.post(reverse("people:add"), {**VALID, "given_name": "margaret", "postcode": "LS82AP"})
    assert Person.objects.count() == 1
    # Different date of birth: someone else
    client.post(reverse("people:add"), {**VALID, "date_of_birth": "1950-01-01"})
    assert Person.objects.count() == 2


def test_consents_are_append_only(organisation):
    import pytest

    from kindred.core.services import Acting
    from kindred.people.models import ConsentIsAppendOnly
    from kindred.people.selectors import consents_in_force
    from kindred.people.services import consent_record
    from kindred.people.tests.factories import PersonFactory

    person = PersonFactory(organisation=organisation)
    by = Acting.system("test", organisation=organisation)
    first = consent_record(by=by, person=person, kind="contact", given=True)
    consent_record(by=by, person=person, kind="contact", given=False)
    latest = consents_in_force(person=person)["contact"]
    assert latest is not None and latest.given is False
    first.given = False
    with pytest.raises(ConsentIsAppendOnly):
        first.save()
    with pytest.raises(ConsentIsAppendOnly):
        first.delete()


def test_a_coordinator_records_and_withdraws_consent_keeping_the_history(client_as, organisation):
    from kindred.people.tests.factories import PersonFactory

    person = PersonFactory(organisation=organisation)
    client = client_as(Role.COORDINATOR)
    url = reverse("people:consents", kwargs={"person_id": person.pk})
    assert client.get(url).status_code == 200
    client.post(url, {"contact": "yes", "share_with_referrer": "yes"})
    client.post(url, {"contact": "yes", "share_with_referrer": "no"})  # one change only
    history = list(person.consents.order_by("recorded_at").values_list("kind", "given"))
    assert history == [
        ("contact", True),
        ("share_with_referrer", True),
        ("share_with_referrer", False),
    ]
    page = client.get(reverse("people:detail", kwargs={"person_id": person.pk})).content.decode()
    assert "Record a change to what" in page


def test_an_unticked_box_on_a_later_form_does_not_withdraw_consent(client_as, organisation):
    client = client_as(Role.COORDINATOR)
    client.post(reverse("people:add"), {**VALID, "consent_share_with_referrer": "on"})
    client.post(reverse("people:add"), VALID)  # the same person again, box unticked
    person = Person.objects.get()
    consent = consents_in_force(person=person)[ConsentKind.SHARE_WITH_REFERRER]
    assert consent is not None and consent.given
