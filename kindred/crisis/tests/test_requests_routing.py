"""Routing and escalation of support requests with a frozen clock (time-machine): offered to
every supporter on call at once, then the backup step, then the professional on call, one step
every KINDRED_CRISIS_OFFER_SECONDS, each recorded once with its time however often the timer or
the sweep runs; a professional who does not acknowledge in time raises a concern; nobody on call
at all goes straight on; the first to accept takes it."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from kindred.core.services import Acting
from kindred.crisis import requests_services as services
from kindred.crisis import selectors
from kindred.crisis.models.requests import RequestEvent, Status, Step, SupportRequest
from kindred.crisis.tests import requests_setup
from kindred.notifications.models import Notification
from kindred.safeguarding.models import Concern

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Wednesday evening in London.
AT = dt.datetime(2026, 3, 11, 21, 0, tzinfo=LONDON)
STEP = dt.timedelta(seconds=300)


def _timeline(request):
    return [
        (e.kind, e.to, e.at, e.people)
        for e in RequestEvent.objects.filter(request=request).order_by("at", "created_at")
        if e.kind in ("received", "offered", "concern_raised", "accepted", "acknowledged")
    ]


def _receive(organisation, **kwargs):
    with time_machine.travel(AT, tick=False):
        return services.support_request_receive(
            organisation,
            name=kwargs.pop("name", "Sam"),
            phone=kwargs.pop("phone", "07911 123 456"),
            channel=kwargs.pop("channel", "sms"),
            **kwargs,
        )


@pytest.fixture
def team(organisation, coordinator):
    return requests_setup.on_call(organisation, AT, supporters=3)


def test_a_request_is_offered_to_every_supporter_on_call_at_once(organisation, team):
    request = _receive(organisation, message="I can't sleep and it's all too much")
    assert request.status == Status.WAITING and request.step == Step.SUPPORTERS
    assert request.next_step_at == AT + STEP
    assert _timeline(request) == [("received", "", AT, 0), ("offered", "supporters", AT, 3)]
    sent = Notification.objects.filter(kind="crisis.request")
    assert sorted(sent.values_list("channel", "recipient")) == sorted(
        [("sms", f"+4479111231{n:02d}") for n in (1, 2, 3)]
        + [("email", f"supporter{n}@example.com") for n in (1, 2, 3)]
    )
    # Messages say nothing of who asked or what they said.
    assert not [n for n in sent if "Sam" in n.body or "sleep" in n.body]


def test_the_ladder_climbs_one_step_at_a_time_and_each_is_taken_once(
    organisation, team, coordinator
):
    request = _receive(organisation)
    assert (
        services.support_request_advance(
            request_id=request.pk, now=AT + STEP - dt.timedelta(seconds=1)
        )
        == AT + STEP
    )
    with time_machine.travel(AT + STEP, tick=False):
        assert services.support_request_advance(request_id=request.pk) == AT + 2 * STEP
        assert (
            services.support_request_advance(request_id=request.pk) == AT + 2 * STEP
        )  # again: nothing
    with time_machine.travel(AT + 2 * STEP, tick=False):
        services.advance_due()
        services.advance_due()
    request.refresh_from_db()
    assert request.step == Step.PROFESSIONAL and request.professional == team.professional
    assert request.acknowledge_by == AT + 3 * STEP
    with time_machine.travel(AT + 3 * STEP, tick=False):
        assert services.support_request_advance(request_id=request.pk) is None
        assert services.support_request_advance(request_id=request.pk) is None
    assert _timeline(request) == [
        ("received", "", AT, 0),
        ("offered", "supporters", AT, 3),
        ("offered", "backup", AT + STEP, 1),
        ("offered", "professional", AT + 2 * STEP, 1),
        ("concern_raised", "", AT + 3 * STEP, 1),
    ]
    concern_id = SupportRequest.objects.get(pk=request.pk).concern_id
    assert concern_id is not None
    concern = Concern.objects.get(pk=concern_id)
    assert (concern.level, concern.source, concern.organisation) == (
        "high",
        "crisis_call",
        organisation,
    )
    to_professional = Notification.objects.filter(
        recipient=team.professional.email, kind="crisis.request"
    )
    assert to_professional.count() == 1
    assert "professional on call" in to_professional.get().body


def test_a_late_sweep_takes_every_step_due_at_once_each_recorded_once(
    organisation, team, coordinator
):
    request = _receive(organisation)
    late = AT + dt.timedelta(hours=1)
    with time_machine.travel(late, tick=False):
        assert services.advance_due() == 1
    with time_machine.travel(late + dt.timedelta(minutes=1), tick=False):
        # The professional's acknowledgement target (counted from when it reached them).
        assert services.advance_due() == 0
    kinds = [(k, to) for k, to, _at, _n in _timeline(request)]
    assert kinds == [
        ("received", ""),
        ("offered", "supporters"),
        ("offered", "backup"),
        ("offered", "professional"),
    ]
    with time_machine.travel(late + STEP, tick=False):
        assert services.advance_due() == 1
        assert services.advance_due() == 0
    assert Concern.objects.count() == 1


def test_nobody_on_call_at_all_goes_straight_to_a_concern_and_is_never_lost(organisation):
    request = _receive(organisation)  # no shift, no coordinator, no professional
    assert _timeline(request) == [
        ("received", "", AT, 0),
        ("offered", "supporters", AT, 0),
        ("offered", "backup", AT, 0),
        ("offered", "professional", AT, 0),
        ("concern_raised", "", AT, 0),
    ]
    request.refresh_from_db()
    assert request.status == Status.WAITING and request.concern_id is not None
    assert request.step == Step.CONCERN


def test_no_supporters_on_call_goes_straight_to_the_backup(organisation, coordinator):
    requests_setup.on_call(organisation, AT, supporters=0)
    request = _receive(organisation)
    assert _timeline(request)[1:] == [
        ("offered", "supporters", AT, 0),
        ("offered", "backup", AT, 1),
    ]
    assert Notification.objects.filter(recipient=coordinator.email, kind="crisis.request").exists()


def test_the_first_to_accept_takes_it_and_the_others_are_told(organisation, team):
    request = _receive(organisation)
    first, second, third = team.users
    with time_machine.travel(AT + dt.timedelta(minutes=2), tick=False):
        services.support_request_accept(by=Acting(first, organisation), request_id=request.pk)
        with pytest.raises(services.AlreadyTaken, match="Supporter 1 has already taken"):
            services.support_request_accept(by=Acting(second, organisation), request_id=request.pk)
    request.refresh_from_db()
    assert (request.status, request.accepted_by, request.next_step_at) == (
        Status.ACCEPTED,
        first,
        None,
    )
    taken = Notification.objects.filter(subject="A support request has been taken")
    assert sorted(taken.values_list("recipient", flat=True)) == sorted(
        ["+447911123102", "+447911123103", second.email, third.email]
    )
    # The ladder stops: nothing more is offered, and no concern.
    with time_machine.travel(AT + dt.timedelta(hours=2), tick=False):
        assert services.advance_due() == 0
        assert services.support_request_advance(request_id=request.pk) is None
    assert [e.kind for e in request.events.all()].count("offered") == 1


def test_only_someone_it_was_offered_to_may_accept(organisation, team, make_user):
    from kindred.accounts.models import Role

    stranger = make_user(Role.VOLUNTEER, organisation=organisation)
    request = _receive(organisation)
    with pytest.raises(services.RequestError, match="not offered to you"):
        services.support_request_accept(by=Acting(stranger, organisation), request_id=request.pk)


def test_the_professional_acknowledging_stops_the_concern(organisation, team, coordinator):
    request = _receive(organisation)
    with time_machine.travel(AT + 2 * STEP, tick=False):
        services.advance_due()
    with time_machine.travel(AT + 2 * STEP + dt.timedelta(minutes=1), tick=False):
        services.support_request_acknowledge(
            by=Acting(team.professional, organisation), request_id=request.pk
        )
    with time_machine.travel(AT + 10 * STEP, tick=False):
        assert services.advance_due() == 0
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and request.accepted_by == team.professional
    assert request.concern_id is None
    assert Notification.objects.filter(subject="A support request has been taken").exists()


def test_escalating_tells_the_professional_who_must_acknowledge_in_time(organisation, team):
    request = _receive(organisation)
    supporter = team.users[0]
    by = Acting(supporter, organisation)
    with time_machine.travel(AT + dt.timedelta(minutes=1), tick=False):
        services.support_request_accept(by=by, request_id=request.pk)
        services.support_request_escalate(
            by=by, request_id=request.pk, note="Talking about tonight"
        )
    request.refresh_from_db()
    assert request.professional == team.professional
    assert request.acknowledge_by == AT + dt.timedelta(minutes=1) + STEP
    assert Notification.objects.filter(
        recipient=team.professional.email, subject="A crisis line supporter needs you now"
    ).exists()
    with time_machine.travel(AT + dt.timedelta(minutes=1) + STEP, tick=False):
        assert services.advance_due() == 1
        assert services.advance_due() == 0
    request.refresh_from_db()
    assert request.concern_id is not None and request.status == Status.ACCEPTED


def test_escalating_with_no_professional_on_call_raises_a_concern_at_once(organisation):
    team = requests_setup.on_call(organisation, AT, supporters=1, professional=False)
    request = _receive(organisation)
    by = Acting(team.users[0], organisation)
    with time_machine.travel(AT, tick=False):
        services.support_request_accept(by=by, request_id=request.pk)
        services.support_request_escalate(by=by, request_id=request.pk)
    request.refresh_from_db()
    assert request.concern_id is not None


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"phone": "", "email": ""}, services.NoWayToReach, "phone number or an email"),
        ({"phone": "not a number"}, services.RequestError, "Enter a phone number"),
        ({"phone": "", "email": "nobody@"}, services.RequestError, "Enter an email address"),
        ({"channel": "pigeon"}, services.RequestError, "sms, call, web"),
        ({"name": "   "}, services.RequestError, "Enter a name"),
        ({"name": "x" * 201}, services.RequestError, "200 characters"),
        ({"message": "x" * 5001}, services.RequestError, "5000 characters"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(organisation, fields, error, message):
    arguments = {"name": "Sam", "phone": "07911 123 456", "channel": "web", **fields}
    with pytest.raises(error, match=message):
        services.support_request_receive(organisation, **arguments)
    assert not SupportRequest.objects.exists()


def test_an_email_alone_will_do(organisation):
    request = _receive(organisation, phone="", email="sam@example.com", channel="web")
    assert request.email == "sam@example.com" and request.phone == ""


def test_support_request_for_reads_the_timeline_and_only_within_the_organisation(
    organisation, other_organisation, team
):
    request = _receive(organisation)
    found = selectors.support_request_for(organisation, request.pk)
    events = list(found.events.all())
    assert [(e.kind, e.to, e.people) for e in events] == [
        ("received", "", 0),
        ("offered", "supporters", 3),
    ]
    assert all(e.at.tzinfo is not None for e in events)
    with pytest.raises(SupportRequest.DoesNotExist):
        selectors.support_request_for(other_organisation, request.pk)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_the_timer_is_queued_for_the_next_step_on_a_backend_that_can_defer(
    organisation, team, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    backend = cast(Any, default_task_backend)
    backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = _receive(organisation)
    queued = [r for r in backend.results if r.task.name == "advance"]
    assert [(r.args, r.task.run_after) for r in queued] == [([str(request.pk)], AT + STEP)]


def test_the_immediate_backend_cannot_defer_so_the_sweep_carries_the_timer():
    from kindred.crisis import requests_tasks

    assert not requests_tasks.can_defer()
    assert requests_tasks.schedule_sweep() is False


def test_a_request_and_its_timeline_are_kept(organisation, team):
    from kindred.crisis.models.requests import RequestIsKept, RequestRecordIsAppendOnly

    request = _receive(organisation)
    with pytest.raises(RequestIsKept):
        request.delete()
    with pytest.raises(RequestIsKept):
        SupportRequest.objects.filter(pk=request.pk).delete()
    event = request.events.first()
    event.text = "changed"
    with pytest.raises(RequestRecordIsAppendOnly):
        event.save()
