"""Demo matching profiles: for the people waiting and the active volunteers of each demo
organisation, so that "Suggest matches" shows real proposals. At MAEcare some people need a
pair of supporters (as at Solidarity in a Crisis, whose demo volunteers are on the crisis line
rather than befriending); two of the three organisations agree to match across the
network (Lambeth's admin has not decided), so the network admin has something to match.
Idempotent: existing profiles and choices are left alone. Profiles of people waiting and the
network choice are saved through matching's services; supporters' profiles are written directly
(their place comes from the demo people's, and no service takes a place yet)."""

from __future__ import annotations

import random
from collections.abc import Callable

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.matching import selectors, services
from kindred.matching.experiences import CURATED
from kindred.matching.models import FREE_TIMES
from kindred.matching.services import SupporterDetails, WaitingDetails
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
        by = Acting.system("demo data", organisation=organisation)
        rng = random.Random(f"matching/{organisation.slug}")
        places = list(
            organisation.people.filter(easting__isnull=False).values_list("easting", "northing")[
                :200
            ]
        )
        added = 0
        waiting = organisation.referrals.filter(status=Status.WAITING).order_by("received_at")
        for index, referral in enumerate(waiting):
            details = WaitingDetails(
                experiences=rng.sample(EXPERIENCES[:8], 1),
                interests=rng.sample(INTERESTS, 2),
                languages=["English"],
                modes=rng.choice([["visit", "phone"], ["phone", "video"], ["meet_out"]]),
                free_times=rng.sample([key for key, _ in FREE_TIMES], 4),
                supporters_needed=2 if organisation.slug in PAIRS_AT and index % 3 == 0 else 1,
            )  # drawn whether or not it is saved, so that each run draws the same
            if selectors.waiting_profile_of(referral=referral) is None:
                services.waiting_profile_save(by=by, referral=referral, details=details)
                added += 1
        volunteers = organisation.volunteers.filter(stage=Stage.ACTIVE).order_by("created_at")
        for volunteer in volunteers:
            easting, northing = rng.choice(places) if places else (None, None)
            offered = SupporterDetails(
                experiences=rng.sample(EXPERIENCES[:8], 2),
                interests=rng.sample(INTERESTS, 3),
                languages=["English"],
                modes=["visit", "meet_out", "phone", "video"],
                max_travel_km=10,
                capacity=2,
            )  # drawn whether or not it is saved, so that each run draws the same
            if selectors.supporter_profile_of(volunteer=volunteer) is None:
                place = (
                    (easting, northing) if easting is not None and northing is not None else None
                )
                services.supporter_profile_save(
                    by=by, volunteer=volunteer, details=offered, place=place
                )
                added += 1
        if (
            organisation.slug in SHARING
            and organisation.network_id is not None
            and selectors.shares_with_network(organisation=organisation) is None
        ):
            services.sharing_save(by=by, shares=True)
        log(f"{organisation.name}: {added} matching profiles added")
