"""Support pages: supervision (who is due, recording a session), requests for support and
check-ins from volunteers finding it hard; and the volunteer's own supervision and support."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.volunteers import selectors
from kindred.volunteers.forms import CheckInForm, SupervisionForm, SupportRequestForm
from kindred.volunteers.models import Stage, SupportRequest
from kindred.volunteers.services import support
from kindred.volunteers.views._common import my_record, no_record, refuse


@permission("volunteers.view_volunteer")
def supervision(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    return render(
        request,
        "volunteers/supervision.jinja",
        {
            "overdue": selectors.overdue_supervision(organisation=organisation),
            "requests": list(selectors.open_support_requests(organisation=organisation)),
            "struggling": list(selectors.struggling_this_month(organisation=organisation)),
            "programme": selectors.programme_of(organisation=organisation),
        },
    )


@permission("volunteers.manage_volunteer")
def supervision_add(request: OrganisationRequest) -> HttpResponse:
    current = selectors.volunteers_of(organisation=request.organisation).filter(
        stage__in=[Stage.ACTIVE, Stage.PAUSED, Stage.INDUCTION]
    )
    form = SupervisionForm(request.POST or None, volunteers=current)
    if request.method == "POST" and form.is_valid():
        try:
            support.supervision_record(
                by=Acting.from_request(request),
                volunteers=list(form.cleaned_data["volunteers"]),
                kind=form.cleaned_data["kind"],
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, "The supervision session has been recorded")
            return redirect("volunteers:supervision")
    return render(request, "volunteers/supervision_add.jinja", {"form": form})


@permission("volunteers.manage_volunteer")
def support_answer(request: OrganisationRequest, request_id: uuid.UUID) -> HttpResponse:
    try:
        asked = selectors.support_request_of(
            organisation=request.organisation, request_id=request_id
        )
    except SupportRequest.DoesNotExist as missing:
        raise Http404("No such request") from missing
    if request.method == "POST":
        support.support_request_answer(by=Acting.from_request(request), request=asked)
        messages.success(request, f"{asked.volunteer.display_name}'s request is marked as answered")
        return redirect("volunteers:supervision")
    return render(request, "volunteers/support_answer.jinja", {"support": asked})


@permission("volunteers.self_service")
def my_supervision(request: OrganisationRequest) -> HttpResponse:
    volunteer = my_record(request)
    if volunteer is None:
        return no_record(request, "Supervision and support")
    which = request.POST.get("form", "")
    posted = request.method == "POST"
    support_form = SupportRequestForm(
        request.POST if posted and which == "support" else None, prefix="support"
    )
    check_in_form = CheckInForm(
        request.POST if posted and which == "check_in" else None, prefix="check_in"
    )
    by = Acting.from_request(request)
    try:
        if posted and which == "support" and support_form.is_valid():
            support.support_request(by=by, volunteer=volunteer, **support_form.cleaned_data)
            messages.success(request, "Your coordinator has been told and will be in touch")
            return redirect("volunteers:my_supervision")
        if posted and which == "check_in" and check_in_form.is_valid():
            support.wellbeing_check_in(by=by, volunteer=volunteer, **check_in_form.cleaned_data)
            messages.success(request, "Thank you for telling us how you are finding it")
            return redirect("volunteers:my_supervision")
    except DomainError as error:
        refuse(support_form if which == "support" else check_in_form, error)
    return render(
        request,
        "volunteers/me/supervision.jinja",
        {
            "form": support_form if which == "support" else check_in_form,
            "support_form": support_form,
            "check_in_form": check_in_form,
            "sessions": selectors.supervision_of(volunteer=volunteer)[:12],
            "checked_in": selectors.check_in_this_month(volunteer=volunteer),
        },
    )
