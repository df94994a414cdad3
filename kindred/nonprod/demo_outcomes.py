"""Demo outcomes (issue 19): for each organisation of the demo network, a year of questionnaires
(baselines 3 to 12 months ago, the latest follow-up answered, some declined or not reached),
healthcare use before and after, the published unit costs and a year of the service's own
costs, so that the current quarter's report has real figures, and some suppressed cells.

Deterministic (a seeded random source) and quick: everything goes through the outcomes
services. Running it again adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from kindred.accounts.models import Network, Organisation, Role
from kindred.core.services import Acting
from kindred.outcomes import services
from kindred.outcomes.models import CollectionStatus, CostKind, TimePoint
from kindred.referrals.models import OPEN_STATUSES, Status

#: At most this many people per organisation have questionnaires (keeps the seed quick).
PEOPLE_PER_ORGANISATION = 36
#: A year of the service's own costs, per quarter: staff, expenses, overheads.
QUARTERLY_COSTS = {CostKind.STAFF: 14_500, CostKind.EXPENSES: 900, CostKind.OVERHEADS: 2_400}


def _acting(organisation: Organisation) -> Acting:
    membership = (
        organisation.memberships.filter(role=Role.COORDINATOR).order_by("user__email").first()
    )
    if membership is None:
        return Acting.system("kindred seed demo", organisation=organisation)
    return Acting(membership.user, organisation)


def _answers(rng: random.Random, *, better: bool) -> dict[str, list[int]]:
    """Answers a little worse at baseline and a little better later; PHQ-9 item 9 always
    'Not at all' (the demo raises no safeguarding concern)."""
    low, high = (3, 5) if better else (1, 4)
    return {
        "swemwbs": [rng.randint(low, high) for _ in range(7)],
        "ucla3": [rng.randint(1, 2) if better else rng.randint(2, 3) for _ in range(3)],
        "ons_lonely": [rng.randint(3, 5) if better else rng.randint(1, 3)],
        "phq9": [rng.randint(0, 1) if better else rng.randint(0, 2) for _ in range(8)] + [0],
    }


def _use(rng: random.Random, *, better: bool) -> services.UseFigures:
    scale = 1 if better else 2
    admissions = rng.choice([0, 0, 0, 1]) if not better else rng.choice([0, 0, 0, 0, 1])
    return services.UseFigures(
        gp_appointments=rng.randint(0, 3 * scale),
        ae_attendances=rng.randint(0, scale),
        emergency_admissions=admissions,
        bed_days=admissions * rng.randint(1, 6),
        source=rng.choice(["self", "self", "referrer"]),
    )


def seed_outcomes(*, network_slug: str, log: Callable[[str], object] = print) -> None:
    network = Network.objects.filter(slug=network_slug).first()
    if network is None:
        return
    today = timezone.localdate()
    for organisation in network.organisations.filter(is_active=True).order_by("slug"):
        if organisation.outcome_collections.exists():
            continue  # seeded already
        rng = random.Random(f"outcomes/{organisation.slug}")
        by = _acting(organisation)
        services.unit_costs_seed(by=by)
        for quarters_ago in range(4):
            start = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1) - relativedelta(
                months=3 * quarters_ago
            )
            end = start + relativedelta(months=3) - dt.timedelta(days=1)
            for kind, amount in QUARTERLY_COSTS.items():
                services.service_cost_add(
                    by=by, kind=kind, starts_on=start, ends_on=end,
                    amount=amount * rng.uniform(0.9, 1.1), note=f"{kind.label}, {start:%B %Y}",
                )  # fmt: skip
        referrals = list(
            organisation.referrals.filter(status__in=[*OPEN_STATUSES, Status.CLOSED]).order_by(
                "received_at", "pk"
            )[:PEOPLE_PER_ORGANISATION]
        )
        answered = 0
        for referral in referrals:
            accepted_on = today - relativedelta(months=rng.randint(3, 12), days=rng.randint(0, 25))
            collections = {
                c.time_point: c
                for c in services.referral_schedule(referral=referral, accepted_on=accepted_on)
            }
            baseline = collections.get(TimePoint.BASELINE)
            if baseline is None:
                continue
            if rng.random() < 0.08:
                services.collection_close(
                    by=by, collection_id=baseline.pk, status=CollectionStatus.DECLINED
                )
                continue
            services.collection_complete(
                by=by, collection_id=baseline.pk, answers=_answers(rng, better=False),
                use=_use(rng, better=False),
            )  # fmt: skip
            due = [c for c in collections.values() if c.time_point != TimePoint.BASELINE
                   and c.due_on <= today]  # fmt: skip
            if not due:
                continue
            latest = max(due, key=lambda c: c.due_on)
            chance = rng.random()
            if chance < 0.1:
                services.collection_close(
                    by=by, collection_id=latest.pk, status=CollectionStatus.COULD_NOT_CONTACT
                )
            elif chance < 0.85:
                services.collection_complete(
                    by=by, collection_id=latest.pk, answers=_answers(rng, better=True),
                    use=_use(rng, better=True),
                )  # fmt: skip
                answered += 1
        log(
            f"{organisation.name}: questionnaires for {len(referrals)} people, "
            f"{answered} follow-ups answered, unit and service costs"
        )
