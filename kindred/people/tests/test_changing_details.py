"""Changing a person's details (issue 12, ADR-089): one service, checked like adding someone,
locked, refused when someone else changed the details first, kept as a history with before and
after, and audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked
from kindred.people import services
from kindred.people.models import Person, PersonChange, PersonChangeIsAppendOnly
from kindred.people.tests.factories import PersonFactory

VALID_NHS_NUMBER = "9434765919"
OTHER_NHS_NUMBER = "9434765870"


@pytest.fixture
def person(organisation):
    return PersonFactory(
        organisation=organisation,
        given_name="Edna",
        family_name="Pickles",
        phone="0161 496 0000",
        postcode="SK1 3XE",
        email="edna@example.com",
    )


@pytest.fixture
def by(coordinator, organisation):
    return Acting(user=coordinator, organisation=organisation)


def _change_url(person, part):
    return reverse("people:change", kwargs={"person_id": person.pk, "part": part})


def _detail_url(person):
    return reverse("people:detail", kwargs={"person_id": person.pk})


def _seen(person, *names):
    return json.dumps({name: services.detail_text(getattr(person, name)) for name in names})


def _state(person):
    person = Person.objects.get(pk=person.pk)
    return {name: getattr(person, name) for name in (*services.CHANGEABLE_DETAILS, "phone_digits")}


# The service


def test_every_detail_can_be_changed_and_is_stored_as_adding_someone_stores_it(by, person):
    changed = services.person_details_update(
        by=by,
        person=person,
        changes={
            "given_name": " Edith ",
            "family_name": "Pickles-Hart",
            "preferred_name": "Edie",
            "date_of_birth": dt.date(1940, 2, 3),
            "nhs_number": "943 476 5919",
            "address": "2 Mill Lane\nStockport",
            "postcode": "ls8 2ap",
            "phone": "+44 161 496 0999",
            "email": "Edie@Example.COM",
            "preferred_contact": "text",
            "language": "Welsh",
            "gender": "self_described",
            "gender_described": "Genderfluid",
            "gp_practice_ods": " p84001 ",
        },
    )
    assert set(changed) == set(services.CHANGEABLE_DETAILS)
    person.refresh_from_db()
    assert (person.given_name, person.nhs_number, person.postcode) == (
        "Edith",
        VALID_NHS_NUMBER,
        "LS8 2AP",
    )
    assert (person.email, person.gp_practice_ods, person.gender_text) == (
        "edie@example.com",
        "P84001",
        "Genderfluid",
    )
    assert person.phone == "+44 161 496 0999" and person.phone_digits == "01614960999"
    assert person.easting and person.northing  # located from the new postcode


def test_a_change_is_kept_with_before_and_after_and_audited_without_the_values(by, person):
    changed = services.person_details_update(
        by=by,
        person=person,
        changes={"phone": "0161 496 0123", "email": "edna@example.com", "postcode": "LS8 2AP"},
        reason="She rang to say",
    )
    assert changed == ["phone", "postcode"]  # the email is the same
    change = PersonChange.objects.get(person=person)
    assert change.before == {"phone": "0161 496 0000", "postcode": "SK1 3XE"}
    assert change.after == {"phone": "0161 496 0123", "postcode": "LS8 2AP"}
    assert change.by_user == by.user and change.by_label == by.actor_label
    assert change.reason == "She rang to say"
    entry = AuditEvent.objects.for_record(person).get(action="person.details_changed")
    assert entry.detail == {
        "fields": ["phone", "postcode"],
        "change": str(change.pk),
        "reason": "She rang to say",
    }
    assert "0161" not in json.dumps(entry.detail)  # identifiers, never the details (ADR-002)
    with pytest.raises(PersonChangeIsAppendOnly):
        change.save()
    with pytest.raises(PersonChangeIsAppendOnly):
        change.delete()


def test_changing_nothing_writes_nothing(by, person):
    assert (
        services.person_details_update(by=by, person=person, changes={"phone": "0161 496 0000"})
        == []
    )
    assert not PersonChange.objects.exists()
    assert not AuditEvent.objects.filter(action="person.details_changed").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nhs_number": "9434765918"}, "nhs_number", "Enter a valid NHS number"),
        ({"nhs_number": "12345"}, "nhs_number", "NHS number must be 10 digits"),
        ({"postcode": "ZZ9 9ZZ"}, "postcode", "ZZ9 9ZZ is not a postcode we can find"),
        ({"postcode": "nonsense"}, "postcode", "Enter a real postcode"),
        ({"gp_practice_ods": "P8-4001"}, "gp_practice_ods", "Enter an ODS code"),
        ({"date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth", "must be in the past"),
        ({"date_of_birth": dt.date(1850, 1, 1)}, "date_of_birth", "must be after 1900"),
        ({"email": "not an email"}, "email", "Enter an email address in the correct format"),
        ({"preferred_contact": "pigeon"}, "preferred_contact", "Choose how they prefer"),
        ({"gender": "unknown"}, "gender", "Choose their gender"),
        ({"given_name": "  "}, "given_name", "Enter their first name"),
        ({"language": "x" * 61}, "language", "60 characters or fewer"),
    ],
)
def test_a_detail_the_forms_would_refuse_is_refused_naming_it(by, person, changes, field, message):
    before = _state(person)
    with pytest.raises(services.PersonDetailsRefused) as refused:
        services.person_details_update(by=by, person=person, changes={"phone": "0700", **changes})
    assert refused.value.field == field and message in str(refused.value)
    assert _state(person) == before  # not even the good part of the change
    assert not PersonChange.objects.exists()
    assert not AuditEvent.objects.filter(action="person.details_changed").exists()


def test_an_nhs_number_another_record_has_is_refused(by, person, organisation):
    PersonFactory(organisation=organisation, nhs_number=VALID_NHS_NUMBER)
    before = _state(person)
    with pytest.raises(services.NhsNumberTaken) as refused:
        services.person_details_update(
            by=by, person=person, changes={"nhs_number": "943 476 5919", "phone": "0700 900 123"}
        )
    assert refused.value.field == "nhs_number"
    assert "Another record already has that NHS number" in str(refused.value)
    assert _state(person) == before
    assert not PersonChange.objects.exists()


def test_an_nhs_number_another_organisation_holds_is_no_obstacle(by, person, other_organisation):
    PersonFactory(organisation=other_organisation, nhs_number=VALID_NHS_NUMBER)
    services.person_details_update(by=by, person=person, changes={"nhs_number": VALID_NHS_NUMBER})
    person.refresh_from_db()
    assert person.nhs_number == VALID_NHS_NUMBER


def test_details_someone_else_changed_since_the_user_looked_are_not_overwritten(by, person):
    seen = {"phone": "0161 496 0000", "email": "edna@example.com", "preferred_contact": ""}
    services.person_details_update(by=by, person=person, changes={"phone": "0161 496 0111"})
    before = _state(person)
    with pytest.raises(ChangedSinceYouLooked) as stale:
        services.person_details_update(
            by=by, person=person, changes={"phone": "0161 496 0222"}, expected=seen
        )
    assert isinstance(stale.value, services.PersonDetailsChanged)
    assert stale.value.now == {**seen, "phone": "0161 496 0111"}
    assert "Someone else changed Edna's details" in str(stale.value)
    assert _state(person) == before
    assert PersonChange.objects.count() == 1


def test_a_change_to_other_details_meanwhile_does_not_stop_this_one(by, person):
    seen = {"gp_practice_ods": ""}
    services.person_details_update(by=by, person=person, changes={"phone": "0161 496 0111"})
    services.person_details_update(
        by=by, person=person, changes={"gp_practice_ods": "P84001"}, expected=seen
    )
    person.refresh_from_db()
    assert (person.phone, person.gp_practice_ods) == ("0161 496 0111", "P84001")


def test_only_a_signed_in_user_of_the_persons_organisation_changes_them(
    by, person, other_organisation, make_user
):
    theirs = Acting(
        make_user(Role.COORDINATOR, organisation=other_organisation), other_organisation
    )
    with pytest.raises(services.NotActingForAnOrganisation):
        services.person_details_update(by=theirs, person=person, changes={"phone": "0700"})
    system = Acting.system("import", organisation=by.organisation)
    with pytest.raises(services.PersonDetailsRefused):
        services.person_details_update(by=system, person=person, changes={"phone": "0700"})
    with pytest.raises(services.PersonDetailsRefused, match="cannot be changed here"):
        services.person_details_update(by=by, person=person, changes={"organisation": "x"})
    assert Person.objects.get(pk=person.pk).phone == "0161 496 0000"


# The pages


def test_the_person_page_has_a_change_link_for_every_detail_and_for_consents(client_as, person):
    page = client_as(Role.COORDINATOR).get(_detail_url(person)).content.decode()
    for part in (
        "name",
        "date-of-birth",
        "nhs-number",
        "address",
        "contact",
        "language",
        "gender",
        "gp-practice",
    ):
        assert f'href="{_change_url(person, part)}"' in page
    assert page.count(">Change<") >= 12 + 3  # each detail's row, and each consent's
    assert f'href="{reverse("people:consents", kwargs={"person_id": person.pk})}"' in page
    assert "Nobody has changed Edna's details since they were added" in page


def test_someone_who_may_only_look_sees_no_change_links(client_as, person):
    page = client_as(Role.SAFEGUARDING_LEAD).get(_detail_url(person)).content.decode()
    assert "Edna" in page and ">Change<" not in page


@pytest.mark.parametrize(
    ("part", "shown"),
    [
        ("name", "Edna"),
        ("contact", "0161 496 0000"),
        ("address", "SK1 3XE"),
        ("gp-practice", "GP practice ODS code"),
    ],
)
def test_each_change_page_shows_what_the_record_says(client_as, person, part, shown):
    response = client_as(Role.COORDINATOR).get(_change_url(person, part))
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_a_part_that_does_not_exist_is_not_found(client_as, person):
    assert client_as(Role.COORDINATOR).get(_change_url(person, "shoe-size")).status_code == 404


def test_a_coordinator_changes_contact_details_and_sees_them_in_the_history(client_as, person):
    client = client_as(Role.COORDINATOR)
    response = client.post(
        _change_url(person, "contact"),
        {
            "phone": "0161 496 0123",
            "email": "edna@example.com",
            "preferred_contact": "phone",
            "seen": _seen(person, "phone", "email", "preferred_contact"),
        },
    )
    assert response.status_code == 302 and response["Location"] == _detail_url(person)
    person.refresh_from_db()
    assert (person.phone, person.preferred_contact) == ("0161 496 0123", "phone")
    page = client.get(_detail_url(person)).content.decode()
    assert "Edna&#39;s details have been changed" in page
    assert "Phone number: 0161 496 0000 changed to 0161 496 0123" in page
    assert "How they prefer to be contacted: No preference changed to Phone call" in page


def test_bad_input_is_explained_beside_each_field_and_changes_nothing(client_as, person):
    before = _state(person)
    response = client_as(Role.COORDINATOR).post(
        _change_url(person, "address"),
        {
            "address": "1 High St",
            "postcode": "ZZ9 9ZZ",
            "seen": _seen(person, "address", "postcode"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#id_postcode"' in page
    assert "nhsuk-error-message" in page and "ZZ9 9ZZ is not a postcode we can find" in page
    assert 'value="1 High St"' in page or ">1 High St<" in page  # what they typed is kept
    assert _state(person) == before
    assert not AuditEvent.objects.filter(action="person.details_changed").exists()


def test_an_nhs_number_of_another_record_is_a_field_error(client_as, person, organisation):
    PersonFactory(organisation=organisation, nhs_number=VALID_NHS_NUMBER)
    response = client_as(Role.COORDINATOR).post(
        _change_url(person, "nhs-number"),
        {"nhs_number": "943 476 5919", "seen": _seen(person, "nhs_number")},
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'href="#id_nhs_number"' in page
    assert "Another record already has that NHS number" in page
    assert Person.objects.get(pk=person.pk).nhs_number == ""


def test_a_change_made_meanwhile_is_shown_and_saving_again_is_a_choice(client_as, by, person):
    client = client_as(Role.COORDINATOR)
    seen = _seen(person, "phone", "email", "preferred_contact")
    services.person_details_update(by=by, person=person, changes={"phone": "0161 496 0111"})
    data = {"phone": "0161 496 0222", "email": "edna@example.com", "preferred_contact": ""}
    response = client.post(_change_url(person, "contact"), {**data, "seen": seen})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed Edna&#39;s details while you were looking" in page
    assert "What their record says now" in page and "0161 496 0111" in page
    assert Person.objects.get(pk=person.pk).phone == "0161 496 0111"
    # The page now carries what the record says, so saving again is a decision made seeing it
    rebased = json.loads(page.split('name="seen" value="')[1].split('"')[0].replace("&quot;", '"'))
    assert rebased["phone"] == "0161 496 0111"
    again = client.post(_change_url(person, "contact"), {**data, "seen": json.dumps(rebased)})
    assert again.status_code == 302
    assert Person.objects.get(pk=person.pk).phone == "0161 496 0222"
    assert PersonChange.objects.filter(person=person).count() == 2


@pytest.mark.parametrize("seen", ["", "not json", json.dumps({"phone": "x"}), json.dumps([1])])
def test_a_form_without_what_the_user_saw_changes_nothing(client_as, person, seen):
    response = client_as(Role.COORDINATOR).post(
        _change_url(person, "gp-practice"), {"gp_practice_ods": "P84001", "seen": seen}
    )
    assert response.status_code == 200
    assert "This page was out of date" in response.content.decode()
    assert Person.objects.get(pk=person.pk).gp_practice_ods == ""


@pytest.mark.parametrize("role", [Role.SAFEGUARDING_LEAD, Role.VOLUNTEER, Role.FACILITATOR])
def test_weaker_roles_are_refused_and_nothing_changes(client_as, person, role):
    response = client_as(role).post(
        _change_url(person, "gp-practice"),
        {"gp_practice_ods": "P84001", "seen": _seen(person, "gp_practice_ods")},
    )
    assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).gp_practice_ods == ""


def test_another_organisations_coordinator_cannot_change_our_person(
    sign_in, charlie, person, organisation
):
    client = sign_in(charlie, organisation)  # even claiming to act for our organisation
    response = client.post(
        _change_url(person, "gp-practice"),
        {"gp_practice_ods": "P84001", "seen": _seen(person, "gp_practice_ods")},
    )
    assert response.status_code == 404
    assert Person.objects.get(pk=person.pk).gp_practice_ods == ""
    assert AuditEvent.objects.filter(action="person.view_refused").exists()


def test_the_concern_for_the_gp_page_links_to_adding_their_gp_practice(client_as, person):
    page = (
        client_as(Role.COORDINATOR)
        .get(reverse("referrals:gp_concern", kwargs={"person_id": person.pk}))
        .content.decode()
    )
    assert f'href="{_change_url(person, "gp-practice")}">Add their GP practice</a>' in page


def test_the_history_is_in_their_copy_of_their_data(client_as, by, person):
    services.person_details_update(
        by=by, person=person, changes={"date_of_birth": dt.date(1950, 1, 2)}
    )
    response = client_as(Role.COORDINATOR).get(
        reverse("people:export", kwargs={"person_id": person.pk, "file_format": "json"})
    )
    changes = json.loads(response.content)["changes_to_details"]
    assert changes[0]["changes"] == [
        {"detail": "Date of birth", "before": "17 May 1948", "after": "2 January 1950"}
    ]
    pdf = client_as(Role.COORDINATOR).get(
        reverse("people:export", kwargs={"person_id": person.pk, "file_format": "pdf"})
    )
    assert pdf.status_code == 200


def test_the_person_page_costs_the_same_queries_however_long_the_history(client_as, by, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(Role.COORDINATOR)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_detail_url(person)).status_code == 200
        return len(captured)

    services.person_details_update(by=by, person=person, changes={"language": "Urdu"})
    few = queries()
    for n in range(25):
        services.person_details_update(by=by, person=person, changes={"language": f"Urdu {n}"})
    page = client.get(_detail_url(person)).content.decode()
    assert "These are the latest 20 changes" in page
    assert queries() == few
