"""Kindred records as FHIR R4 resources, built and checked with the fhir.resources R4B models."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from kindred.fhir.parse import NHS_NUMBER_SYSTEM, ODS_SYSTEM
from kindred.people.models import Person
from kindred.referrals.models import GpConcern, Outcome, Referral, Status
from kindred.referrals.models_network import NetworkReferral, NetworkReferralStatus

FHIR_VERSION = "4.0.1"

# referral status -> (Task.status, ServiceRequest.status)
TASK_STATUS = {
    Status.RECEIVED: ("requested", "active"),
    Status.ACCEPTED: ("accepted", "active"),
    Status.WAITING: ("accepted", "active"),
    Status.STARTED: ("in-progress", "active"),
    Status.DECLINED: ("rejected", "revoked"),
    Status.CLOSED: ("completed", "completed"),
    # A repeat joined to the referral already open for the person: support goes on there.
    Status.JOINED: ("cancelled", "revoked"),
}
CANCELLED_OUTCOMES = {Outcome.NOT_ENGAGED, Outcome.WITHDREW}
KINDRED_STATUS_SYSTEM = "https://kindred.example/fhir/CodeSystem/referral-status"


def _json(model: Any) -> dict[str, Any]:
    result: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return result


def _patient(
    *, given_name: str, family_name: str, nhs_number: str, birth_date: str, gp_practice_ods: str
) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": "patient"}
    if given_name or family_name:
        name: dict[str, Any] = {}
        if given_name:
            name["given"] = [given_name]
        if family_name:
            name["family"] = family_name
        patient["name"] = [name]
    if nhs_number:
        patient["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": nhs_number}]
    if birth_date:
        patient["birthDate"] = birth_date
    if gp_practice_ods:
        patient["generalPractitioner"] = [
            {"identifier": {"system": ODS_SYSTEM, "value": gp_practice_ods}}
        ]
    return patient


def _patient_as_sent(referral: Referral | NetworkReferral) -> dict[str, Any]:
    """The Patient exactly as the referral's sender described them: never the record Kindred
    holds, which may have been matched to them (ADR-076). An unknown and a known person give the
    same answer for the same ServiceRequest."""
    sent = referral.person_as_sent or {}
    return _patient(
        given_name=str(sent.get("given_name") or ""),
        family_name=str(sent.get("family_name") or ""),
        nhs_number=str(sent.get("nhs_number") or ""),
        birth_date=str(sent.get("date_of_birth") or ""),
        gp_practice_ods=str(sent.get("gp_practice_ods") or ""),
    )


def _patient_for_practice(concern: GpConcern) -> dict[str, Any]:
    """Who a concern is about, for the GP practice it is for. The person's own registered practice
    (on their record) is told the record's NHS number and name, which it holds already. A practice
    that is not recorded as theirs (the concern went to a referrer's practice) is told only what
    that practice's referral sent, never the stored record."""
    person: Person = concern.person
    if person.gp_practice_ods and person.gp_practice_ods == concern.practice_ods:
        return _patient(
            given_name=person.given_name,
            family_name=person.family_name,
            nhs_number=person.nhs_number,
            birth_date=person.date_of_birth.isoformat() if person.date_of_birth else "",
            gp_practice_ods=person.gp_practice_ods,
        )
    referral = concern.referral
    if referral is not None and referral.referrer_ods_code == concern.practice_ods:
        return _patient_as_sent(referral)
    return {"resourceType": "Patient", "id": "patient"}


def _instant(value: Any) -> str:
    return str(value.isoformat())


def service_request(referral: Referral) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "meta": {"lastUpdated": _instant(referral.updated_at)},
        "contained": [_patient_as_sent(referral)],
        "status": TASK_STATUS[Status(referral.status)][1],
        "intent": "order",
        "subject": {"reference": "#patient"},
        # As the sender wrote it, if they said (ADR-096); otherwise when it arrived.
        "authoredOn": referral.authored_on or _instant(referral.received_at),
        "priority": referral.priority,
        "reasonCode": [{"text": referral.reason}],
        "performer": [{"display": referral.organisation.name}],
    }
    if referral.external_id:
        resource["identifier"] = [
            {"system": referral.external_system, "value": referral.external_id}
        ]
    if referral.referrer_name or referral.referrer_ods_code:
        requester: dict[str, Any] = {
            "display": referral.referrer_name or referral.referrer_organisation
        }
        if referral.referrer_ods_code:
            requester["identifier"] = {"system": ODS_SYSTEM, "value": referral.referrer_ods_code}
        resource["requester"] = requester
    read = _json(ServiceRequest.model_validate(resource))
    if referral.authored_on:
        # The models write +00:00 as Z: give it back character for character, as it was sent
        # (it was a valid FHIR dateTime when it came in).
        read["authoredOn"] = referral.authored_on
    return read


