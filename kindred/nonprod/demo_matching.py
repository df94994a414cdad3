"""Demo matching profiles: for the people waiting and the active volunteers of each demo
organisation, so that "Suggest matches" shows real proposals. At MAEcare some people need a
pair of supporters (as at Solidarity in a Crisis, whose demo volunteers are on the crisis line
rather than befriending); two of the three organisations agree to match across the
network (Lambeth's admin has not decided), so the network admin has something to match.
Idempotent: existing profiles and choices are left alone."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.matching.experiences import CURATED
from kindred.matching.models import FREE_TIMES, NetworkSharing, SupporterProfile, WaitingProfile
from kindred.referrals.models import Status
from kindred.volunteers.models import Stage

#: Demo organisations that agree to match across the network.
SHARING = ("stockport-wellbeing", "leeds-maecare")
#: Where every third person waiting (the longest waiting first) needs a pair of supporters.
PAIRS_AT = ("leeds-maecare",)
INTERESTS = ("gardening", "football", "knitting", "cooking", "walking", "music", "reading", "chess")
EXPERIENCES = [c.key for c in CURATED]


def seed_matching(*, log: Callable[[str], object] = print) -> None:
    for organisation in Organisation.objects.order_by("slug"):
        rng = random.Random(f"matching/{organisation.slug}")
        places = list(
            organisation.people.filter(easting__isnull=False).values_list("easting", "northing")[
                :200
            ]
        )
        added = 0
        waiting = organisation.referrals.filter(status=Status.WAITING).order_by("received_at")
        for index, referral in enumerate(waiting):
            _, created = WaitingProfile.objects.get_or_create(
                referral=referral,
                defaults={
                    "organisation": organisation,
                    "experiences": rng.sample(EXPERIENCES[:8], 1),
                    "interests": rng.sample(INTERESTS, 2),
                    "languages": ["English"],
                    "modes": rng.choice([["visit", "phone"], ["phone", "video"], ["meet_out"]]),
                    "free_times": rng.sample([key for key, _ in FREE_TIMES], 4),
                    "supporters_needed": (
                        2 if organisation.slug in PAIRS_AT and index % 3 == 0 else 1
                    ),
                },
            )
            added += created
        volunteers = organisation.volunteers.filter(stage=Stage.ACTIVE).order_by("created_at")
        for volunteer in volunteers:
            easting, northing = rng.choice(places) if places else (None, None)
            _, created = SupporterProfile.objects.get_or_create(
                volunteer=volunteer,
                defaults={
                    "organisation": organisation,
                    "experiences": rng.sample(EXPERIENCES[:8], 2),
                    "interests": rng.sample(INTERESTS, 3),
                    "languages": ["English"],
                    "modes": ["visit", "meet_out", "phone", "video"],
                    "max_travel_km": 10,
                    "capacity": 2,
                    "easting": easting,
                    "northing": northing,
                },
            )
            added += created
        if organisation.slug in SHARING and organisation.network_id is not None:
            NetworkSharing.objects.get_or_create(
                organisation=organisation,
                defaults={"shares": True, "changed_at": timezone.now()},
            )
        log(f"{organisation.name}: {added} matching profiles added")
