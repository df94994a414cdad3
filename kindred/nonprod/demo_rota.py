"""Demo crisis line rota (issue 18): Solidarity in a Crisis in Lambeth has eight trained,
DBS-current crisis line peer supporters who can do any shift, a duty professional on call behind
every shift, shifts round the clock, and a rota covering every hour of the next 14 days from when
the demo is seeded. `make run`'s daily job keeps it covering (KINDRED_CRISIS_KEEP_COVERED in the
local settings), so a demo request always finds someone on call. Seeding twice changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation, User
from kindred.core.services import Acting
from kindred.crisis import rota_selectors, rota_services
from kindred.nonprod.constants import demo_email
from kindred.volunteers import selectors as volunteer_selectors

LAMBETH = "lambeth-crisis-line"
SUPPORTERS = 8
DAYS_AHEAD = 14
#: Round the clock: a day shift and a night shift every day.
ROUND_THE_CLOCK = [
    (day, start, end)
    for day in range(7)
    for start, end in ((dt.time(8), dt.time(18)), (dt.time(18), dt.time(8)))
]


@transaction.atomic
def seed_rota(*, log: Callable[[str], object] = print) -> None:
    lambeth = Organisation.objects.get(slug=LAMBETH)
    coordinator = User.objects.get(email=demo_email("crisis-coordinator"))
    professional = User.objects.get(email=demo_email("crisis-duty"))
    by = Acting(coordinator, lambeth, label="demo seed")
    current = rota_selectors.settings_of(organisation=lambeth)
    if current.pk is None or current.professional_id != professional.pk:
        rota_services.rota_settings_ensure(organisation=lambeth)
        rota_services.rota_settings_update(
            by=by, supporters_wanted=2, max_shifts_a_week=4, rest_hours_after_night=11,
            professional=professional,
        )  # fmt: skip
        rota_services.patterns_set(by=by, patterns=ROUND_THE_CLOCK)
    role = rota_services.crisis_role_of(lambeth)
    if role is None:
        log(f"{lambeth.name}: no crisis line role, so no rota")
        return
    horizon = timezone.localdate() + dt.timedelta(days=DAYS_AHEAD + 1)
    supporters = volunteer_selectors.eligible_volunteers(lambeth, role, on=horizon)[:SUPPORTERS]
    patterns = [p.pk for p in rota_selectors.patterns_of(organisation=lambeth)]
    for volunteer in supporters:
        if rota_selectors.volunteer_pattern_ids(volunteer=volunteer) != set(patterns):
            rota_services.availability_set(by=by, volunteer=volunteer, pattern_ids=patterns)
    filled = rota_services.rota_cover_ahead(by=by, days=DAYS_AHEAD)
    log(
        f"{lambeth.name}: {len(supporters)} crisis line supporters, {filled} shifts filled for "
        f"the next {DAYS_AHEAD} days"
    )
