"""Demo referrals: every state, idempotent, and the printed token accepts the example file."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Organisation, User
from kindred.fhir.tests.conftest import EXAMPLE
from kindred.nonprod.demo_referrals import DEMO_API_TOKEN
from kindred.people.models import Person
from kindred.referrals.models import GpConcern, NetworkReferral, Referral


def test_demo_referrals_cover_every_state_and_seeding_again_changes_nothing(db, capsys):
    call_command("seed", "demo", verbosity=0)
    counts = (Referral.objects.count(), Person.objects.count(), GpConcern.objects.count())
    call_command("seed", "demo", verbosity=0)
    assert (Referral.objects.count(), Person.objects.count(), GpConcern.objects.count()) == counts
    assert Person.objects.count() == 300  # referrals link to the demo people
    assert set(Referral.objects.values_list("status", flat=True)) == {
        "received",
        "accepted",
        "declined",
        "waiting",
        "started",
        "closed",
    }
    overdue = Referral.objects.filter(status="received", first_contact_due__lt=timezone.localdate())
    assert overdue.exists()
    assert Referral.objects.filter(referrer_user__email__startswith="referrer@").exists()

    call_command("demo_sign_ins")
    printed = capsys.readouterr().out
    assert DEMO_API_TOKEN in printed


def test_the_demo_token_accepts_the_example_service_request(db):
    call_command("seed", "demo", verbosity=0)
    before = Person.objects.count()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {DEMO_API_TOKEN}")
    response = api.post(
        "/fhir/ServiceRequest", EXAMPLE.read_bytes(), content_type="application/fhir+json"
    )
    assert response.status_code == 201
    referral = Referral.objects.get(external_id="REF-2026-000123")
    assert referral.organisation.slug == "stockport-wellbeing"
    assert Person.objects.count() == before + 1
    found = api.get("/fhir/Communication", {"recipient": "P88015"}).json()
    assert found["total"] == 1


def test_the_demo_network_has_places_and_a_referral_waiting_at_its_front_door(db, sign_in):
    call_command("seed", "demo", verbosity=0)
    call_command("seed", "demo", verbosity=0)
    placed = {o.slug: (o.base_postcode, o.support_offered) for o in Organisation.objects.all()}
    assert placed["leeds-maecare"] == ("LS7 3JB", ["group", "befriending"])
    assert all(o.base_easting for o in Organisation.objects.all())
    waiting = NetworkReferral.objects.get()  # seeding twice adds no second one
    assert (waiting.status, waiting.wants, waiting.network.slug) == (
        "received",
        "befriending",
        "people-helping-people",
    )
    admin = User.objects.get(email__startswith="network@")
    leeds = Organisation.objects.get(slug="leeds-maecare")
    page = sign_in(admin, leeds).get(reverse("referrals:network_inbox")).content.decode()
    assert "Doreen Atkinson" in page
