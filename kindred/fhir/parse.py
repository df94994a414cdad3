"""Reading a UK Core style ServiceRequest (with its Patient contained or bundled) into what the
referrals service needs. Validated with the fhir.resources R4B models; every problem is collected
and reported at once, each pointing at its element. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError

from kindred.fhir.outcomes import FhirError, Issue, path_of
from kindred.people import identifiers
from kindred.people.services import PersonDetails
from kindred.referrals.models import Source, Urgency
from kindred.referrals.services import ReferralDetails

MAX_BODY_BYTES = 1024 * 1024
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
ACCEPTED_STATUSES = {"active"}
ACCEPTED_INTENTS = {"order", "proposal", "plan", "original-order"}


@dataclass
class IncomingReferral:
    person: PersonDetails
    referral: ReferralDetails


def load_json(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise FhirError(413, [Issue("too-costly", "The request body is over 1 MB")])
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FhirError(
            400, [Issue("structure", f"The request body is not valid JSON: {error}")]
        ) from error
    if not isinstance(data, dict):
        raise FhirError(400, [Issue("structure", "The request body must be a JSON object")])
    return data


def _validated(model: type[FHIRResourceModel], data: dict[str, Any], where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FhirError(
            400,
            [
                Issue(
                    "invalid" if e["type"] != "missing" else "required",
                    e["msg"],
                    path_of(where, e["loc"]),
                )
                for e in error.errors()
            ],
        ) from error


def parse_service_request(body: bytes) -> tuple[IncomingReferral, str, str]:
    """The referral in a ServiceRequest (or a Bundle holding one), with its identifier's system and
    value. Raises FhirError listing every problem."""
    data = load_json(body)
    resource_type = data.get("resourceType")
    bundled: dict[str, Any] = {}
    if resource_type == "Bundle":
        bundle = _validated(Bundle, data, "Bundle")
        requests = []
        for index, entry in enumerate(bundle.entry or []):
            resource = entry.resource
            if resource is None:
                continue
            kind = resource.get_resource_type()
            if kind == "ServiceRequest":
                requests.append((index, resource))
            else:
                for key in filter(
                    None, [entry.fullUrl, f"{kind}/{resource.id}" if resource.id else None]
                ):
                    bundled[key] = resource
        if len(requests) != 1:
            raise FhirError(
                400,
                [
                    Issue(
                        "invalid", "The Bundle must hold exactly one ServiceRequest", "Bundle.entry"
                    )
                ],
            )
        where = f"Bundle.entry[{requests[0][0]}].resource"
        request = requests[0][1]
    elif resource_type == "ServiceRequest":
        where = "ServiceRequest"
        request = _validated(ServiceRequest, data, "ServiceRequest")
    else:
        raise FhirError(
            400,
            [
                Issue(
                    "invalid",
                    f"Expected a ServiceRequest (or a Bundle holding one), not {resource_type!r}",
                    "resourceType",
                )
            ],
        )
    return _read(request, where, bundled)


def _contained(request: ServiceRequest) -> dict[str, Any]:
    return {f"#{r.id}": r for r in request.contained or [] if getattr(r, "id", None)}


def _read(
    request: ServiceRequest, where: str, bundled: dict[str, Any]
) -> tuple[IncomingReferral, str, str]:
    issues: list[Issue] = []
    if request.status not in ACCEPTED_STATUSES:
        issues.append(
            Issue("value", "status must be 'active' for a new referral", f"{where}.status")
        )
    if request.intent not in ACCEPTED_INTENTS:
        issues.append(
            Issue("value", f"intent must be one of {sorted(ACCEPTED_INTENTS)}", f"{where}.intent")
        )
    identifier = next((i for i in request.identifier or [] if i.system and i.value), None)
    if identifier is None:
        issues.append(
            Issue(
                "required",
                "A ServiceRequest identifier (system and value) from the sending system is required",
                f"{where}.identifier",
            )
        )
    elif len(identifier.system or "") > 300 or len(identifier.value or "") > 200:
        issues.append(
            Issue(
                "value",
                "The identifier is too long (system 300, value 200 characters at most)",
                f"{where}.identifier",
            )
        )
    known = {**bundled, **_contained(request)}
    reference = request.subject.reference if request.subject else None
    patient = known.get(reference or "")
    person: PersonDetails | None = None
    if not isinstance(patient, Patient):
        issues.append(
            Issue(
                "required",
                "subject must reference a Patient contained in the ServiceRequest (#id) or in the Bundle",
                f"{where}.subject",
            )
        )
    else:
        person = _person(patient, f"{where}.subject.resolve()", issues)
    reason = "\n".join(
        filter(
            None,
            [
                *(
                    c.text or "; ".join(filter(None, (x.display for x in c.coding or [])))
                    for c in request.reasonCode or []
                ),
                *(n.text for n in request.note or []),
            ],
        )
    ).strip()
    if not reason:
        issues.append(
            Issue(
                "required",
                "Say why the person is referred in reasonCode or note",
                f"{where}.reasonCode",
            )
        )
    if issues or person is None or identifier is None:
        raise FhirError(422 if all(i.code != "structure" for i in issues) else 400, issues)
    referrer_name, referrer_role, referrer_org, referrer_ods = _requester(request, known)
    if not person.gp_practice_ods and referrer_ods:
        person.gp_practice_ods = referrer_ods
    details = ReferralDetails(
        source=_source(referrer_role),
        reason=reason[:4000],
        urgency=Urgency.URGENT
        if request.priority in {"urgent", "asap", "stat"}
        else Urgency.ROUTINE,
        referrer_name=referrer_name,
        referrer_role=referrer_role,
        referrer_organisation=referrer_org,
        referrer_ods_code=referrer_ods,
        external_system=str(identifier.system),
        external_id=str(identifier.value),
    )
    return IncomingReferral(person, details), details.external_system, details.external_id


def _person(patient: Patient, where: str, issues: list[Issue]) -> PersonDetails | None:
    name = next(iter(patient.name or []), None)
    given = " ".join(filter(None, name.given or [])) if name else ""
    family = (name.family or "") if name else ""
    if not given or not family:
        issues.append(
            Issue(
                "required", "The Patient needs a name with given and family parts", f"{where}.name"
            )
        )
    nhs_number = ""
    for index, identifier in enumerate(patient.identifier or []):
        if identifier.system == NHS_NUMBER_SYSTEM:
            try:
                nhs_number = identifiers.normalise_nhs_number(identifier.value or "")
            except identifiers.NhsNumberError as error:
                issues.append(
                    Issue(
                        "value",
                        f"Invalid NHS number: {error}",
                        f"{where}.identifier[{index}].value",
                    )
                )
    postcode, lines = "", ""
    address = next(iter(patient.address or []), None)
    if address is not None:
        lines = ", ".join(filter(None, [*(address.line or []), address.city or ""]))
        if address.postalCode:
            try:
                postcode = identifiers.lookup(address.postalCode).postcode
            except identifiers.PostcodeError as error:
                issues.append(Issue("value", str(error), f"{where}.address[0].postalCode"))
    birth = patient.birthDate
    if birth is not None and not isinstance(birth, dt.date):
        birth = None
    if birth is not None and birth > dt.date.today():
        issues.append(Issue("value", "birthDate is in the future", f"{where}.birthDate"))
    phone = next((t.value for t in patient.telecom or [] if t.system == "phone" and t.value), "")
    email = next((t.value for t in patient.telecom or [] if t.system == "email" and t.value), "")
    gp_ods = ""
    for practice in patient.generalPractitioner or []:
        if (
            practice.identifier
            and practice.identifier.system == ODS_SYSTEM
            and practice.identifier.value
        ):
            gp_ods = practice.identifier.value.upper()
    if not given or not family:
        return None
    return PersonDetails(
        given_name=given[:100],
        family_name=family[:100],
        date_of_birth=birth,
        nhs_number=nhs_number,
        address=lines[:500],
        postcode=postcode,
        phone=phone[:30],
        email=email[:254] if "@" in email else "",
        gp_practice_ods=gp_ods[:12],
    )


def _requester(request: ServiceRequest, known: dict[str, Any]) -> tuple[str, str, str, str]:
    """(name, role, organisation, ODS code) of whoever made the referral, as far as given."""
    if request.requester is None:
        return "", "", "", ""
    name, role, organisation, ods = request.requester.display or "", "", "", ""
    identifier = request.requester.identifier
    if identifier is not None and identifier.system == ODS_SYSTEM:
        ods = identifier.value or ""
    resource: Any = known.get(request.requester.reference or "")
    kind = resource.get_resource_type() if resource is not None else ""
    if kind == "Practitioner" and resource.name:
        human = resource.name[0]
        name = (
            human.text
            or " ".join([*(human.prefix or []), *(human.given or []), human.family or ""]).strip()
        )
    elif kind == "PractitionerRole":
        role = "; ".join(
            c.text or "; ".join(x.display or "" for x in c.coding or [])
            for c in resource.code or []
        )
        if resource.practitioner is not None:
            name = resource.practitioner.display or name
        if resource.organization is not None:
            organisation = resource.organization.display or ""
            if (
                resource.organization.identifier
                and resource.organization.identifier.system == ODS_SYSTEM
            ):
                ods = resource.organization.identifier.value or ods
    elif kind == "Organization":
        organisation = resource.name or ""
        for identifier in resource.identifier or []:
            if identifier.system == ODS_SYSTEM and identifier.value:
                ods = identifier.value
    return name[:200], role[:200], organisation[:200], ods.upper()[:12]


def _source(role: str) -> str:
    text = role.lower()
    for words, source in (
        (("nurse",), Source.PRACTICE_NURSE),
        (("matron",), Source.COMMUNITY_MATRON),
        (("mental health", "psychiatr", "cpn"), Source.MENTAL_HEALTH_TEAM),
        (("job centre", "jobcentre", "work coach"), Source.JOB_CENTRE),
    ):
        if any(word in text for word in words):
            return source
    return Source.GP
