"""Every refusal of the JSON API is an RFC 9457 problem body, never a 500 and never HTML; the
token decides who may do what (ADR-119, ADR-120)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from kindred.accounts.reach import operator
from kindred.accounts.services import api_token_create, api_token_revoke
from kindred.api.api import MAX_BODY_BYTES
from kindred.api.tests.access import TOKEN_PROTECTED
from kindred.api.tests.conftest import URL, problem, send
from kindred.core.services import Acting
from kindred.crisis import services as crisis_services

SENT = {"name": "Sam", "phone": "07700 900123", "message": "Please call", "channel": "sms"}


def _url(name):
    kwargs = {"support_request_id": uuid.uuid4()} if name == "api:support_request" else {}
    return reverse(name, kwargs=kwargs)


def _call(client, name, **extra):
    if TOKEN_PROTECTED[name] == "post":
        return send(client, SENT, **extra)
    return client.get(_url(name), **extra)


@pytest.mark.parametrize("name", sorted(TOKEN_PROTECTED))
def test_no_token_or_a_wrong_one_is_401(db, name):
    for client in (
        Client(),
        Client(HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"),
        Client(HTTP_AUTHORIZATION="Bearer "),
        Client(HTTP_AUTHORIZATION="Bearer kindred_not-a-token"),
        Client(HTTP_AUTHORIZATION="Bearer something-else"),
    ):
        response = _call(client, name)
        body = problem(response, 401)
        assert body["code"] == "unauthenticated"
        assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("name", sorted(TOKEN_PROTECTED))
def test_a_revoked_token_is_401(organisation, name):
    by = Acting.system("test", organisation=organisation)
    record, raw = api_token_create(by=by, name="Old")
    api_token_revoke(by=by, token_id=record.pk)
    problem(_call(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), name), 401)


@pytest.mark.parametrize("name", sorted(TOKEN_PROTECTED))
def test_a_token_without_the_scope_is_403(make_client, organisation, name):
    needed = {"post": "support-requests:write", "get": "support-requests:read"}[
        TOKEN_PROTECTED[name]
    ]
    others = sorted(
        {"referrals:write", "support-requests:write", "support-requests:read"} - {needed}
    )
    response = _call(make_client(organisation, scopes=others), name)
    body = problem(response, 403)
    assert body["code"] == "missing-scope" and needed in body["detail"]


@pytest.mark.parametrize("name", sorted(TOKEN_PROTECTED))
def test_a_gp_practices_token_and_a_networks_token_are_403(make_client, organisation, name):
    practice = make_client(organisation, practice_ods="P88015")
    problem(_call(practice, name), 403)
    _record, raw = api_token_create(
        by=operator("test"), name="Front door", network=organisation.network
    )
    problem(_call(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), name), 403)


def test_a_wrong_method_is_405_with_allow(api):
    body = problem(api.get(URL), 405)
    assert body["code"] == "method-not-allowed"
    assert api.get(URL)["Allow"] == "POST"
    for method in ("put", "patch", "delete"):
        assert getattr(api, method)(URL).status_code == 405
    one = _url("api:support_request")
    assert problem(api.post(one, {}, content_type="application/json"), 405)
    assert api.delete(one)["Allow"] == "GET"
    assert problem(api.post("/api/v1/openapi.json"), 405)


@pytest.mark.parametrize(
    "body", [b"", b"{", b"null", b"[]", b'"text"', b"\xff\xfe", b"{'name': 1}", b"1e999999"]
)
def test_malformed_json_is_400(api, body):
    response = send(api, body)
    problem_body = problem(response, 400)
    assert problem_body["code"] == "invalid"


def test_a_body_that_does_not_match_the_schema_is_400_with_each_field(api):
    response = send(
        api, {"name": "", "phone": 7700900123, "channel": "pigeon", "extra": "secret-ish"}
    )
    body = problem(response, 400)
    fields = {error["field"] for error in body["errors"]}
    assert {"body.payload.name", "body.payload.phone", "body.payload.channel"} <= fields
    assert "body.payload.extra" in fields  # unknown fields are refused, not ignored
    # The answer never repeats what was sent.
    assert "7700900123" not in response.content.decode()
    assert "secret-ish" not in response.content.decode()
    assert "pigeon" not in response.content.decode()


def test_a_missing_field_is_named(api):
    body = problem(send(api, {"phone": "07700 900123"}), 400)
    assert {"body.payload.name", "body.payload.channel"} <= {e["field"] for e in body["errors"]}


def test_a_body_that_is_not_json_is_415(api):
    response = api.post(URL, data="name=Sam", content_type="application/x-www-form-urlencoded")
    assert problem(response, 415)["code"] == "unsupported-media-type"
    latin = api.post(URL, data=b"{}", content_type="application/json; charset=latin-1")
    problem(latin, 415)


def test_a_body_too_big_is_413(api):
    big = {**SENT, "message": "x" * (MAX_BODY_BYTES + 1)}
    assert problem(send(api, big), 413)["code"] == "too-large"
    declared = send(api, SENT, CONTENT_LENGTH=str(MAX_BODY_BYTES + 1))
    problem(declared, 413)


def test_another_path_under_the_api_is_a_problem_404(api, client):
    for path in ("/api/v1/", "/api/v1/nothing", "/api/v1/support-requests/not-a-uuid"):
        assert problem(api.get(path), 404)["code"] == "not-found"
        problem(client.post(path), 404)


def test_answers_are_not_cached(api):
    for response in (api.get(URL), send(api, b"{"), api.get("/api/v1/openapi.json")):
        assert "no-store" in response["Cache-Control"]


def test_a_signed_in_session_is_not_a_token(sign_in, coordinator, organisation):
    """The API takes only bearer tokens: a browser session (with or without its CSRF token)
    gets 401, and a bearer request needs no CSRF token."""
    session = sign_in(coordinator, organisation)
    problem(send(session, SENT), 401)
    problem(session.get(_url("api:support_request")), 401)


def test_a_bearer_request_needs_no_csrf_token(make_client, organisation):
    strict = make_client(organisation, scopes=["support-requests:read"])
    strict.handler.enforce_csrf_checks = True
    # Past CSRF and auth: the scope check is what refuses it (403 missing-scope, not CSRF's 403).
    assert problem(send(strict, SENT), 403)["code"] == "missing-scope"


def test_a_domain_error_is_a_problem_and_a_bug_is_a_500_problem_that_says_nothing(
    api, monkeypatch, caplog
):
    from kindred.core.transitions import ChangedSinceYouLooked, DomainError

    def refuses(*args, **kwargs):
        raise DomainError("That cannot be done now")

    monkeypatch.setattr(crisis_services, "support_request_receive", refuses)
    assert problem(send(api, SENT), 400)["detail"] == "That cannot be done now"

    def changed(*args, **kwargs):
        raise ChangedSinceYouLooked("Someone else changed it")

    monkeypatch.setattr(crisis_services, "support_request_receive", changed)
    assert problem(send(api, SENT), 409)["code"] == "conflict"

    def breaks(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(crisis_services, "support_request_receive", breaks)
    response = send(api, SENT)
    body = problem(response, 500)
    assert body["code"] == "server-error" and "secret" not in response.content.decode()
    assert "secret internals" in caplog.text  # logged with its traceback
