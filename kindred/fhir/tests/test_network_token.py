"""A network's FHIR token (ADR-092): its ServiceRequests land in the network's inbox, it is
answered with only what it sent, it follows its referrals as they are sent on, and every error is
an OperationOutcome."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from kindred.accounts.models import ApiToken, Role
from kindred.accounts.reach import operator
from kindred.accounts.services import TokenError, api_token_create
from kindred.accounts.tests.factories import NetworkFactory, OrganisationFactory
from kindred.cli import build_parser
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.fhir.tests.conftest import EXAMPLE, post
from kindred.people.models import Person
from kindred.people.tests.factories import PersonFactory
from kindred.referrals import services as referrals
from kindred.referrals.models import NetworkReferral, Referral
from kindred.referrals.network import (
    NetworkReferralError,
    network_referral_decline,
    network_referral_route,
)


def outcome(response):
    assert response["Content-Type"].startswith("application/fhir+json")
    parsed = OperationOutcome.model_validate(response.json())
    return [(i.code, i.diagnostics) for i in parsed.issue]


def network_client(network, *, practice="P88015", name="Brinnington EMIS (network)"):
    _record, raw = api_token_create(
        by=operator("test"), name=name, practice_ods=practice, network=network
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def network_api(organisation):
    return network_client(organisation.network)


@pytest.fixture
def admin(organisation, make_user):
    return Acting(make_user(Role.NETWORK_ADMIN, organisation=organisation), organisation)


def test_a_service_request_sent_with_a_network_token_waits_in_the_network_inbox(
    network_api, organisation
):
    response = network_api.post(
        "/fhir/ServiceRequest", data=EXAMPLE.read_bytes(), content_type="application/fhir+json"
    )
    assert response.status_code == 201, response.content
    sent = NetworkReferral.objects.get()
    assert response["Location"].endswith(f"/fhir/ServiceRequest/{sent.pk}")
    assert (sent.network, sent.channel, sent.source, sent.status) == (
        organisation.network,
        "fhir",
        "practice_nurse",
        "received",
    )
    assert (sent.external_id, sent.sent("referrer_name"), sent.sent("referrer_ods_code")) == (
        "REF-2026-000123",
        "Jane Ratchford",
        "P88015",
    )
    assert sent.person_as_sent["nhs_number"] == "9434765919"
    assert not Person.objects.exists() and not Referral.objects.exists()
    entry = AuditEvent.objects.get(action="network_referral.received")
    assert entry.organisation is None and entry.actor_label.startswith("API token: ")


def test_the_answer_is_only_what_was_sent(network_api, example, organisation):
    created = post(network_api, example)
    ServiceRequest.model_validate(created.json())  # a valid FHIR R4 ServiceRequest
    answer = created.json()
    assert answer["status"] == "active" and answer["intent"] == "order"
    assert answer["performer"][0]["display"] == organisation.network.name
    patient = answer["contained"][0]
    assert patient["name"][0]["family"] == "Moss"
    assert patient["identifier"][0]["value"] == "9434765919"
    assert answer["identifier"][0]["value"] == "REF-2026-000123"
    assert answer["requester"]["display"] == "Jane Ratchford"
    # Sending it again is the same referral, not a second one
    again = post(network_api, example)
    assert again.status_code == 200 and again["Location"] == created["Location"]
    assert again.json()["id"] == answer["id"]
    assert NetworkReferral.objects.count() == 1


def test_after_routing_the_sender_follows_it_but_still_sees_only_what_it_sent(
    network_api, example, organisation, admin
):
    # Someone already known there, by NHS number, under another name: never revealed
    PersonFactory(
        organisation=organisation,
        nhs_number="9434765919",
        given_name="Edwina",
        family_name="Mossop",
    )
    created = post(network_api, example)
    sent = NetworkReferral.objects.get()
    referral = network_referral_route(
        by=admin, network_referral_id=sent.pk, expected="received", organisation_id=organisation.pk
    )
    assert referral.person_link == "same_nhs_number"
    assert referral.api_token is not None and referral.api_token.network == organisation.network

    read = network_api.get(created["Location"])
    assert read.status_code == 200
    body = read.content.decode()
    assert "Edwina" not in body and "Mossop" not in body
    ServiceRequest.model_validate(read.json())
    assert read.json()["id"] == str(sent.pk)
    assert read.json()["performer"][0]["display"] == organisation.name

    found = network_api.get("/fhir/Task", {"based-on": f"ServiceRequest/{sent.pk}"}).json()
    Bundle.model_validate(found)
    task = found["entry"][0]["resource"]
    assert (task["id"], task["status"], task["owner"]["display"]) == (
        str(sent.pk),
        "requested",
        organisation.name,
    )
    assert task["basedOn"][0]["reference"] == f"ServiceRequest/{sent.pk}"

    referrals.referral_accept(
        by=Acting.system("c", organisation=organisation),
        referral_id=referral.pk,
        expected="received",
    )
    found = network_api.get("/fhir/Task", {"based-on": f"ServiceRequest/{sent.pk}"}).json()
    assert found["entry"][0]["resource"]["status"] == "accepted"
    # The organisation's own id is not the sender's: a network token does not read it
    assert network_api.get(f"/fhir/ServiceRequest/{referral.pk}").status_code == 404


def test_the_task_of_a_waiting_and_a_declined_network_referral(network_api, example, admin):
    post(network_api, example)
    sent = NetworkReferral.objects.get()
    waiting = network_api.get("/fhir/Task", {"based-on": f"ServiceRequest/{sent.pk}"}).json()
    task = waiting["entry"][0]["resource"]
    assert task["status"] == "requested"
    assert task["businessStatus"]["coding"][0]["code"] == "network-received"
    network_referral_decline(
        by=admin,
        network_referral_id=sent.pk,
        expected="received",
        reason="Nobody in the network offers home visits.",
        signposted_to="Age UK Stockport",
    )
    declined = network_api.get("/fhir/Task", {"based-on": f"ServiceRequest/{sent.pk}"}).json()
    task = declined["entry"][0]["resource"]
    Task.model_validate(task)
    assert task["status"] == "rejected"
    assert task["statusReason"]["text"] == (
        "Nobody in the network offers home visits. Suggested instead: Age UK Stockport."
    )
    read = network_api.get(f"/fhir/ServiceRequest/{sent.pk}").json()
    assert read["status"] == "revoked"


def test_errors_are_operation_outcomes(network_api, example, organisation):
    bad = post(network_api, {**example, "status": "draft"})
    assert bad.status_code in (400, 422)
    assert outcome(bad)
    unreadable = network_api.post(
        "/fhir/ServiceRequest", data=b"{not json", content_type="application/fhir+json"
    )
    assert unreadable.status_code == 400 and outcome(unreadable)
    missing = network_api.get("/fhir/ServiceRequest/6f0d3c55-5b1e-4d7e-9a31-2b8f9d6c1a00")
    assert missing.status_code == 404 and outcome(missing)[0][0] == "not-found"
    concerns = network_api.get("/fhir/Communication", {"recipient": "P88015"})
    assert concerns.status_code == 403
    assert (
        "concerns for the GP are read with a token of the organisation" in outcome(concerns)[0][1]
    )
    assert not NetworkReferral.objects.exists()


def test_another_sender_and_another_network_see_nothing_of_it(network_api, example, organisation):
    created = post(network_api, example)
    stranger = network_client(organisation.network, practice="P99999", name="Another practice")
    clash = post(stranger, example)
    assert clash.status_code == 409 and outcome(clash)[0][0] == "duplicate"
    assert "Moss" not in clash.content.decode()
    assert stranger.get(created["Location"]).status_code == 404
    far = network_client(NetworkFactory(slug="far-away"))
    assert far.get(created["Location"]).status_code == 404
    # The same identifier sent to another network is that network's own referral
    assert post(far, example).status_code == 201
    # An organisation's token (even of this network, for the same practice) reads none of it
    _record, raw = api_token_create(
        by=Acting.system("t", organisation=organisation), name="Org", practice_ods="P88015"
    )
    theirs = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert theirs.get(created["Location"]).status_code == 404
    found = theirs.get("/fhir/Task", {"based-on": f"ServiceRequest/{created.json()['id']}"})
    assert found.json()["total"] == 0
    assert NetworkReferral.objects.count() == 2


def test_a_revoked_network_token_is_refused(network_api, example, organisation):
    token = ApiToken.objects.get(network=organisation.network)
    call_command(
        "api_token", "revoke", "--network", organisation.network.slug, "--prefix", token.prefix
    )
    refused = post(network_api, example)
    assert refused.status_code == 401 and outcome(refused)[0][0] == "login"


def test_a_token_is_for_an_organisation_or_a_network_never_both_nor_neither(organisation):
    with pytest.raises(TokenError, match="Only the people who run Kindred"):
        api_token_create(
            by=Acting.system("t", organisation=organisation), name="x", network=organisation.network
        )
    for organisation_id, network in ((organisation.pk, organisation.network), (None, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiToken.objects.create(
                organisation_id=organisation_id,
                network=network,
                name="x",
                prefix="kindred_x",
                token_hash=f"{organisation_id}",
            )


def test_kindred_token_makes_a_network_token_that_works(organisation, capsys):
    args = build_parser().parse_args(
        ["token", "create", "--network", "stockport", "--name", "EMIS"]
    )
    assert (args.network, args.organisation, args.name) == ("stockport", None, "EMIS")
    call_command("api_token", "create", "--network", "stockport", "--name", "EMIS")
    captured = capsys.readouterr()
    raw = captured.out.strip()
    assert "front door of the network" in captured.err and "not shown again" in captured.err
    record = ApiToken.objects.get()
    assert (record.network, record.organisation) == (organisation.network, None)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/fhir/ServiceRequest", EXAMPLE.read_bytes(), content_type="application/fhir+json"
    )
    assert response.status_code == 201
    assert NetworkReferral.objects.get().api_token == record
    with pytest.raises(CommandError, match="no network with the slug 'nope'"):
        call_command("api_token", "create", "--network", "nope", "--name", "x")
    with pytest.raises(CommandError, match="no active token"):
        call_command("api_token", "revoke", "--network", "stockport", "--prefix", "kindred_zzzzzz")


def test_routing_a_service_request_the_organisation_already_has_is_refused(
    network_api, example, organisation, admin
):
    _record, raw = api_token_create(
        by=Acting.system("t", organisation=organisation), name="Org", practice_ods="P88015"
    )
    assert post(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), example).status_code == 201
    post(network_api, example)
    sent = NetworkReferral.objects.get()
    with pytest.raises(NetworkReferralError, match="already has a referral with this"):
        network_referral_route(
            by=admin,
            network_referral_id=sent.pk,
            expected="received",
            organisation_id=organisation.pk,
        )
    elsewhere = OrganisationFactory(network=organisation.network)
    moved = network_referral_route(
        by=admin, network_referral_id=sent.pk, expected="received", organisation_id=elsewhere.pk
    )
    assert moved.organisation == elsewhere and Referral.objects.count() == 2
