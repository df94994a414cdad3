"""The demo network's front door (ADR-092): where each demo organisation is based and the
support it offers, and one self-referral waiting in the network's inbox for the demo network
admin to send on. Running it again changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Network
from kindred.accounts.reach import operator
from kindred.core.services import Acting
from kindred.people.services import PersonDetails
from kindred.referrals.models import Channel, Source, Wants
from kindred.referrals.network import network_referral_receive, organisation_place_locate
from kindred.referrals.services import ReferralDetails

#: slug -> (base postcode, kinds of support offered). Real postcodes from the ONS data.
PLACES = {
    "stockport-wellbeing": ("SK1 3XE", [Wants.GROUP, Wants.ONE_TO_ONE]),
    "lambeth-crisis-line": ("SW9 8LF", [Wants.CRISIS, Wants.ONE_TO_ONE]),
    "leeds-maecare": ("LS7 3JB", [Wants.BEFRIENDING, Wants.GROUP]),
}


@transaction.atomic
def seed_network(*, network_slug: str, log: Callable[[str], object] = print) -> None:
    by = operator("kindred seed demo")
    network = Network.objects.get(slug=network_slug)
    for organisation in network.organisations.all():
        place = PLACES.get(organisation.slug)
        if place is not None:
            organisation_place_locate(
                by=by,
                organisation=organisation,
                postcode=place[0],
                support_offered=[str(kind) for kind in place[1]],
            )
    if network.network_referrals.exists():
        return
    network_referral_receive(
        by=Acting(user=None, organisation=None, label="network self-referral form (demo)"),
        network=network,
        person=PersonDetails(
            given_name="Doreen",
            family_name="Atkinson",
            date_of_birth=dt.date(1947, 5, 14),
            postcode="LS8 1AA",
            phone="07700 900555",  # Ofcom's range for drama and demos
            preferred_contact="phone",
            consents={"contact": True, "evaluation": True},
        ),
        details=ReferralDetails(
            source=Source.SELF,
            reason="Since my husband died I hardly see anyone. I would like someone to visit.",
            wants=Wants.BEFRIENDING,
        ),
        channel=Channel.SELF_REFERRAL,
        # Demo only: as if it arrived two days ago
        received_at=timezone.now() - dt.timedelta(days=2),
    )
    log(f"{network.name}: 1 referral waiting at the network's front door")
