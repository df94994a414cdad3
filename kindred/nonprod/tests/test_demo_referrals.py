"""Demo referrals: every state, idempotent, and the printed token accepts the example file."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.test import Client

from kindred.fhir.tests.conftest import EXAMPLE
from kindred.nonprod.demo_referrals import DEMO_API_TOKEN
from kindred.people.models import Person
from kindred.referrals.models import GpConcern, Referral


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
    overdue = Referral.objects.filter(status="received", first_contact_due__lt=dt.date.today())
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
