"""POST and GET /api/v1/support-requests: a gateway sends what it received and follows what
happened to it; the answer holds only what it sent; another organisation's token finds nothing;
no way to reach the person is a 400 problem and nothing is kept."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from kindred.api.tests.conftest import URL, problem, send
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.crisis import services as crisis_services
from kindred.crisis.models.requests import SupportRequest
from kindred.crisis.tests import requests_setup

SENT = {
    "name": "Sam",
    "phone": "07911 123 456",
    "message": "I can't sleep and it's all too much",
    "channel": "sms",
}


@pytest.fixture
def now():
    at = timezone.now().replace(microsecond=0)
    with time_machine.travel(at, tick=False):
        yield at


@pytest.fixture
def team(organisation, coordinator, now):
    return requests_setup.on_call(organisation, now, supporters=3)


def test_a_gateway_sends_a_request_and_gets_its_id(api, organisation, team, now):
    response = send(api, SENT)
    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    request = SupportRequest.objects.get(pk=uuid.UUID(body["id"]))
    assert request.organisation == organisation and request.channel == "sms"
    assert body == {**SENT, "email": "", "id": str(request.pk), "status": "waiting"}
    assert response["Location"] == f"http://testserver{URL}/{request.pk}"
    entry = AuditEvent.objects.get(action="support_request.received")
    assert entry.actor_label == "API token: Lambeth SMS gateway"


def test_the_answer_is_only_what_was_sent_never_what_kindred_holds(api, organisation, team):
    """Kindred tidies the number it keeps; the sender is answered with its own words."""
    response = send(api, {"name": "  Sam  ", "email": "sam@example.com", "channel": "web"})
    body = response.json()
    assert body["name"] == "  Sam  " and body["phone"] == "" and body["message"] == ""
    stored = SupportRequest.objects.get(pk=body["id"])
    assert stored.name == "Sam"
    assert set(body) == {"id", "status", "name", "phone", "email", "message", "channel"}


def test_the_request_is_followed_with_its_timeline(api, team, now):
    created = send(api, SENT).json()
    response = api.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == created["id"] and body["status"] == "waiting"
    assert [(e["kind"], e["to"], e["people"]) for e in body["events"]] == [
        ("received", None, 0),
        ("offered", "supporters", 3),
    ]
    assert all(dt.datetime.fromisoformat(e["at"]) == now for e in body["events"])
    # The timeline says nothing of who asked or what they said.
    assert "Sam" not in response.content.decode() and "sleep" not in response.content.decode()


def test_an_accepted_and_closed_request_shows_each_step(api, organisation, team, now):
    created = send(api, SENT).json()
    taker = Acting(user=team.users[0], organisation=organisation)
    crisis_services.support_request_accept(by=taker, request_id=uuid.UUID(created["id"]))
    crisis_services.support_request_close(
        by=taker, request_id=uuid.UUID(created["id"]), outcome="Talked", professional_help=False
    )
    body = api.get(f"{URL}/{created['id']}").json()
    assert body["status"] == "closed"
    kinds = [e["kind"] for e in body["events"]]
    assert kinds[:2] == ["received", "offered"] and "accepted" in kinds and kinds[-1] == "closed"


def test_another_organisations_token_gets_404_for_our_request(api, their_api, team):
    created = send(api, SENT).json()
    response = their_api.get(f"{URL}/{created['id']}")
    body = problem(response, 404)
    assert body["code"] == "not-found"
    assert problem(api.get(f"{URL}/{uuid.uuid4()}"), 404) == body  # the same as no such id


def test_no_way_to_reach_the_person_is_a_400_problem_and_nothing_is_kept(api, team):
    response = send(api, {"name": "Sam", "message": "Help", "channel": "call"})
    body = problem(response, 400)
    assert body["code"] == "no-way-to-reach"
    assert "phone number or an email address" in body["detail"]
    assert body["errors"] == [{"field": "body.phone", "detail": body["detail"]}]
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "not a phone"}, "body.phone"),
        ({"email": "nope@", "phone": ""}, "body.email"),
        ({"name": "   "}, "body.name"),
    ],
)
def test_values_the_service_refuses_are_400_problems(api, team, changes, field):
    body = problem(send(api, {**SENT, **changes}), 400)
    assert body["code"] == "invalid"
    assert [error["field"] for error in body["errors"]] == [field]
    assert not SupportRequest.objects.exists()


def test_reading_a_request_costs_the_same_however_long_its_timeline(
    api, organisation, team, django_assert_max_num_queries
):
    created = send(api, SENT).json()
    with django_assert_max_num_queries(8) as few:
        api.get(f"{URL}/{created['id']}")
    taker = Acting(user=team.users[0], organisation=organisation)
    crisis_services.support_request_accept(by=taker, request_id=uuid.UUID(created["id"]))
    crisis_services.support_request_close(
        by=taker, request_id=uuid.UUID(created["id"]), outcome="Talked", professional_help=False
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get(f"{URL}/{created['id']}").json()
    assert len(body["events"]) > 2
