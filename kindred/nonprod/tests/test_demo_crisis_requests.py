"""Demo support requests: three past requests at Lambeth with their timelines, made through the
crisis services after the rota's demo; seeding again changes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from kindred.crisis.models.requests import SupportRequest
from kindred.crisis.tests.factories import crisis_supporter
from kindred.nonprod.constants import demo_email
from kindred.nonprod.demo_crisis_requests import seed_crisis_requests
from kindred.nonprod.demo_rota import seed_rota

NIGHT = dt.datetime(2026, 3, 11, 23, 30, tzinfo=ZoneInfo("Europe/London"))


def test_lambeth_has_three_past_requests_with_their_timelines(db):
    lambeth = OrganisationFactory(
        slug="lambeth-crisis-line", name="Solidarity in a Crisis, Lambeth"
    )
    coordinator = UserFactory(email=demo_email("crisis-coordinator"))
    MembershipFactory(user=coordinator, organisation=lambeth, role=Role.COORDINATOR)
    professional = UserFactory(email=demo_email("crisis-duty"))
    MembershipFactory(user=professional, organisation=lambeth, role=Role.DUTY_PROFESSIONAL)
    for _ in range(8):
        crisis_supporter(lambeth)
    with time_machine.travel(NIGHT, tick=False):
        seed_rota(log=lambda _: None)
        seed_crisis_requests(log=lambda _: None)
        seed_crisis_requests(log=lambda _: None)  # again: nothing more
    requests = list(SupportRequest.objects.filter(organisation=lambeth).order_by("received_at"))
    assert len(requests) == 3
    assert all(r.status == "closed" and r.received_at < NIGHT for r in requests)
    timelines = [[(e.kind, e.to) for e in r.events.all()] for r in requests]
    assert timelines[0][:2] == [("received", ""), ("offered", "supporters")]
    assert ("accepted", "") in timelines[0] and timelines[0][-1] == ("closed", "")
    assert ("offered", "professional") in timelines[1]
    assert ("acknowledged", "") in timelines[1]
    assert ("escalated", "professional") in timelines[2]
    assert requests[1].professional == professional
    assert requests[2].hard_call and requests[2].professional_help
    assert not [r for r in requests if r.concern_id], timelines
