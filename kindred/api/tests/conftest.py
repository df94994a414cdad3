import json

import pytest
from django.test import Client

from kindred.accounts.services import api_token_create
from kindred.core.services import Acting

URL = "/api/v1/support-requests"


@pytest.fixture
def make_client():
    """A client with a new token of `organisation` holding `scopes` (every scope if None)."""

    def make(organisation, scopes=None, **options):
        _record, raw = api_token_create(
            by=Acting.system("test", organisation=organisation),
            name="Lambeth SMS gateway",
            scopes=scopes,
            **options,
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def api(make_client, organisation):
    return make_client(organisation)


@pytest.fixture
def their_api(make_client, other_organisation):
    return make_client(other_organisation)


def send(client, data, **extra):
    body = data if isinstance(data, bytes | str) else json.dumps(data)
    return client.post(URL, data=body, content_type="application/json", **extra)


def problem(response, status):
    """The response is an RFC 9457 problem body with this status; returns it."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["code"]
    return body
