"""Coordinators keep matching profiles for people waiting and for supporters."""

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.matching import selectors, services
from kindred.matching.models import Conflict, SupporterProfile, WaitingProfile
from kindred.matching.tests.factories import (
    ConflictFactory,
    SupporterProfileFactory,
    WaitingProfileFactory,
)
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory
from kindred.volunteers.models import Stage
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_saves_a_waiting_persons_profile(client_as, organisation):
    referral = ReferralFactory(organisation=organisation, status=Status.WAITING)
    client = client_as(Role.COORDINATOR)
    url = reverse("matching:waiting_profile", kwargs={"referral_id": referral.pk})
    assert "Meningitis or septicaemia" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "experiences": ["stroke", "bereavement"],
            "interests": "Gardening,  gardening , football,",
            "languages": "English, Urdu",
            "modes": ["visit", "phone"],
            "gender_preference": "woman",
        },
    )
    assert response.status_code == 302
    profile = WaitingProfile.objects.get(referral=referral)
    assert profile.organisation == organisation
    assert profile.experiences == ["stroke", "bereavement"]
    assert profile.interests == ["Gardening", "football"]
    assert profile.languages == ["English", "Urdu"]
    assert profile.modes == ["visit", "phone"]
    assert profile.gender_preference == "woman"
    event = AuditEvent.objects.get(action="waiting_profile.saved")
    assert "Urdu" not in str(event.detail)


def test_a_waiting_profile_needs_a_way_of_meeting(client_as, organisation):
    referral = ReferralFactory(organisation=organisation, status=Status.WAITING)
    url = reverse("matching:waiting_profile", kwargs={"referral_id": referral.pk})
    response = client_as(Role.COORDINATOR).post(url, {"experiences": ["stroke"]})
    assert response.status_code == 200
    assert "Select at least one way of meeting" in response.content.decode()
    assert not WaitingProfile.objects.exists()


def test_an_unknown_experience_is_refused(client_as, organisation):
    referral = ReferralFactory(organisation=organisation, status=Status.WAITING)
    url = reverse("matching:waiting_profile", kwargs={"referral_id": referral.pk})
    response = client_as(Role.COORDINATOR).post(url, {"experiences": ["x"], "modes": ["phone"]})
    assert response.status_code == 200
    assert not WaitingProfile.objects.exists()


def test_the_organisations_own_experiences_are_offered(client_as, organisation):
    organisation.matching_experiences.create(key="long_covid", name="Long COVID")
    referral = ReferralFactory(organisation=organisation, status=Status.WAITING)
    url = reverse("matching:waiting_profile", kwargs={"referral_id": referral.pk})
    client = client_as(Role.COORDINATOR)
    assert "Long COVID" in client.get(url).content.decode()
    client.post(url, {"experiences": ["long_covid"], "modes": ["video"]})
    assert WaitingProfile.objects.get(referral=referral).experiences == ["long_covid"]


def test_a_coordinator_saves_a_supporters_profile_located_by_postcode(client_as, organisation):
    volunteer = VolunteerFactory(organisation=organisation, postcode="SK1 3XE")
    url = reverse("matching:supporter_profile", kwargs={"volunteer_id": volunteer.pk})
    response = client_as(Role.COORDINATOR).post(
        url,
        {
            "experiences": ["copd"],
            "interests": "chess",
            "languages": "English",
            "modes": ["visit"],
            "max_travel_km": "8",
            "gender": "man",
            "capacity": "3",
        },
    )
    assert response.status_code == 302
    profile = SupporterProfile.objects.get(volunteer=volunteer)
    assert (profile.capacity, profile.max_travel_km, profile.gender) == (3, 8, "man")
    assert AuditEvent.objects.filter(action="supporter_profile.saved").count() == 1