def task(referral: Referral) -> dict[str, Any]:
    return _json(Task.model_validate(_task(referral)))


def _task(referral: Referral) -> dict[str, Any]:
    status = TASK_STATUS[Status(referral.status)][0]
    if referral.status == Status.CLOSED and referral.outcome in CANCELLED_OUTCOMES:
        status = "cancelled"
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(referral.pk),
        "meta": {"lastUpdated": _instant(referral.updated_at)},
        "basedOn": [{"reference": f"ServiceRequest/{referral.pk}"}],
        "status": status,
        "businessStatus": {
            "coding": [
                {
                    "system": KINDRED_STATUS_SYSTEM,
                    "code": referral.status,
                    "display": referral.get_status_display(),
                }
            ],
            "text": referral.get_status_display(),
        },
        "intent": "order",
        "authoredOn": _instant(referral.received_at),
        "lastModified": _instant(referral.updated_at),
        "owner": {"display": referral.organisation.name},
    }
    if referral.status == Status.DECLINED:
        # The category, in words the referrer may be told; the coordinator's own note stays
        # inside the organisation (ADR-098).
        reason = referral.get_decline_category_display() or "Declined"
        if referral.signposted_to:
            reason += f". Suggested instead: {referral.signposted_to}."
        resource["statusReason"] = {"text": reason}
    elif referral.status == Status.JOINED:
        resource["statusReason"] = {
            "text": "A repeat of a referral already open for this person: joined to it"
        }
    elif referral.status == Status.CLOSED and referral.outcome:
        resource["statusReason"] = {
            "text": referral.get_outcome_display()
            + (f": {referral.outcome_note}" if referral.outcome_note else "")
        }
    return resource


# A referral sent to a network's front door (ADR-092) is known to its sender by the network
# referral's id, before and after a network admin sends it on: its ServiceRequest is what the
# sender sent, and its Task follows the organisation's referral once there is one.


def _network_status(network_referral: NetworkReferral) -> tuple[str, str]:
    """(Task.status, ServiceRequest.status)."""
    if network_referral.referral is not None:
        return TASK_STATUS[Status(network_referral.referral.status)]
    if network_referral.status == NetworkReferralStatus.DECLINED:
        return TASK_STATUS[Status.DECLINED]
    return TASK_STATUS[Status.RECEIVED]


def _network_performer(network_referral: NetworkReferral) -> str:
    if network_referral.routed_to is not None:
        return network_referral.routed_to.name
    return network_referral.network.name


def network_service_request(network_referral: NetworkReferral) -> dict[str, Any]:
    """The ServiceRequest as its sender sent it: never a record Kindred holds (ADR-076)."""
    sent = network_referral.sent
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(network_referral.pk),
        "meta": {"lastUpdated": _instant(network_referral.updated_at)},
        "contained": [_patient_as_sent(network_referral)],
        "status": _network_status(network_referral)[1],
        "intent": "order",
        "subject": {"reference": "#patient"},
        "authoredOn": _instant(network_referral.received_at),
        "priority": "urgent" if sent("urgency") == "urgent" else "routine",
        "reasonCode": [{"text": sent("reason")}],
        "performer": [{"display": _network_performer(network_referral)}],
    }
    if network_referral.external_id:
        resource["identifier"] = [
            {"system": network_referral.external_system, "value": network_referral.external_id}
        ]
    if sent("referrer_name") or sent("referrer_ods_code"):
        requester: dict[str, Any] = {
            "display": sent("referrer_name") or sent("referrer_organisation")
        }
        if sent("referrer_ods_code"):
            requester["identifier"] = {"system": ODS_SYSTEM, "value": sent("referrer_ods_code")}
        resource["requester"] = requester
    return _json(ServiceRequest.model_validate(resource))


