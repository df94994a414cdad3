"""The FHIR R4 API (ServiceRequest, Task, Communication, metadata) and the coordinator's page for
API tokens.

Access: the API views are declared @public for the session-based access middleware because the
callers are clinical systems, not signed-in users. Each one (except metadata, which FHIR servers
publish openly) authenticates a bearer token itself before touching any record, and reads only
through that token's organisation (or its network, for a network's token: ADR-092). They are
CSRF-exempt because a bearer token, not a cookie, carries the authority; nothing session-based
is CSRF-exempt. See ADR-020 and ADR-021.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from kindred.accounts import selectors as account_selectors
from kindred.accounts import services as account_services
from kindred.accounts.models import ApiToken, Network, Scope
from kindred.core.access import permission, public
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, client_ip
from kindred.fhir import resources, selectors
from kindred.fhir.forms import TokenCreateForm, TokenRevokeForm
from kindred.fhir.outcomes import FhirError, Issue, operation_outcome
from kindred.fhir.parse import MAX_BODY_BYTES, ODS_SYSTEM, IncomingReferral, parse_service_request
from kindred.referrals import network_selectors
from kindred.referrals.models import Channel
from kindred.referrals.network import network_referral_receive
from kindred.referrals.services import referral_receive

logger = logging.getLogger(__name__)

# The answer's media type. No charset parameter: json.dumps escapes everything outside ASCII, so
# every body is ASCII (and so UTF-8), and the existing clients read it as it is.
FHIR_JSON = "application/fhir+json; fhirVersion=4.0"
# What a request body may be sent as (FHIR R4 http.html: application/fhir+json; plain JSON too).
ACCEPTED_MEDIA_TYPES = ("application/fhir+json", "application/json")
EVERY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def fhir_response(data: dict[str, Any], status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=FHIR_JSON)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def fhir_api(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A FHIR endpoint: the allowed methods, every refusal as an OperationOutcome, token checked
    by the view (see the module docstring for why it is @public and CSRF-exempt).

    Every answer is FHIR JSON. A FhirError is the view refusing the request (4xx). Anything else
    is a bug in Kindred, not the sender's fault: it is logged at ERROR with its traceback and
    answered 500 with an OperationOutcome that reveals nothing. Reading the body never gets here
    (parse.parse_service_request turns every failure into a FhirError; ADR-077); writes have
    already been rolled back by their service's own transaction."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                outcome = operation_outcome(
                    [
                        Issue(
                            "not-supported",
                            f"{request.method} is not supported here; use {', '.join(methods)}",
                        )
                    ]
                )
                return fhir_response(outcome, status=405, Allow=", ".join(methods))
            try:
                return view(request, *args, **kwargs)
            except FhirError as refused:
                headers = {"WWW_Authenticate": "Bearer"} if refused.status == 401 else {}
                return fhir_response(operation_outcome(refused.issues), refused.status, **headers)
            except Exception:
                logger.exception(
                    "FHIR %s %s failed with a server error", request.method, request.path
                )
                outcome = operation_outcome(
                    [
                        Issue(
                            "exception",
                            "Kindred could not complete this request because of a problem on "
                            "its side, which has been logged. Try again later: sending the same "
                            "ServiceRequest identifier again never makes a second referral",
                        )
                    ]
                )
                return fhir_response(outcome, status=500)

        return public(csrf_exempt(wrapped))

    return decorate


def _token(request: HttpRequest) -> ApiToken:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise FhirError(401, [Issue("login", "Send Authorization: Bearer TOKEN")])
    token = account_services.api_token_authenticate(raw=raw.strip())
    if token is None:
        raise FhirError(401, [Issue("login", "This token is not recognised or has been revoked")])
    if not token.has_scope(Scope.REFERRALS_WRITE):
        # Every FHIR endpoint is about referrals the token's system sent (ADR-119).
        raise FhirError(
            403,
            [
                Issue(
                    "forbidden", "This token may not send or read referrals (needs referrals:write)"
                )
            ],
        )
    return token


def _body(request: HttpRequest) -> bytes:
    """The request body, if it is FHIR JSON (or plain JSON) in UTF-8 and at most 1 MB."""
    media_type = (request.content_type or "").lower()
    charset = ((request.content_params or {}).get("charset") or "utf-8").lower()
    if media_type not in ACCEPTED_MEDIA_TYPES or charset not in ("utf-8", "utf8"):
        sent = request.headers.get("Content-Type", "")
        raise FhirError(
            415,
            [
                Issue(
                    "not-supported",
                    "Send the resource as Content-Type: application/fhir+json "
                    f"(UTF-8), not {sent[:80]!r}"
                    if sent
                    else "Say what the body is: Content-Type: application/fhir+json",
                )
            ],
        )
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise FhirError(413, [Issue("too-costly", "The request body is over 1 MB")])
    body: bytes = request.read(MAX_BODY_BYTES + 1)
    return body


def _location(request: HttpRequest, resource_id: uuid.UUID) -> str:
    return request.build_absolute_uri(
        reverse("fhir:service_request", kwargs={"resource_id": str(resource_id)})
    )


@fhir_api("GET")
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(resources.capability_statement(timezone.now().isoformat(), _base(request)))


def _used_by_another_sender() -> FhirError:
    """Another sender's referral has this identifier: say nothing about it (ADR-076)."""
    return FhirError(
        409,
        [
            Issue(
                "duplicate",
                "This identifier is already used by another sender; send the identifier "
                "your own system gave the referral",
                "ServiceRequest.identifier",
            )
        ],
    )


