"""The demo data gives "Suggest matches" real proposals, and seeding twice changes nothing."""

import pytest
from django.core.management import call_command

from kindred.accounts.models import Organisation
from kindred.matching.models import SupporterProfile, WaitingProfile
from kindred.matching.suggest import suggest, suggest_network
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
    # Some people need a pair of supporters, and get pair proposals.
    assert any(p.is_pair for p in proposals)
    # Two demo organisations share for matching: the network admin's suggestions span both.
    leeds = Organisation.objects.get(slug="leeds-maecare")
    network = suggest_network(organisation=leeds)
    assert {o.slug for o in network.organisations} == {"leeds-maecare", "stockport-wellbeing"}
    assert network.proposals
