import copy
import json
from pathlib import Path

import pytest
from django.test import Client

from kindred.accounts.services import api_token_create
from kindred.core.services import Acting

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "service-request.json"


@pytest.fixture
def example():
    return json.loads(EXAMPLE.read_text())


@pytest.fixture
def fresh(example):
    def make(**changes):
        data = copy.deepcopy(example)
        data.update(changes)
        return data

    return make


@pytest.fixture
def token(organisation):
    _record, raw = api_token_create(
        by=Acting.system("test", organisation=organisation),
        name="Brinnington EMIS",
        practice_ods="P88015",
    )
    return raw


@pytest.fixture
def api(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def their_api(other_organisation):
    _record, raw = api_token_create(
        by=Acting.system("test", organisation=other_organisation),
        name="Theirs",
        practice_ods="P88015",
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, data, **extra):
    body = data if isinstance(data, bytes | str) else json.dumps(data)
    return client.post(
        "/fhir/ServiceRequest", data=body, content_type="application/fhir+json", **extra
    )