@fhir_api("POST")
def service_request_create(request: HttpRequest) -> HttpResponse:
    token = _token(request)
    incoming, system, value = parse_service_request(_body(request))
    if token.network is not None:
        return _network_service_request_create(request, token, token.network, incoming)
    organisation = token.organisation
    assert organisation is not None  # a token is for an organisation or a network (a constraint)
    by = Acting(
        user=None,
        organisation=organisation,
        ip_address=client_ip(request),
        label=f"API token: {token.name}",
    )
    # Received at once, not looked up first: almost every referral is new, and the unique
    # identifier (per organisation and sender's system) refuses a second copy, whether it
    # arrives later or at the same moment (ADR-075, ADR-076, ADR-128). The refused copy's
    # transaction is rolled back whole: no person, referral, notice or audit entry of it is kept.
    try:
        created = referral_receive(
            by=by,
            person=incoming.person,
            details=incoming.referral,
            channel=Channel.FHIR,
            api_token_id=token.pk,
        )
    except IntegrityError:
        existing = selectors.referral_by_identifier(
            organisation=organisation, system=system, value=value
        )
        if existing is None:
            raise  # not the identifier: a fault, answered 500 by fhir_api
    else:
        return fhir_response(
            resources.service_request(created), 201, Location=_location(request, created.pk)
        )
    if not selectors.is_sent_by(token=token, referral=existing):
        raise _used_by_another_sender()
    # The sender's own referral again: the answer is what it sent, and the referral's status.
    return fhir_response(
        resources.service_request(existing), 200, Location=_location(request, existing.pk)
    )


def _network_service_request_create(
    request: HttpRequest, token: ApiToken, network: Network, incoming: IncomingReferral
) -> HttpResponse:
    """A ServiceRequest sent with a network's token lands in the network's inbox, for a network
    admin to send on (ADR-092). The answer is what was sent, as for an organisation's token:
    no person record is looked up or made until it reaches an organisation."""
    details = incoming.referral
    system, value = details.external_system, details.external_id
    existing = network_selectors.network_referral_by_identifier(
        network=network, system=system, value=value
    )
    if existing is None:
        by = Acting(
            user=None,
            organisation=None,
            ip_address=client_ip(request),
            label=f"API token: {token.name}",
        )
        try:
            with transaction.atomic():
                created = network_referral_receive(
                    by=by,
                    network=network,
                    person=incoming.person,
                    details=details,
                    channel=Channel.FHIR,
                    api_token_id=token.pk,
                )
        except IntegrityError:
            existing = network_selectors.network_referral_by_identifier(
                network=network, system=system, value=value
            )
            if existing is None:
                raise
        else:
            return fhir_response(
                resources.network_service_request(created),
                201,
                Location=_location(request, created.pk),
            )
    if not selectors.is_sent_by(token=token, referral=existing):
        raise _used_by_another_sender()
    return fhir_response(
        resources.network_service_request(existing), 200, Location=_location(request, existing.pk)
    )


def _not_found(kind: str, resource_id: str) -> FhirError:
    return FhirError(404, [Issue("not-found", f"No {kind} with id {resource_id!r}", kind)])


