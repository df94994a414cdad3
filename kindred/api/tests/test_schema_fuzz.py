"""The JSON API's OpenAPI schema, fuzzed by schemathesis in-process against Django's WSGI
application (no network): for each operation a bounded number of generated requests, with a
token holding every scope. No answer is a server error, and each conforms to the schema: a
documented status, its content type (problem JSON for refusals) and its body."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kindred.accounts.services import api_token_create
from kindred.core.services import Acting

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """Schemathesis calls the WSGI application directly, so each request's start and end
    signals would close the database connection, and with it the test's transaction (on
    PostgreSQL; SQLite's in-memory database ignores the close). Django's own test client
    disconnects them for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(organisation):
    _record, raw = api_token_create(
        by=Acting.system("test", organisation=organisation), name="Fuzzer"
    )
    return f"Bearer {raw}"


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_its_schema_says(case, bearer):
    case.call_and_validate(headers={"Authorization": bearer}, checks=CHECKS)


def test_the_schema_documents_each_operation_with_its_refusals():
    paths = schema.raw_schema["paths"]
    create = paths["/api/v1/support-requests"]["post"]
    read = paths["/api/v1/support-requests/{support_request_id}"]["get"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "413", "415"}
    assert set(read["responses"]) == {"200", "401", "403", "404"}
    for operation in (create, read):
        for status, answer in operation["responses"].items():
            expected = "application/problem+json" if int(status) >= 400 else "application/json"
            assert list(answer["content"]) == [expected]
        assert operation["security"]
