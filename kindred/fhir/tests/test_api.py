"""The FHIR API: ServiceRequest in, Task and Communication out, every error an OperationOutcome."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from kindred.accounts.models import ApiToken, Role
from kindred.accounts.services import api_token_create, api_token_revoke
from kindred.core.services import Acting
from kindred.fhir.tests.access import TOKEN_PROTECTED, url_kwargs
from kindred.fhir.tests.conftest import EXAMPLE, post
from kindred.people.models import Person
from kindred.referrals import services as referrals
from kindred.referrals.models import Referral
from kindred.referrals.tests.factories import ReferralFactory


def outcome(response):
    assert response["Content-Type"].startswith("application/fhir+json")
    parsed = OperationOutcome.model_validate(response.json())
    return [(i.code, (i.expression or [""])[0], i.diagnostics) for i in parsed.issue]


def test_the_example_file_is_accepted_as_it_is(api, organisation):
    response = api.post(
        "/fhir/ServiceRequest", data=EXAMPLE.read_bytes(), content_type="application/fhir+json"
    )
    assert response.status_code == 201
    referral = Referral.objects.get()
    assert response["Location"].endswith(f"/fhir/ServiceRequest/{referral.pk}")
    assert referral.organisation == organisation and referral.channel == "fhir"
    assert (referral.source, referral.referrer_name, referral.referrer_ods_code) == (
        "practice_nurse",
        "Jane Ratchford",
        "P88015",
    )
    person = referral.person
    assert (person.nhs_number, person.postcode, person.gp_practice_ods) == (
        "9434765919",
        "SK1 3XE",
        "P88015",
    )


def test_round_trip_through_the_fhir_models(api, example):
    created = post(api, example)
    parsed = ServiceRequest.model_validate(created.json())
    assert parsed.identifier and parsed.identifier[0].value == "REF-2026-000123"
    read = api.get(created["Location"])
    assert read.status_code == 200
    again = ServiceRequest.model_validate(read.json())
    assert again.id == parsed.id and again.status == "active"
    assert again.contained
    patient = again.contained[0]
    assert isinstance(patient, Patient)
    assert patient.identifier and patient.identifier[0].value == "9434765919"
    assert patient.name and patient.name[0].family == "Moss"


def test_the_same_identifier_again_returns_the_existing_referral(api, example):
    first = post(api, example)
    second = post(api, example)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 1 and Person.objects.count() == 1


def test_a_bundled_patient_is_accepted(api, example):
    patient = example["contained"][0] | {"id": "edna"}
    request = {k: v for k, v in example.items() if k != "contained"}
    request["subject"] = {"reference": "urn:uuid:5b1b5a1e-0000-4000-8000-000000000001"}
    request.pop("requester")
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:5b1b5a1e-0000-4000-8000-000000000001", "resource": patient},
            {"resource": request},
        ],
    }
    response = post(api, bundle)
    assert response.status_code == 201, response.content
    assert Referral.objects.get().person.family_name == "Moss"


def test_the_task_follows_the_referral(api, example, organisation):
    created = post(api, example)
    referral = Referral.objects.get()

    def task():
        response = api.get("/fhir/Task", {"based-on": f"ServiceRequest/{referral.pk}"})
        bundle = Bundle.model_validate(response.json())
        assert bundle.total == 1 and bundle.entry
        found = bundle.entry[0].resource
        assert isinstance(found, Task)
        return found

    assert created.status_code == 201
    assert task().status == "requested"
    by = Acting.system("coordinator", organisation=organisation)
    referrals.referral_accept(by=by, referral_id=referral.pk, expected="received")
    assert (task().status, task().businessStatus.text) == ("accepted", "Accepted")
    referrals.referral_wait(by=by, referral_id=referral.pk, expected="accepted")
    assert task().businessStatus.coding[0].code == "waiting"
    referrals.referral_start(by=by, referral_id=referral.pk, expected="waiting")
    assert task().status == "in-progress"
    referrals.referral_close(
        by=by, referral_id=referral.pk, expected="started", outcome="withdrew", note="Moved"
    )
    assert task().status == "cancelled" and "Chose to stop" in task().statusReason.text


def test_a_declined_referral_has_a_rejected_task_with_the_reason(api, example, organisation):
    post(api, example)
    referral = Referral.objects.get()
    referrals.referral_decline(
        by=Acting.system("c", organisation=organisation),
        referral_id=referral.pk,
        expected="received",
        category="elsewhere",
        reason="Needs a clinical service.",
        signposted_to="Stockport IAPT",
    )
    found = api.get("/fhir/Task", {"based-on": f"ServiceRequest/{referral.pk}"}).json()
    task = found["entry"][0]["resource"]
    assert task["status"] == "rejected"
    assert task["statusReason"]["text"] == (
        "Better served by another service. Suggested instead: Stockport IAPT."
    )
    assert "Needs a clinical service" not in str(task)  # the coordinator's note stays inside
    assert api.get(f"/fhir/ServiceRequest/{referral.pk}").json()["status"] == "revoked"


@pytest.mark.parametrize(
    ("change", "status", "code", "expression"),
    [
        (
            lambda d: d["contained"][0]["identifier"][0].update(value="9434765918"),
            422,
            "value",
            "ServiceRequest.subject.resolve().identifier[0].value",
        ),
        (lambda d: d.pop("subject"), 400, "required", "ServiceRequest.subject"),
        (
            lambda d: d["contained"][0]["address"][0].update(postalCode="ZZ9 9ZZ"),
            422,
            "value",
            "ServiceRequest.subject.resolve().address[0].postalCode",
        ),
        (
            lambda d: d.update(subject={"reference": "#nobody"}),
            422,
            "required",
            "ServiceRequest.subject",
        ),
        (lambda d: d.update(resourceType="Patient"), 400, "invalid", "resourceType"),
        (lambda d: d.pop("identifier"), 422, "required", "ServiceRequest.identifier"),
        (lambda d: d.update(status="completed"), 422, "value", "ServiceRequest.status"),
        (
            lambda d: (d.pop("reasonCode"), d.pop("note")),
            422,
            "required",
            "ServiceRequest.reasonCode",
        ),
        (lambda d: d.update(unknownThing=1), 400, "invalid", "ServiceRequest.unknownThing"),
        (
            lambda d: d["identifier"][0].update(value="x" * 201),
            422,
            "value",
            "ServiceRequest.identifier",
        ),
    ],
)
def test_bad_requests_are_refused_with_an_outcome_pointing_at_the_element_and_store_nothing(
    api, example, change, status, code, expression
):
    change(example)
    response = post(api, example)
    assert response.status_code == status
    issues = outcome(response)
    assert (code, expression) in [(c, e) for c, e, _ in issues], issues
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_every_problem_is_reported_at_once(api, example):
    example["contained"][0]["identifier"][0]["value"] = "1234567890"
    example["contained"][0]["address"][0]["postalCode"] = "ZZ9 9ZZ"
    example.pop("identifier")
    assert len(outcome(post(api, example))) == 3


def test_malformed_json_and_huge_bodies_are_refused(api):
    broken = post(api, b'{"resourceType": "ServiceRequest",')
    assert broken.status_code == 400 and outcome(broken)[0][0] == "structure"
    huge = post(api, b'{"note": "' + b"x" * (1024 * 1024) + b'"}')
    assert huge.status_code == 413 and outcome(huge)[0][0] == "too-costly"
    not_object = post(api, b"[1, 2]")
    assert not_object.status_code == 400
    assert not Referral.objects.exists()


def test_no_token_a_wrong_token_or_a_revoked_token_is_refused(example, organisation):
    assert post(Client(), example).status_code == 401
    wrong = Client(HTTP_AUTHORIZATION="Bearer kindred_nope")
    response = post(wrong, example)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    by = Acting.system("t", organisation=organisation)
    record, raw = api_token_create(by=by, name="Old")
    api_token_revoke(by=by, token_id=record.pk)
    assert post(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), example).status_code == 401
    assert not Referral.objects.exists()
    assert ApiToken.objects.get(pk=record.pk).token_hash != raw  # only the hash is kept
    assert raw not in str(list(ApiToken.objects.values()))


def test_a_token_sees_only_its_own_organisations_referrals(api, their_api, example):
    created = post(api, example)
    assert their_api.get(created["Location"]).status_code == 404
    referral = Referral.objects.get()
    found = their_api.get("/fhir/Task", {"based-on": f"ServiceRequest/{referral.pk}"}).json()
    assert found["total"] == 0
    # The same identifier from another organisation is a different referral
    assert post(their_api, example).status_code == 201
    assert Referral.objects.count() == 2


def test_unknown_ids_and_methods_get_outcomes(api):
    assert api.get("/fhir/ServiceRequest/not-a-uuid").status_code == 404
    missing = api.get("/fhir/ServiceRequest/5b1b5a1e-0000-4000-8000-000000000001")
    assert missing.status_code == 404 and outcome(missing)[0][0] == "not-found"
    assert api.get("/fhir/ServiceRequest").status_code == 405
    assert api.delete("/fhir/metadata").status_code == 405
    assert api.get("/fhir/Task").status_code == 400
    assert api.get("/fhir/Task", {"based-on": "Patient/x"}).status_code == 400


def test_the_capability_statement_says_exactly_what_is_supported(client, db):
    response = client.get("/fhir/metadata")
    statement = CapabilityStatement.model_validate(response.json())
    [rest] = statement.rest or []
    supported = {
        r.type: sorted(str(i.code) for i in r.interaction or []) for r in rest.resource or []
    }
    assert supported == {
        "ServiceRequest": ["create", "read"],
        "Task": ["search-type"],
        "Communication": ["search-type"],
    }
    assert statement.fhirVersion == "4.0.1"
    assert statement.implementation and statement.implementation.url == "http://testserver/fhir/"


def test_concerns_for_the_gp_are_communications_for_that_practices_token(
    api, their_api, example, organisation, token
):
    post(api, example)
    referral = Referral.objects.get()
    referrals.gp_concern_raise(
        by=Acting.system("Kath, peer supporter", organisation=organisation),
        person=referral.person,
        noticed="Breathless walking to the group",
        urgency="urgent",
        referral=referral,
    )
    found = api.get("/fhir/Communication", {"recipient": "Organization/P88015"})
    bundle = Bundle.model_validate(found.json())
    assert bundle.total == 1 and bundle.entry
    message = bundle.entry[0].resource
    assert isinstance(message, Communication)
    assert message.payload and message.payload[0].contentString == "Breathless walking to the group"
    assert message.priority == "urgent"
    assert message.recipient and message.recipient[0].identifier
    assert message.recipient[0].identifier.value == "P88015"
    # The other organisation's token (even for the same practice) sees none of ours
    assert their_api.get("/fhir/Communication", {"recipient": "P88015"}).json()["total"] == 0
    # A token for another practice may not ask
    assert api.get("/fhir/Communication", {"recipient": "P99999"}).status_code == 403
    assert api.get("/fhir/Communication").status_code == 400


def test_the_api_needs_no_csrf_token_but_the_token_page_does(
    token, example, coordinator, organisation, sign_in
):
    strict = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert post(strict, example).status_code == 201
    strict.cookies = sign_in(coordinator, organisation).cookies  # the coordinator's session
    assert strict.get("/api-tokens/").status_code == 200
    assert strict.post("/api-tokens/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()


def test_a_coordinator_makes_a_token_sees_it_once_and_revokes_it(client_as, example):
    client = client_as(Role.COORDINATOR)
    page = client.post("/api-tokens/", {"name": "Brinnington EMIS", "practice_ods": "p88015"})
    text = page.content.decode()
    raw = text.split('<code id="new-token">')[1].split("</code>")[0]
    assert raw.startswith("kindred_")
    assert raw not in client.get("/api-tokens/").content.decode()  # shown once
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert post(api, example).status_code == 201
    record = ApiToken.objects.get()
    assert record.practice_ods == "P88015"
    client.post("/api-tokens/", {"action": "revoke", "token_id": str(record.pk)})
    assert api.get("/fhir/Task", {"based-on": "ServiceRequest/x"}).status_code == 401
    empty = client.post("/api-tokens/", {"name": ""}).content.decode()
    assert "Enter a name for the token" in empty


def test_json_errors_never_become_server_errors(api):
    for body in [b"", b"null", b'"text"', b"\xff\xfe", json.dumps({"resourceType": 5}).encode()]:
        response = post(api, body)
        assert 400 <= response.status_code < 500


def test_communication_search_queries_do_not_grow(api, organisation, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            referral = ReferralFactory(organisation=organisation, person__gp_practice_ods="P88015")
            referrals.gp_concern_raise(
                by=Acting.system("t", organisation=organisation),
                person=referral.person,
                noticed="Tired",
                urgency="routine",
            )

    add(2)
    with django_assert_max_num_queries(10) as few:
        api.get("/fhir/Communication", {"recipient": "P88015"})
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        found = api.get("/fhir/Communication", {"recipient": "P88015"}).json()
    assert found["total"] == 17


@pytest.mark.parametrize("name", TOKEN_PROTECTED)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_token_protected_route_refuses_a_caller_without_a_token(
    client, organisation, name, method
):
    kwargs = (
        {"resource_id": url_kwargs(organisation)["resource_id"]}
        if name == "fhir:service_request"
        else {}
    )
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code in (401, 405)
    outcome(response)  # always an OperationOutcome
    if response.status_code == 405:
        return
    assert response["WWW-Authenticate"] == "Bearer"
