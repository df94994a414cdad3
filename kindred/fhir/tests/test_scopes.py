"""The FHIR API needs a token holding referrals:write (ADR-119): a token made only for the crisis
line's JSON API is refused with a 403 OperationOutcome on every endpoint, and reads nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kindred.accounts.services import api_token_create
from kindred.core.services import Acting
from kindred.fhir.tests.access import TOKEN_PROTECTED, url_kwargs
from kindred.fhir.tests.conftest import post
from kindred.fhir.tests.test_api import outcome
from kindred.referrals.models import Referral


def client_with(organisation, **options):
    _record, raw = api_token_create(
        by=Acting.system("test", organisation=organisation), name="Some system", **options
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_without_referrals_write_cannot_send_a_referral(organisation, example):
    gateway = client_with(organisation, scopes=["support-requests:write", "support-requests:read"])
    response = post(gateway, example)
    assert response.status_code == 403
    assert outcome(response) == [
        ("forbidden", "", "This token may not send or read referrals (needs referrals:write)")
    ]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("name", TOKEN_PROTECTED)
def test_every_fhir_endpoint_refuses_a_token_without_referrals_write(organisation, name):
    gateway = client_with(organisation, scopes=["support-requests:read"])
    kwargs = (
        {"resource_id": url_kwargs(organisation)["resource_id"]}
        if name == "fhir:service_request"
        else {}
    )
    method = "post" if name == "fhir:service_requests" else "get"
    query = {"based-on": "ServiceRequest/x"} if name == "fhir:tasks" else {}
    if name == "fhir:communications":
        query = {"recipient": "P88015"}
    response = getattr(gateway, method)(reverse(name, kwargs=kwargs), query)
    assert response.status_code == 403
    assert outcome(response)[0][0] == "forbidden"


def test_an_organisation_token_with_every_scope_and_a_practice_token_send_referrals(
    organisation, example, fresh
):
    assert post(client_with(organisation), example).status_code == 201
    practice = client_with(organisation, practice_ods="P88015")
    second = fresh(identifier=[{"system": "https://example.org/emis", "value": "another-one"}])
    assert post(practice, second).status_code == 201