@fhir_api("GET")
def service_request_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    token = _token(request)
    try:
        referral_id = uuid.UUID(resource_id)
    except ValueError as bad:
        raise _not_found("ServiceRequest", resource_id) from bad
    if token.network is not None:
        sent = selectors.network_referral_for_token(token=token, network_referral_id=referral_id)
        if sent is None:
            raise _not_found("ServiceRequest", resource_id)
        return fhir_response(resources.network_service_request(sent))
    referral = selectors.referral_for_token(token=token, referral_id=referral_id)
    if referral is None:
        raise _not_found("ServiceRequest", resource_id)
    return fhir_response(resources.service_request(referral))


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("metadata")


@fhir_api("GET")
def task_search(request: HttpRequest) -> HttpResponse:
    token = _token(request)
    based_on = request.GET.get("based-on", "")
    if not based_on:
        raise FhirError(
            400, [Issue("required", "Search with based-on=ServiceRequest/{id}", "based-on")]
        )
    kind, _, resource_id = based_on.rpartition("/")
    try:
        referral_id = uuid.UUID(resource_id)
    except ValueError:
        referral_id = None
    if kind not in ("ServiceRequest", "") or referral_id is None:
        raise FhirError(400, [Issue("value", "based-on must be ServiceRequest/{id}", "based-on")])
    if token.network is not None:
        sent = selectors.network_referral_for_token(token=token, network_referral_id=referral_id)
        found = [resources.network_task(sent)] if sent is not None else []
        return fhir_response(resources.searchset(found, _base(request)))
    referral = selectors.referral_for_token(token=token, referral_id=referral_id)
    found = [resources.task(referral)] if referral is not None else []
    return fhir_response(resources.searchset(found, _base(request)))


@fhir_api("GET")
def communication_search(request: HttpRequest) -> HttpResponse:
    token = _token(request)
    recipient = request.GET.get("recipient", "").strip()
    ods = recipient.removeprefix("Organization/").removeprefix(f"{ODS_SYSTEM}|").upper()
    if not ods:
        raise FhirError(
            400, [Issue("required", "Search with recipient= the practice's ODS code", "recipient")]
        )
    if token.network is not None:
        raise FhirError(
            403,
            [
                Issue(
                    "forbidden",
                    "A network's token sends referrals to the network's front door; concerns "
                    "for the GP are read with a token of the organisation that raised them",
                    "recipient",
                )
            ],
        )
    if not token.practice_ods or token.practice_ods != ods:
        raise FhirError(
            403,
            [
                Issue(
                    "forbidden",
                    "This token was not made for that practice, so it cannot read its messages",
                    "recipient",
                )
            ],
        )
    concerns = selectors.concerns_for_practice(token=token, practice_ods=ods)[:100]
    return fhir_response(
        resources.searchset([resources.communication(c) for c in concerns], _base(request))
    )


@fhir_api(*EVERY_METHOD)
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other path under /fhir/: a FHIR 404, not the HTML page for people."""
    raise FhirError(
        404,
        [
            Issue(
                "not-found",
                f"There is nothing at {request.path[:200]!r}. This server supports "
                "ServiceRequest (create and read), Task and Communication (search) and metadata",
            )
        ],
    )


@permission("fhir.manage_tokens")
def tokens_page(request: OrganisationRequest) -> HttpResponse:
    """Coordinators make and revoke the tokens their referrers' systems use."""
    organisation = request.organisation
    by = Acting.from_request(request)
    create_form = TokenCreateForm()
    new_token = ""
    if request.method == "POST" and request.POST.get("action") == "revoke":
        revoke = TokenRevokeForm(request.POST)
        if revoke.is_valid():
            try:
                token = account_services.api_token_revoke(
                    by=by, token_id=revoke.cleaned_data["token_id"]
                )
            except ApiToken.DoesNotExist:
                messages.error(request, "That token was not found")
            else:
                messages.success(request, f"'{token.name}' has been revoked and no longer works")
        return redirect("fhir:tokens")
    if request.method == "POST":
        create_form = TokenCreateForm(request.POST)
        if create_form.is_valid():
            _token_record, new_token = account_services.api_token_create(
                by=by, **create_form.cleaned_data
            )
            create_form = TokenCreateForm()
    return render(
        request,
        "fhir/tokens.jinja",
        {
            "tokens": account_selectors.tokens_of(organisation=organisation),
            "form": create_form,
            "new_token": new_token,
        },
    )
