"""Demo crisis line rota: Lambeth's eight supporters cover every hour of the next 14 days, with a
duty professional behind every shift; seeding again changes nothing; the daily job keeps it
covering as the days pass."""

import datetime as dt

import time_machine
from django.test import override_settings
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from kindred.crisis import rota_tasks
from kindred.crisis.models.rota import ShiftAssignment
from kindred.crisis.selectors import on_call
from kindred.crisis.tests.factories import crisis_supporter
from kindred.nonprod.constants import demo_email
from kindred.nonprod.demo_rota import seed_rota


def _every_hour_covered(organisation, professional, days=14):
    now = timezone.now()
    for hour in range(days * 24):
        found = on_call(organisation, now + dt.timedelta(hours=hour))
        assert found.supporters, now + dt.timedelta(hours=hour)
        assert found.professional == professional


def test_lambeth_is_covered_every_hour_for_a_fortnight(db):
    lambeth = OrganisationFactory(
        slug="lambeth-crisis-line", name="Solidarity in a Crisis, Lambeth"
    )
    coordinator = UserFactory(email=demo_email("crisis-coordinator"))
    MembershipFactory(user=coordinator, organisation=lambeth, role=Role.COORDINATOR)
    professional = UserFactory(email=demo_email("crisis-duty"))
    MembershipFactory(user=professional, organisation=lambeth, role=Role.DUTY_PROFESSIONAL)
    supporters = [crisis_supporter(lambeth) for _ in range(10)]
    seed_rota(log=lambda _: None)

    placed = set(ShiftAssignment.objects.values_list("volunteer", flat=True))
    assert len(placed) <= 8 and placed <= {s.pk for s in supporters}
    _every_hour_covered(lambeth, professional)
    before = ShiftAssignment.objects.count()
    seed_rota(log=lambda _: None)
    assert ShiftAssignment.objects.count() == before

    # A week later the daily job has filled the new days ahead.
    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=7), tick=False),
        override_settings(KINDRED_CRISIS_KEEP_COVERED={lambeth.slug: 14}),
    ):
        rota_tasks.rota_keep_covered()
        _every_hour_covered(lambeth, professional)
