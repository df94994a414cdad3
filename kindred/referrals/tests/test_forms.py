"""The three ways in through forms: referrer's, coordinator's and the public self-referral form."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.people.models import Person
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Referral
from kindred.referrals.services import gp_concern_raise
from kindred.referrals.tests.factories import ReferralFactory

PERSON = {
    "given_name": "Edna",
    "family_name": "Moss",
    "date_of_birth": "1944-02-11",
    "nhs_number": "9434765919",
    "postcode": "sk1 3xe",
    "phone": "0161 496 0000",
}
REFERRAL = {
    "source": "practice_nurse",
    "reason": "Lonely since her husband died; COPD keeps her in",
    "wants": "befriending",
    "urgency": "routine",
    "conditions": "COPD",
    "referrer_name": "Nurse Ratchford",
    "referrer_email": "nurse@practice.example",
    "consent_share_with_referrer": "on",
}


def test_a_referrer_refers_someone_and_sees_it_on_their_page(client_as, organisation):
    client = client_as(Role.REFERRER)
    response = client.post(reverse("referrals:refer"), {**PERSON, **REFERRAL})
    assert response.status_code == 302 and response["Location"] == reverse("referrals:mine")
    referral = Referral.objects.get()
    assert referral.channel == "referrer_form" and referral.referrer_user is not None
    assert referral.person.nhs_number == "9434765919"
    assert referral.person.consents.get(kind="share_with_referrer").given
    page = client.get(reverse("referrals:mine")).content.decode()
    assert "Edna Moss" in page and "Received" in page


def test_a_referrer_sees_only_their_own_referrals(client_as, organisation):
    client_as(Role.REFERRER).post(reverse("referrals:refer"), {**PERSON, **REFERRAL})
    other_page = client_as(Role.REFERRER).get(reverse("referrals:mine")).content.decode()
    assert "Edna" not in other_page


def test_a_coordinators_referral_of_someone_known_links_to_their_record(client_as, organisation):
    known = PersonFactory(organisation=organisation, nhs_number="9434765919")
    client = client_as(Role.COORDINATOR)
    response = client.post(reverse("referrals:add"), {**PERSON, **REFERRAL})
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:detail", kwargs={"referral_id": referral.pk})
    assert referral.person == known and Person.objects.count() == 1


def test_bad_referrals_show_every_problem_and_save_nothing(client_as):
    response = client_as(Role.COORDINATOR).post(
        reverse("referrals:add"),
        {**PERSON, **REFERRAL, "nhs_number": "1234567890", "reason": "", "source": ""},
    )
    page = response.content.decode()
    for message in [
        "Enter a valid NHS number",
        "Enter why you are referring them",
        "Select who is making this referral",
    ]:
        assert message in page
    assert "nhsuk-error-summary" in page
    assert not Referral.objects.exists() and not Person.objects.exists()


SELF = {
    "given_name": "Sam",
    "family_name": "Okafor",
    "postcode": "LS8 2AP",
    "email": "sam@example.com",
    "reason": "I have been very low since losing my job",
    "wants": "group",
    "consent_contact": "on",
}


def self_url(organisation):
    return reverse("referrals:self_refer", kwargs={"organisation_slug": organisation.slug})


def test_someone_refers_themselves_without_signing_in(client, organisation):
    page = client.get(self_url(organisation))
    assert page.status_code == 200 and "Ask for peer support" in page.content.decode()
    response = client.post(self_url(organisation), SELF, follow=True)
    assert "Thank you, we have your request" in response.content.decode()
    referral = Referral.objects.get()
    assert (referral.source, referral.channel, referral.organisation) == (
        "self",
        "self_referral",
        organisation,
    )
    assert referral.person.consents.get(kind="contact").given


def test_the_public_form_never_says_whether_someone_is_already_known(client, organisation):
    PersonFactory(
        organisation=organisation,
        given_name="Sam",
        family_name="Okafor",
        date_of_birth=None,
        postcode="LS8 2AP",
    )
    known = client.post(self_url(organisation), SELF)
    stranger = client.post(self_url(organisation), {**SELF, "given_name": "Alex"})
    assert known.status_code == stranger.status_code == 302
    assert known["Location"] == stranger["Location"]  # the same page, whoever they are
    done = client.get(known["Location"]).content.decode()
    assert "Sam " not in done and "Okafor" not in done and "already" not in done.lower()
    assert Referral.objects.count() == 2


def test_the_honeypot_catches_robots_without_telling_them(client, organisation):
    response = client.post(self_url(organisation), {**SELF, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Referral.objects.exists()


def test_self_referrals_are_rate_limited_per_address(client, organisation):
    for _ in range(5):
        client.post(self_url(organisation), {**SELF, "reason": ""})
    response = client.post(self_url(organisation), SELF)
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert not Referral.objects.exists()
    other_address = client.post(self_url(organisation), SELF, REMOTE_ADDR="192.0.2.9")
    assert other_address.status_code == 302


def test_the_limit_holds_across_web_processes(client, organisation):
    for index in range(5):
        client.post(self_url(organisation), {**SELF, "given_name": f"Sam{index}"})
        cache.clear()  # as if each request reached a different process
    assert Referral.objects.count() == 5
    assert client.post(self_url(organisation), SELF).status_code == 429
    assert Referral.objects.count() == 5


def test_the_self_referral_form_needs_a_way_to_reply_and_a_real_postcode(client, organisation):
    page = client.post(
        self_url(organisation), {**SELF, "email": "", "postcode": "ZZ9 9ZZ", "consent_contact": ""}
    ).content.decode()
    assert "Enter a phone number or an email address" in page
    assert "ZZ9 9ZZ is not a postcode we can find" in page
    assert "Tick the box to say we can contact you" in page
    assert not Referral.objects.exists()


def test_self_referral_to_an_unknown_organisation_is_not_found(client, db):
    url = reverse("referrals:self_refer", kwargs={"organisation_slug": "nobody"})
    assert client.get(url).status_code == 404


def test_the_self_referral_form_needs_csrf(organisation):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(self_url(organisation), SELF).status_code == 403
    assert not Referral.objects.exists()


def test_a_concern_for_the_gp_is_shown_on_the_person_page_and_to_the_referrer(
    client_as, organisation
):
    referrer = client_as(Role.REFERRER)
    referrer.post(reverse("referrals:refer"), {**PERSON, **REFERRAL, "gp_practice_ods": "P84001"})
    person = Person.objects.get()
    coordinator = client_as(Role.COORDINATOR)
    url = reverse("referrals:gp_concern", kwargs={"person_id": person.pk})
    assert (
        "Enter what you noticed"
        in coordinator.post(url, {"noticed": "", "urgency": "routine"}).content.decode()
    )
    response = coordinator.post(url, {"noticed": "Breathless on the stairs", "urgency": "urgent"})
    assert response["Location"] == reverse("people:detail", kwargs={"person_id": person.pk})
    assert "Breathless on the stairs" in coordinator.get(response["Location"]).content.decode()
    assert "Breathless on the stairs" in referrer.get(reverse("referrals:mine")).content.decode()


def test_the_referrers_page_does_not_grow_its_queries_with_their_referrals(
    client_as, organisation, make_user, sign_in, django_assert_max_num_queries
):
    nurse = make_user(Role.REFERRER, organisation=organisation)
    client = sign_in(nurse, organisation)

    def add(count):
        for _ in range(count):
            referral = ReferralFactory(
                organisation=organisation,
                referrer_user=nurse,
                person__gp_practice_ods="P1",
                consent_share_with_referrer=True,
                person_as_sent={"given_name": "Edna", "family_name": "Moss"},
            )
            gp_concern_raise(
                by=Acting.system("t", organisation=organisation),
                person=referral.person,
                noticed="Tired",
                urgency="routine",
            )

    add(2)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("referrals:mine"))
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("referrals:mine")).content.decode()
    assert page.count("Tired") == 22


def test_the_self_referral_form_refuses_a_date_of_birth_in_the_future_as_the_referral_form_does(
    client, organisation
):
    future = timezone.localdate() + dt.timedelta(days=1)
    boxes = {
        "date_of_birth_day": str(future.day),
        "date_of_birth_month": str(future.month),
        "date_of_birth_year": str(future.year),
    }
    page = client.post(self_url(organisation), {**SELF, **boxes}).content.decode()
    assert "Date of birth must be in the past" in page and 'href="#id_date_of_birth_day"' in page
    assert not Referral.objects.exists()
    missing_month = {**boxes, "date_of_birth_month": "", "date_of_birth_year": "1961"}
    page = client.post(self_url(organisation), {**SELF, **missing_month}).content.decode()
    assert "Date of birth must include a month" in page
    assert not Referral.objects.exists()
