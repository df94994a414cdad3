"""Reading a UK Core style ServiceRequest (with its Patient contained or bundled) into what the
referrals service needs. Validated with the fhir.resources R4B models; every problem is collected
and reported at once, each pointing at its element. Nothing here touches the database.

Reading is total (ADR-077): whatever bytes arrive, `parse_service_request` either returns a
referral or raises FhirError with the issues to report. JSON is decoded with limits (nesting depth,
length of a number, no NaN or Infinity), every string is checked for what no database column can
hold (NUL, unpaired surrogates), every `resourceType` must name a FHIR resource, and anything the
FHIR models still fail on is logged at ERROR and refused as unreadable rather than left to become a
server error.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError

from kindred.fhir.outcomes import FhirError, Issue, path_of
from kindred.people import identifiers
from kindred.people.services import PersonDetails
from kindred.referrals.models import Priority, Source, Urgency
from kindred.referrals.services import ReferralDetails

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
# FHIR resources nest a few levels (Bundle.entry.resource.contained.extension.valueCoding...);
# 64 JSON levels is far beyond any real referral and well inside Python's stack for the models.
MAX_DEPTH = 64
# A FHIR integer is 32-bit and a decimal has at most 18 significant digits; 64 characters leaves
# room for exponents and zeros without letting a 4,300-digit integer reach int().
MAX_NUMBER_CHARACTERS = 64
# A referral is about a hundred JSON values; the FHIR models take some 60 microseconds a value, so
# this keeps the worst request to about a second of work.
MAX_VALUES = 10_000
# An OperationOutcome lists at most this many issues (a list of 20,000 bad items is one problem).
MAX_ISSUES = 20
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
ACCEPTED_STATUSES = {"active"}
ACCEPTED_INTENTS = {"order", "proposal", "plan", "original-order"}
RESOURCE_NAME = re.compile(r"[A-Z][A-Za-z]{0,63}")
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


@dataclass
class IncomingReferral:
    person: PersonDetails
    referral: ReferralDetails


def _number(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise FhirError(
            400,
            [
                Issue(
                    "too-costly",
                    f"A number in the request body is {len(text)} characters long; "
                    f"numbers may be at most {MAX_NUMBER_CHARACTERS}",
                )
            ],
        )
    return text


def _integer(text: str) -> int:
    return int(_number(text))


def _decimal(text: str) -> float:
    value = float(_number(text))
    if not math.isfinite(value):
        raise FhirError(
            400, [Issue("value", f"The number {text} is too large to be a FHIR decimal")]
        )
    return value


def _constant(text: str) -> Any:
    raise FhirError(
        400, [Issue("structure", f"{text} is not allowed in JSON (RFC 8259) or in FHIR")]
    )


def load_json(body: bytes) -> dict[str, Any]:
    """The JSON object in `body`, decoded within the limits above and checked by `_inspect`."""
    if len(body) > MAX_BODY_BYTES:
        raise FhirError(413, [Issue("too-costly", "The request body is over 1 MB")])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FhirError(
            400,
            [
                Issue(
                    "structure",
                    f"The request body is not UTF-8: byte {error.start} cannot be read",
                )
            ],
        ) from error
    try:
        data = json.loads(text, parse_int=_integer, parse_float=_decimal, parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise FhirError(
            400, [Issue("structure", f"The request body is not valid JSON: {error}")]
        ) from error
    except RecursionError as error:
        raise FhirError(400, [_too_deep("")]) from error
    if not isinstance(data, dict):
        raise FhirError(400, [Issue("structure", "The request body must be a JSON object")])
    root = data.get("resourceType")
    _inspect(
        data,
        root if isinstance(root, str) and RESOURCE_NAME.fullmatch(root) else "",
        max_values=MAX_VALUES,
    )
    return data


def _too_deep(where: str) -> Issue:
    return Issue("too-costly", f"The JSON is nested more than {MAX_DEPTH} levels deep", where)


def _walk(data: Any) -> Iterator[tuple[Any, int, tuple[str | int, ...]]]:
    """Every value in `data` with its depth and its path, without recursion (so that no depth
    of nesting can exhaust the stack)."""
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(data, 1, ())]
    while stack:
        value, depth, path = stack.pop()
        yield value, depth, path
        if isinstance(value, dict):
            stack.extend((item, depth + 1, (*path, key)) for key, item in value.items())
        elif isinstance(value, list | tuple):
            stack.extend((item, depth + 1, (*path, index)) for index, item in enumerate(value))


def _unstorable(text: str) -> str:
    found = UNSTORABLE.search(text)
    if found is None:
        return ""
    return (
        "contains a NUL character (\\u0000), which FHIR strings may not hold"
        if found.group() == "\x00"
        else "contains an unpaired UTF-16 surrogate, which is not a character"
    )


def _inspect(data: Any, where: str, max_values: int | None = None) -> None:
    """Refuse what the FHIR models must never see or what no database column can hold: nesting
    deeper than MAX_DEPTH, a string or key with NUL or an unpaired surrogate, and a resourceType
    that is not the name of a FHIR R4B resource. Every problem is reported at once (up to 20)."""

    def at(path: tuple[str | int, ...]) -> str:
        return path_of(where, path) if where else path_of("", path).lstrip(".")

    issues: list[Issue] = []
    for count, (value, depth, path) in enumerate(_walk(data), start=1):
        if max_values is not None and count > max_values:
            raise FhirError(
                413,
                [
                    Issue(
                        "too-costly",
                        f"The request body holds more than {max_values:,} JSON values; "
                        "send one referral at a time",
                    )
                ],
            )
        if depth > MAX_DEPTH:
            raise FhirError(400, [_too_deep(at(path))])
        if isinstance(value, str) and (problem := _unstorable(value)):
            issues.append(Issue("invalid", f"The text {problem}", at(path)))
        elif isinstance(value, dict):
            for key in value:
                if isinstance(key, str) and (problem := _unstorable(key)):
                    issues.append(Issue("structure", f"A property name {problem}", at(path)))
            if "resourceType" in value and not _is_resource_type(value["resourceType"]):
                issues.append(
                    Issue(
                        "invalid",
                        "resourceType must be the name of a FHIR R4 resource, "
                        f"such as Patient; {_shown(value['resourceType'])} is not",
                        at((*path, "resourceType")),
                    )
                )
        if len(issues) >= MAX_ISSUES:
            break
    if issues:
        raise FhirError(400, issues)


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_resource_type(value: Any) -> bool:
    if not isinstance(value, str) or not RESOURCE_NAME.fullmatch(value):
        return False
    try:
        model = get_fhir_model_class(value)
    except (ValueError, KeyError, AttributeError):
        return False
    return bool(model.has_resource_base())


def _validated(model: type[FHIRResourceModel], data: dict[str, Any], where: str) -> Any:
    try:
        resource = model.model_validate(data)
    except ValidationError as error:
        errors = error.errors()
        issues = [
            Issue(
                "invalid" if e["type"] != "missing" else "required",
                e["msg"],
                path_of(where, e["loc"]),
            )
            for e in errors[:MAX_ISSUES]
        ]
        if len(errors) > MAX_ISSUES:
            issues.append(
                Issue("invalid", f"... and {len(errors) - MAX_ISSUES:,} more problems", where)
            )
        raise FhirError(400, issues) from error
    except RecursionError as error:
        raise FhirError(400, [_too_deep(where)]) from error
    except Exception as error:
        # fhir.resources failed where it should have reported a validation error (it has raised
        # KeyError and TypeError for odd resourceType values). The sender gets a 400; we get the
        # traceback, so that the gap is closed in _inspect rather than hidden.
        logger.exception("The FHIR models failed on a %s instead of refusing it", where)
        raise FhirError(400, [_unreadable(where)]) from error
    # fhir.resources also parses a string found where an element is expected as JSON, so text
    # can reach the model without passing _inspect: check what was actually read as well.
    _inspect(resource.model_dump(), where)
    return resource


def _unreadable(where: str) -> Issue:
    return Issue(
        "structure",
        "This could not be read as a FHIR R4 resource. Check it against the ServiceRequest "
        "definition; the problem has been logged for Kindred's support team",
        where,
    )


def parse_service_request(body: bytes) -> tuple[IncomingReferral, str, str]:
    """The referral in a ServiceRequest (or a Bundle holding one), with its identifier's system and
    value. Raises FhirError listing every problem, and nothing else: this is the last guard that
    turns an unexpected failure while reading into a 400, logged at ERROR with its traceback."""
    try:
        return _parse_service_request(body)
    except FhirError:
        raise
    except RecursionError as error:
        raise FhirError(400, [_too_deep("")]) from error
    except Exception as error:
        logger.exception("Reading a FHIR ServiceRequest failed unexpectedly")
        raise FhirError(400, [_unreadable("")]) from error


def _parse_service_request(body: bytes) -> tuple[IncomingReferral, str, str]:
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
        entries = data.get("entry")
        entry = entries[requests[0][0]] if isinstance(entries, list) else None
        raw = entry.get("resource") if isinstance(entry, dict) else None
    elif resource_type == "ServiceRequest":
        where = "ServiceRequest"
        request = _validated(ServiceRequest, data, "ServiceRequest")
        raw = data
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
    return _read(request, where, bundled, authored_on=_authored_as_sent(raw, request))


def _authored_as_sent(raw: Any, request: ServiceRequest) -> Any:
    """authoredOn as the sender wrote it. The models turn it into a datetime (and a Bundle entry
    may have been sent as JSON in a string): fall back to what they read, in ISO 8601."""
    if isinstance(raw, dict) and "authoredOn" in raw:
        return raw["authoredOn"]
    if request.authoredOn is None:
        return None
    return str(request.authoredOn.isoformat())


def _contained(request: ServiceRequest) -> dict[str, Any]:
    return {f"#{r.id}": r for r in request.contained or [] if getattr(r, "id", None)}


def _read(
    request: ServiceRequest, where: str, bundled: dict[str, Any], authored_on: Any = None
) -> tuple[IncomingReferral, str, str]:
    """`authored_on`: authoredOn exactly as sent (the models have made it a datetime), kept on
    the referral beside the time it arrived (ADR-096)."""
    issues: list[Issue] = []
    if request.priority is not None and request.priority not in Priority.values:
        issues.append(
            Issue(
                "value",
                f"priority must be one of {', '.join(Priority.values)}",
                f"{where}.priority",
            )
        )
    if authored_on is not None and (not isinstance(authored_on, str) or len(authored_on) > 40):
        issues.append(Issue("value", "authoredOn must be a FHIR dateTime", f"{where}.authoredOn"))
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
        priority=str(request.priority or Priority.ROUTINE),
        authored_on=authored_on if isinstance(authored_on, str) else "",
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
    if birth is not None and birth > timezone.localdate():
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
