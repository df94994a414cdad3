"""ServiceRequest.priority and authoredOn are kept as sent and read back as sent (ADR-096)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from fhir.resources.R4B.servicerequest import ServiceRequest

from kindred.fhir.tests.conftest import post
from kindred.fhir.tests.test_api import outcome
from kindred.notifications.models import Notification
from kindred.people.models import Person
from kindred.referrals.models import Referral

ARRIVED = dt.datetime(2026, 11, 27, 16, 45, tzinfo=dt.UTC)  # a Friday


@pytest.mark.parametrize("priority", ["urgent", "asap", "stat"])
def test_an_urgent_service_request_is_kept_urgent_and_read_back_as_sent(
    api, example, coordinator, priority
):
    example["priority"] = priority
    with time_machine.travel(ARRIVED, tick=False):
        created = post(api, example)
    assert created.status_code == 201, created.content
    referral = Referral.objects.get()
    assert referral.priority == priority and referral.is_urgent
    assert referral.first_contact_due == dt.date(2026, 11, 30)
    # Both times are kept: when it was written, as sent, and when it arrived.
    assert referral.authored_on == "2026-11-26T10:30:00+00:00"
    assert referral.received_at == ARRIVED
    read = api.get(created["Location"]).json()
    assert (read["priority"], read["authoredOn"]) == (priority, "2026-11-26T10:30:00+00:00")
    ServiceRequest.model_validate(read)
    [notice] = Notification.objects.filter(kind="referral.urgent")
    assert notice.recipient == coordinator.email and notice.target_id == str(referral.pk)


def test_a_routine_request_reads_back_routine_and_tells_nobody_at_once(api, example, coordinator):
    created = post(api, example)
    assert created.status_code == 201
    assert Referral.objects.get().priority == "routine"
    assert api.get(created["Location"]).json()["priority"] == "routine"
    assert not Notification.objects.filter(kind="referral.urgent").exists()


def test_authored_on_is_kept_exactly_as_sent_even_when_partial(api, example):
    example["authoredOn"] = "2026-11"
    created = post(api, example)
    assert created.status_code == 201
    assert Referral.objects.get().authored_on == "2026-11"
    assert api.get(created["Location"]).json()["authoredOn"] == "2026-11"


def test_without_authored_on_the_time_it_arrived_is_read_back(api, example):
    example.pop("authoredOn")
    example.pop("priority")
    with time_machine.travel(ARRIVED, tick=False):
        created = post(api, example)
    referral = Referral.objects.get()
    assert (referral.authored_on, referral.priority) == ("", "routine")
    read = api.get(created["Location"]).json()
    assert dt.datetime.fromisoformat(read["authoredOn"]) == ARRIVED


@pytest.mark.parametrize("priority", ["whenever", "URGENT", ""])
def test_an_unknown_priority_is_refused_naming_the_element(api, example, priority):
    example["priority"] = priority
    response = post(api, example)
    assert response.status_code in (400, 422)
    assert any(e == "ServiceRequest.priority" for _c, e, _d in outcome(response)), outcome(response)
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_an_unknown_priority_in_a_bundle_is_refused_naming_the_element(api, example):
    request = {k: v for k, v in example.items()} | {"priority": "whenever"}
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": request}]}
    response = post(api, bundle)
    assert response.status_code == 422
    issues = outcome(response)
    assert ("value", "Bundle.entry[0].resource.priority") in [(c, e) for c, e, _ in issues]
    assert not Referral.objects.exists()


def test_a_bundled_request_keeps_its_authored_on(api, example):
    request = dict(example) | {"authoredOn": "2026-11-26", "priority": "asap"}
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": request}]}
    assert post(api, bundle).status_code == 201
    referral = Referral.objects.get()
    assert (referral.authored_on, referral.priority) == ("2026-11-26", "asap")
