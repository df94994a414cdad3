"""The demo data gives "Suggest matches" real proposals, and seeding twice changes nothing."""

import pytest
from django.core.management import call_command

from kindred.accounts.models import Organisation
from kindred.matching.models import SupporterProfile, WaitingProfile
from kindred.matching.suggest import suggest
from kindred.nonprod.demo_matching import seed_matching

pytestmark = pytest.mark.django_db


def test_demo_organisations_have_proposals_and_seeding_is_idempotent():
    call_command("seed", "demo", verbosity=0)
    counts = (WaitingProfile.objects.count(), SupporterProfile.objects.count())
    assert all(counts)
    seed_matching(log=lambda _: None)
    assert (WaitingProfile.objects.count(), SupporterProfile.objects.count()) == counts
    proposals = [
        proposal
        for organisation in Organisation.objects.all()
        for proposal in suggest(organisation=organisation).proposals
    ]
    assert proposals
    assert all(c.explanation for p in proposals for c in p.supporters)