def network_task(network_referral: NetworkReferral) -> dict[str, Any]:
    """The Task following a network referral: waiting at the network's front door, declined
    there, or (once sent on) the organisation's referral's own Task, under the id the sender
    knows."""
    if network_referral.referral is not None:
        resource = _task(network_referral.referral)
    else:
        status = NetworkReferralStatus(network_referral.status)
        resource = {
            "resourceType": "Task",
            "status": _network_status(network_referral)[0],
            "businessStatus": {
                "coding": [
                    {
                        "system": KINDRED_STATUS_SYSTEM,
                        "code": f"network-{status.value}",
                        "display": str(status.label),
                    }
                ],
                "text": str(status.label),
            },
            "intent": "order",
            "authoredOn": _instant(network_referral.received_at),
            "lastModified": _instant(network_referral.updated_at),
            "owner": {"display": _network_performer(network_referral)},
        }
        if status == NetworkReferralStatus.DECLINED:
            reason = network_referral.decline_reason
            if network_referral.signposted_to:
                reason += f" Suggested instead: {network_referral.signposted_to}."
            resource["statusReason"] = {"text": reason}
    resource["id"] = str(network_referral.pk)
    resource["basedOn"] = [{"reference": f"ServiceRequest/{network_referral.pk}"}]
    resource["meta"] = {"lastUpdated": _instant(_last_changed(network_referral))}
    return _json(Task.model_validate(resource))


def _last_changed(network_referral: NetworkReferral) -> Any:
    """When the network referral, or the referral it became, last changed."""
    if network_referral.referral is not None:
        return max(network_referral.updated_at, network_referral.referral.updated_at)
    return network_referral.updated_at


def communication(concern: GpConcern) -> dict[str, Any]:
    resource = {
        "resourceType": "Communication",
        "id": str(concern.pk),
        "contained": [_patient_for_practice(concern)],
        "status": "completed",
        "priority": "urgent" if concern.urgency == GpConcern.Urgency.URGENT else "routine",
        "subject": {"reference": "#patient"},
        "sent": _instant(concern.created_at),
        "recipient": [{"identifier": {"system": ODS_SYSTEM, "value": concern.practice_ods}}],
        "sender": {"display": f"{concern.raised_by_label}, {concern.organisation.name}"},
        "payload": [{"contentString": concern.noticed}],
        "topic": {"text": "A concern for the GP from a peer support service"},
    }
    if concern.referral_id:
        resource["basedOn"] = [{"reference": f"ServiceRequest/{concern.referral_id}"}]
    return _json(Communication.model_validate(resource))


def searchset(resources: list[dict[str, Any]], base: str) -> dict[str, Any]:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"{base}{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }
    return _json(Bundle.model_validate(bundle))


def capability_statement(now: str, base: str) -> dict[str, Any]:
    """Exactly what Kindred's FHIR API does: nothing more is advertised."""
    bearer = "Send Authorization: Bearer TOKEN, a token a coordinator made for your organisation."
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now,
        "kind": "instance",
        "publisher": settings.KINDRED_SERVICE_NAME,
        "software": {"name": "Kindred"},
        "implementation": {
            "description": "Kindred peer support referrals",
            "url": base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": bearer
                    + " A token sees only its organisation's records. A network's token sends "
                    "referrals to the network's front door, for a network admin to send on, and "
                    "reads only the ServiceRequests and Tasks of those it sent."
                },
                "resource": [
                    {
                        "type": "ServiceRequest",
                        "interaction": [{"code": "create"}, {"code": "read"}],
                        "conditionalCreate": False,
                        "documentation": (
                            "A referral for peer support. The subject is a Patient contained in the "
                            "ServiceRequest, or in a Bundle POSTed to the same URL. An identifier "
                            "(system and value) is required; sending the same one again returns the "
                            "referral already made and creates nothing. Bodies over 1 MB are refused."
                        ),
                    },
                    {
                        "type": "Task",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [
                            {
                                "name": "based-on",
                                "type": "reference",
                                "documentation": "ServiceRequest/{id}: the Task that follows that referral",
                            }
                        ],
                    },
                    {
                        "type": "Communication",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [
                            {
                                "name": "recipient",
                                "type": "reference",
                                "documentation": (
                                    "The practice's ODS code (P84001, Organization/P84001, or "
                                    f"{ODS_SYSTEM}|P84001): concerns for that GP practice. Only a "
                                    "token made for that practice may read them."
                                ),
                            }
                        ],
                    },
                ],
            }
        ],
    }
    return _json(CapabilityStatement.model_validate(statement))
