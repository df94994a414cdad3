"""The matching profile suggested from the referral (ADR-097): what it fills, marked for the
coordinator to confirm, and never over a profile a coordinator has saved."""

from __future__ import annotations

from django.urls import reverse

from kindred.accounts.models import Role
from kindred.matching.experiences import CURATED
from kindred.matching.models import WaitingProfile
from kindred.matching.prefill import experiences_named, from_referral
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Status, Wants
from kindred.referrals.tests.factories import ReferralFactory

CHOICES = [(c.key, c.name) for c in CURATED]


def test_experiences_are_found_by_name_as_whole_words():
    assert experiences_named("COPD, had a stroke in May", CHOICES) == ["copd", "stroke"]
    assert experiences_named("early dementia; lost her husband", CHOICES) == ["dementia"]
    assert experiences_named("Septicaemia in 2019", CHOICES) == ["meningitis"]
    assert experiences_named("strokes of luck; copdx", CHOICES) == []
    assert experiences_named("", CHOICES) == []


def waiting_referral(organisation, **person):
    return ReferralFactory(
        organisation=organisation,
        person=PersonFactory(organisation=organisation, **person),
        status=Status.WAITING,
        wants=Wants.BEFRIENDING,
        conditions="COPD",
        lived_experience="Bereavement: her husband died last year",
        person_as_sent={"language": "Urdu", "preferred_contact": "phone"},
    )


def test_the_referral_suggests_experiences_language_and_phone_calls(organisation):
    referral = waiting_referral(organisation)
    prefill = from_referral(referral=referral, experience_choices=CHOICES)
    assert prefill.initial == {
        "experiences": ["copd", "bereavement"],
        "languages": "Urdu",
        "modes": ["phone"],
    }
    assert prefill.fields == ["experiences", "languages", "modes"]


def test_the_record_fills_in_what_the_referral_left_blank(organisation):
    referral = waiting_referral(organisation, language="Polish", preferred_contact="email")
    referral.person_as_sent = {}
    referral.conditions = referral.lived_experience = ""
    prefill = from_referral(referral=referral, experience_choices=CHOICES)
    assert prefill.initial == {"languages": "Polish"}  # email says nothing about meeting
    assert prefill.fields == ["languages"]


def test_the_matching_page_shows_the_suggestions_marked_and_saving_confirms_them(
    client_as, organisation
):
    referral = waiting_referral(organisation)
    client = client_as(Role.COORDINATOR)
    url = reverse("matching:waiting_profile", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "Some answers are filled in from the referral: lived experience, languages" in page
    assert page.count("From the referral: check this") == 3
    assert 'value="Urdu"' in page
    assert 'value="copd" checked' in page and 'value="phone" checked' in page
    assert not WaitingProfile.objects.exists()  # nothing is kept until the coordinator saves

    response = client.post(
        url, {"experiences": ["copd"], "languages": "Urdu, English", "modes": ["phone", "visit"]}
    )
    assert response.status_code == 302
    profile = WaitingProfile.objects.get(referral=referral)
    assert (profile.experiences, profile.languages, profile.modes) == (
        ["copd"],
        ["Urdu", "English"],
        ["phone", "visit"],
    )


def test_a_saved_profile_is_never_refilled_from_the_referral(client_as, organisation):
    referral = waiting_referral(organisation)
    WaitingProfile.objects.create(
        organisation=organisation, referral=referral, languages=["English"], modes=["visit"]
    )
    page = (
        client_as(Role.COORDINATOR)
        .get(reverse("matching:waiting_profile", args=[referral.pk]))
        .content.decode()
    )
    assert "from the referral" not in page.casefold()
    assert 'value="English"' in page and 'value="Urdu"' not in page
    assert 'value="phone" checked' not in page and 'value="copd" checked' not in page
    profile = WaitingProfile.objects.get(referral=referral)
    assert (profile.languages, profile.modes, profile.experiences) == (["English"], ["visit"], [])
