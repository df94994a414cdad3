"""The crisis line's support request pages: the public "ask for support tonight" form, the
on-call phone view (current requests, accept, the person's plan, escalate, close), logging a call,
and the professional's view (what reached them, acknowledge). Thin: find the request from the
organisation acted for (404 for anything this user may not see), call a service, redirect."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kindred.accounts.models import Organisation, Role
from kindred.core.access import permission, public
from kindred.core.http import OrganisationRequest
from kindred.core.limits import try_counted
from kindred.core.services import Acting, client_ip
from kindred.core.transitions import DomainError
from kindred.crisis import requests_selectors as selectors
from kindred.crisis import requests_services as services
from kindred.crisis.models.requests import Channel, Status, SupportRequest
from kindred.crisis.requests_forms import (
    AskForm,
    CloseForm,
    ConcernForm,
    EscalateForm,
    LinkForm,
    LogForm,
    PersonSearchForm,
    SupervisionForm,
)
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.people.services import people_viewed

#: Requests one address may send from the public form in an hour.
ASKS_PER_HOUR = 5


def _refuse(form: forms.Form, error: DomainError) -> None:
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


# The public form


def _organisation_or_404(slug: str) -> Organisation:
    organisation = selectors.organisation_taking_requests(slug=slug)
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


@public
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    """Anyone may ask for support tonight, without signing in. Too many from one address are
    slowed down (the cache's count across processes with Redis, and the audit log's)."""
    organisation = _organisation_or_404(organisation_slug)
    form = AskForm(request.POST or None)
    if request.method == "POST":
        within = try_counted(
            scope="crisis-request", who=client_ip(request), limit=ASKS_PER_HOUR, per_seconds=3600
        )
        sent = selectors.public_requests_from_address(ip_address=client_ip(request))
        if not within or sent >= ASKS_PER_HOUR:
            return render(
                request,
                "crisis/requests/ask_slow_down.jinja",
                {"organisation": organisation},
                status=429,
            )
        if form.is_robot():
            return redirect("crisis:ask_sent", organisation_slug=organisation.slug)
        if form.is_valid():
            by = Acting(
                user=None,
                organisation=organisation,
                ip_address=client_ip(request),
                label="crisis line web form",
            )
            try:
                services.support_request_receive(
                    organisation,
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                    message=form.cleaned_data["message"],
                    channel=Channel.WEB,
                    by=by,
                )
            except DomainError as error:
                _refuse(form, error)
            else:
                return redirect("crisis:ask_sent", organisation_slug=organisation.slug)
    return render(
        request, "crisis/requests/ask.jinja", {"form": form, "organisation": organisation}
    )


@public
def ask_sent(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = _organisation_or_404(organisation_slug)
    return render(request, "crisis/requests/ask_sent.jinja", {"organisation": organisation})


# The on-call phone view


def _request_or_404(request: OrganisationRequest, support_request_id: uuid.UUID) -> SupportRequest:
    try:
        return selectors.request_for_user(
            organisation=request.organisation, user=request.user, request_id=support_request_id
        )
    except SupportRequest.DoesNotExist as missing:
        raise Http404("No such request that you may see") from missing


@permission("crisis.view_requests")
def request_list(request: OrganisationRequest) -> HttpResponse:
    """Current requests for this user (all of them for a coordinator). The list refreshes
    itself where JavaScript runs (crisis/requests-refresh.mjs) and has a Refresh link."""
    found = list(
        selectors.requests_for_user(organisation=request.organisation, user=request.user)[:100]
    )
    mine = selectors.offered_to_user(requests=found, user=request.user)
    services.requests_listed(by=Acting.from_request(request), requests=found)
    return render(
        request,
        "crisis/requests/list.jinja",
        {
            "found": found,
            "offered_to_me": mine,
            "reached_me": list(
                selectors.reached_professional(organisation=request.organisation, user=request.user)
            )
            if Role.DUTY_PROFESSIONAL in request.user.roles_in(request.organisation)
            else [],
            "may_log": request.user.has_perm("crisis.log_request", request.organisation),
        },
    )


@permission("crisis.log_request")
@require_http_methods(["GET", "POST"])
def request_log(request: OrganisationRequest) -> HttpResponse:
    """A supporter logs a call or text they took: it is offered to the team like any other,
    and they may take it themselves at once."""
    form = LogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        by = Acting.from_request(request)
        try:
            created = services.support_request_receive(
                request.organisation,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                channel=form.cleaned_data["channel"],
                by=by,
            )
        except DomainError as error:
            _refuse(form, error)
        else:
            messages.success(
                request, "The request is logged and offered to the supporters on call."
            )
            return redirect("crisis:request", support_request_id=created.pk)
    return render(request, "crisis/requests/log.jinja", {"form": form})


@permission("crisis.view_requests")
def request_detail(request: OrganisationRequest, support_request_id: uuid.UUID) -> HttpResponse:
    found = _request_or_404(request, support_request_id)
    by = Acting.from_request(request)
    services.request_viewed(by=by, request=found)
    holds = found.accepted_by_id == request.user.pk
    coordinator = Role.COORDINATOR in request.user.roles_in(request.organisation)
    plan = (
        services.crisis_plan_for_request(by=by, request=found) if (holds or coordinator) else None
    )
    if found.person is not None and (holds or coordinator):
        people_viewed(by=by, people=found.person, page="crisis line request")
    return render(
        request,
        "crisis/requests/detail.jinja",
        {
            "found": found,
            "events": list(found.events.all()),
            "holds": holds,
            "coordinator": coordinator,
            "may_accept": found.status == Status.WAITING
            and (coordinator or services.was_offered_to(found, request.user)),
            "may_acknowledge": found.professional_id == request.user.pk
            and found.acknowledged_at is None
            and found.status != Status.CLOSED,
            "works_it": (holds or coordinator) and found.status == Status.ACCEPTED,
            "plan": plan,
            "escalate_form": EscalateForm(),
        },
    )


def _act(
    request: OrganisationRequest,
    support_request_id: uuid.UUID,
    action: Any,
    done: str,
    **kwargs: Any,
) -> HttpResponse:
    found = _request_or_404(request, support_request_id)
    try:
        action(by=Acting.from_request(request), request_id=found.pk, **kwargs)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("crisis:request", support_request_id=found.pk)


@permission("crisis.view_requests")
@require_POST
def request_accept(request: OrganisationRequest, support_request_id: uuid.UUID) -> HttpResponse:
    return _act(request, support_request_id, services.support_request_accept,
                "You have taken this request. The others on call have been told.")  # fmt: skip


@permission("crisis.acknowledge_request")
@require_POST
def request_acknowledge(
    request: OrganisationRequest, support_request_id: uuid.UUID
) -> HttpResponse:
    return _act(request, support_request_id, services.support_request_acknowledge,
                "You have acknowledged this request.")  # fmt: skip


@permission("crisis.view_requests")
@require_POST
def request_escalate(request: OrganisationRequest, support_request_id: uuid.UUID) -> HttpResponse:
    form = EscalateForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(request, support_request_id, services.support_request_escalate,
                "The professional on call has been told.", note=note)  # fmt: skip


@permission("crisis.view_requests")
@require_http_methods(["GET", "POST"])
def request_link(request: OrganisationRequest, support_request_id: uuid.UUID) -> HttpResponse:
    """Find the person's record by searching (within the organisation) and choose it. Nothing
    is matched automatically, not even by phone number."""
    found = _request_or_404(request, support_request_id)
    search = PersonSearchForm(request.GET or None)
    link_form = LinkForm(request.POST or None)
    if request.method == "POST" and link_form.is_valid():
        try:
            person = people_selectors.person_of(
                organisation=request.organisation, person_id=link_form.cleaned_data["person"]
            )
        except Person.DoesNotExist:
            link_form.add_error("person", "Choose their record")
        else:
            try:
                services.support_request_link_person(
                    by=Acting.from_request(request), request_id=found.pk, person=person
                )
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Linked to the record of {person.display_name}.")
            return redirect("crisis:request", support_request_id=found.pk)
    results: list[Person] = []
    query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
    if query:
        results = list(
            people_selectors.people_of(organisation=request.organisation, search=query)[:20]
        )
        people_viewed(by=Acting.from_request(request), people=results, page="crisis line link")
    return render(
        request,
        "crisis/requests/link.jinja",
        {
            "found": found,
            "search": search,
            "link_form": link_form,
            "results": results,
            "query": query,
        },
    )


@permission("crisis.view_requests")
@require_http_methods(["GET", "POST"])
def request_concern(request: OrganisationRequest, support_request_id: uuid.UUID) -> HttpResponse:
    found = _request_or_404(request, support_request_id)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_concern(
                by=Acting.from_request(request),
                request_id=found.pk,
                level=form.cleaned_data["level"],
                detail=form.cleaned_data["detail"],
            )
        except DomainError as error:
            _refuse(form, error)
        else:
            messages.success(request, "Your safeguarding concern has been raised.")
            return redirect("crisis:request", support_request_id=found.pk)
    return render(request, "crisis/requests/concern.jinja", {"found": found, "form": form})


@permission("crisis.view_requests")
@require_http_methods(["GET", "POST"])
def request_close(request: OrganisationRequest, support_request_id: uuid.UUID) -> HttpResponse:
    found = _request_or_404(request, support_request_id)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hard = form.cleaned_data["hard_call"] == "yes"
        try:
            services.support_request_close(
                by=Acting.from_request(request),
                request_id=found.pk,
                outcome=form.cleaned_data["outcome"],
                professional_help=form.cleaned_data["professional_help"] == "yes",
                hard_call=hard,
            )
        except DomainError as error:
            _refuse(form, error)
        else:
            if hard:
                return redirect("crisis:request_debrief", support_request_id=found.pk)
            messages.success(request, "The request is closed. Thank you.")
            return redirect("crisis:requests")
    return render(request, "crisis/requests/close.jinja", {"found": found, "form": form})


@permission("crisis.view_requests")
@require_http_methods(["GET", "POST"])
def request_debrief(request: OrganisationRequest, support_request_id: uuid.UUID) -> HttpResponse:
    """After a hard call: a debrief, and a way to ask for supervision (the coordinator is
    told)."""
    found = _request_or_404(request, support_request_id)
    form = SupervisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_supervision_ask(
                by=Acting.from_request(request), request_id=found.pk, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            _refuse(form, error)
        else:
            messages.success(request, "Your coordinator has been told. They will be in touch.")
            return redirect("crisis:requests")
    return render(
        request,
        "crisis/requests/debrief.jinja",
        {"found": found, "form": form, "holds": found.accepted_by_id == request.user.pk},
    )