@pytest.mark.parametrize(
    "capacity, message",
    [
        ("", "Enter how many people they can support at once"),
        ("21", "Number of people must be 20 or fewer"),
        ("two", "Enter a whole number, like 2"),
    ],
)
def test_a_supporters_capacity_must_make_sense(client_as, organisation, capacity, message):
    volunteer = VolunteerFactory(organisation=organisation)
    url = reverse("matching:supporter_profile", kwargs={"volunteer_id": volunteer.pk})
    response = client_as(Role.COORDINATOR).post(
        url, {"modes": ["phone"], "max_travel_km": "5", "capacity": capacity}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupporterProfile.objects.exists()


def test_another_organisations_records_are_not_found(client_as, other_organisation):
    referral = ReferralFactory(organisation=other_organisation, status=Status.WAITING)
    volunteer = VolunteerFactory(organisation=other_organisation)
    client = client_as(Role.COORDINATOR)
    waiting = reverse("matching:waiting_profile", kwargs={"referral_id": referral.pk})
    supporter = reverse("matching:supporter_profile", kwargs={"volunteer_id": volunteer.pk})
    assert client.post(waiting, {"modes": ["phone"]}).status_code == 404
    assert client.get(supporter).status_code == 404
    assert not WaitingProfile.objects.exists()


def test_people_waiting_are_listed_longest_first_without_n_plus_one(
    client_as, organisation, django_assert_max_num_queries
):
    for _ in range(6):
        WaitingProfileFactory(referral__organisation=organisation)
    ReferralFactory(organisation=organisation, status=Status.WAITING, person__given_name="Ada")
    ReferralFactory(organisation=organisation, status=Status.STARTED, person__given_name="Bea")
    client = client_as(Role.COORDINATOR)
    with django_assert_max_num_queries(15):
        body = client.get(reverse("matching:waiting")).content.decode()
    assert "7 people waiting" in body
    assert "Ada" in body and "Bea" not in body


def test_the_home_page_shows_people_waiting_to_coordinators(client_as, organisation):
    ReferralFactory(organisation=organisation, status=Status.WAITING, person__given_name="Ada")
    body = client_as(Role.COORDINATOR).get(reverse("core:home")).content.decode()
    assert "People waiting for a match" in body
    assert "1 person is waiting for a match" in body
    volunteer_home = client_as(Role.VOLUNTEER).get(reverse("core:home")).content.decode()
    assert "People waiting for a match" not in volunteer_home


def test_supporters_are_checked_against_every_hard_rule(organisation):
    role = RoleFactory(organisation=organisation, dbs_level="basic")
    person = PersonFactory(organisation=organisation, easting=389_000, northing=390_000)
    referral = WaitingProfileFactory(
        referral__organisation=organisation, referral__person=person, modes=["phone"]
    ).referral
    able = SupporterProfileFactory(volunteer__organisation=organisation, modes=["phone"]).volunteer
    able.roles.add(role)
    DbsCheckFactory(volunteer=able, level="basic")
    untrained = SupporterProfileFactory(volunteer__organisation=organisation).volunteer
    paused = SupporterProfileFactory(
        volunteer__organisation=organisation, volunteer__stage=Stage.PAUSED
    ).volunteer
    known = SupporterProfileFactory(volunteer__organisation=organisation).volunteer
    known.roles.add(role)
    DbsCheckFactory(volunteer=known, level="basic")
    ConflictFactory(volunteer=known, person=person)
    VolunteerFactory(organisation=organisation)  # no matching profile: not a supporter yet

    checked = {
        c.volunteer.pk: c.refusals
        for c in selectors.supporters_checked(
            organisation=organisation, referral=referral, role=role
        )
    }
    assert checked[able.pk] == []
    assert any("Not eligible" in r for r in checked[untrained.pk])
    assert "Paused at the moment" in checked[paused.pk]
    assert checked[known.pk] == ["A conflict is recorded (for example already known to each other)"]
    assert len(checked) == 4


def test_a_coordinator_records_a_conflict_and_the_pair_is_refused(client_as, organisation):
    referral = ReferralFactory(organisation=organisation, status=Status.WAITING)
    volunteer = VolunteerFactory(organisation=organisation, given_name="Sam")
    url = reverse("matching:conflict_add", kwargs={"referral_id": referral.pk})
    client = client_as(Role.COORDINATOR)
    assert "Sam" in client.get(url).content.decode()
    response = client.post(url, {"volunteer": str(volunteer.pk)})
    assert "Select why they must never be matched" in response.content.decode()
    response = client.post(url, {"volunteer": str(volunteer.pk), "reason": "ended_badly"})
    assert response.status_code == 302
    conflict = Conflict.objects.get()
    assert (conflict.person, conflict.volunteer) == (referral.person, volunteer)
    assert (referral.person.pk, volunteer.pk) in selectors.conflict_pairs(organisation=organisation)


def test_a_conflict_with_another_organisations_supporter_is_refused(
    client_as, organisation, other_organisation
):
    referral = ReferralFactory(organisation=organisation, status=Status.WAITING)
    theirs = VolunteerFactory(organisation=other_organisation)
    url = reverse("matching:conflict_add", kwargs={"referral_id": referral.pk})
    response = client_as(Role.COORDINATOR).post(
        url, {"volunteer": str(theirs.pk), "reason": "known"}
    )
    assert "Select a supporter from the list" in response.content.decode()
    assert not Conflict.objects.exists()


def test_a_supporters_place_comes_from_their_postcode_or_is_given(organisation, coordinator):
    by = Acting(coordinator, organisation)
    nowhere = VolunteerFactory(organisation=organisation, postcode="")
    profile = services.supporter_profile_save(
        by=by, volunteer=nowhere, details=services.SupporterDetails()
    )
    assert (profile.easting, profile.northing) == (None, None)
    profile = services.supporter_profile_save(
        by=by, volunteer=nowhere, details=services.SupporterDetails(), place=(389_000, 390_000)
    )
    profile.refresh_from_db()
    assert (profile.easting, profile.northing) == (389_000, 390_000)
