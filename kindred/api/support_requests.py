"""Crisis support requests over the JSON API: a telephony or SMS gateway posts what it received
(`support-requests:write`) and follows what happened to it (`support-requests:read`). Both call
the crisis app's services and selectors with the token's organisation, so another
organisation's request is simply not found (404)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from kindred.accounts.models import Scope
from kindred.api.auth import TokenWithScope, token_of
from kindred.api.problems import Problem
from kindred.api.schemas import (
    EventOut,
    ProblemOut,
    SupportRequestCreated,
    SupportRequestIn,
    SupportRequestOut,
)
from kindred.core.services import Acting, client_ip
from kindred.crisis import selectors as crisis_selectors
from kindred.crisis import services as crisis_services

router = Router(tags=["support requests"])

#: The refusals each operation documents (every one a problem body).
CREATE_REFUSALS = frozenset({400, 401, 403, 413, 415})
READ_REFUSALS = frozenset({401, 403, 404})


@router.post(
    "/support-requests",
    response={201: SupportRequestCreated, CREATE_REFUSALS: ProblemOut},
    auth=TokenWithScope(Scope.SUPPORT_REQUESTS_WRITE),
    url_name="support_requests",
    summary="Send a support request (scope support-requests:write)",
)
def support_request_create(
    request: HttpRequest, response: HttpResponse, payload: SupportRequestIn
) -> Status[SupportRequestCreated]:
    """Offers it at once to every supporter on call. A phone number or an email address is
    needed (400 no-way-to-reach without). The answer repeats what was sent, with the new id."""
    token = token_of(request)
    organisation = token.organisation
    assert organisation is not None  # TokenWithScope lets only an organisation's token through
    by = Acting(
        user=None,
        organisation=organisation,
        ip_address=client_ip(request),
        label=f"API token: {token.name}",
    )
    created = crisis_services.support_request_receive(
        organisation,
        name=payload.name,
        phone=payload.phone,
        email=payload.email,
        message=payload.message,
        channel=payload.channel,
        by=by,
    )
    response["Location"] = request.build_absolute_uri(
        reverse("api:support_request", kwargs={"support_request_id": created.pk})
    )
    return Status(
        201, SupportRequestCreated(id=created.pk, status=created.status, **payload.model_dump())
    )


@router.get(
    "/support-requests/{uuid:support_request_id}",
    response={200: SupportRequestOut, READ_REFUSALS: ProblemOut},
    auth=TokenWithScope(Scope.SUPPORT_REQUESTS_READ),
    url_name="support_request",
    summary="A support request's status and timeline (scope support-requests:read)",
)
def support_request_read(request: HttpRequest, support_request_id: uuid.UUID) -> SupportRequestOut:
    organisation = token_of(request).organisation
    assert organisation is not None
    try:
        found = crisis_selectors.support_request_for(organisation, support_request_id)
    except ObjectDoesNotExist:  # SupportRequest.DoesNotExist: none of this organisation's
        raise Problem(404, "not-found", "No support request of yours has this id") from None
    return SupportRequestOut(
        id=found.pk,
        status=found.status,
        events=[
            EventOut(kind=event.kind, to=event.to or None, at=event.at, people=event.people)
            for event in found.events.all()
        ],
    )
