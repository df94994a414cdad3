"""Recruitment pages: the public enquiry form, the coordinator's board and list, adding a
volunteer, moving them on, and inviting someone whose support is ending."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kindred.core.access import permission, public
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, client_ip
from kindred.core.transitions import DomainError
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.volunteers import selectors
from kindred.volunteers.errors import TooManyEnquiries
from kindred.volunteers.filters import VolunteerListFilter
from kindred.volunteers.forms import EnquiryForm, MoveForm, VolunteerAddForm
from kindred.volunteers.models import Stage
from kindred.volunteers.services import recruitment
from kindred.volunteers.views._common import refuse, volunteer_form_page, volunteer_or_404


@public
def enquire(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = selectors.organisation_taking_enquiries(slug=organisation_slug)
    if organisation is None:
        raise Http404("No such organisation")
    token = (request.POST.get("invite") or request.GET.get("invite") or "")[:500]
    invited = recruitment.invitation_person(organisation=organisation, token=token)
    form = EnquiryForm(request.POST or None, invited=invited is not None)
    context = {"form": form, "organisation": organisation, "invite": token if invited else ""}
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            return redirect("volunteers:enquiry_sent", organisation_slug=organisation.slug)
        by = Acting(
            user=None, organisation=organisation, ip_address=client_ip(request),
            label="public enquiry form",
        )  # fmt: skip
        try:
            recruitment.enquiry_receive(by=by, invited=invited, **form.service_arguments())
        except TooManyEnquiries as error:
            refuse(form, error)
            return render(request, "volunteers/enquire.jinja", context, status=429)
        except DomainError as error:
            refuse(form, error)
        else:
            return redirect("volunteers:enquiry_sent", organisation_slug=organisation.slug)
    return render(request, "volunteers/enquire.jinja", context)


@public
def enquiry_sent(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = selectors.organisation_taking_enquiries(slug=organisation_slug)
    if organisation is None:
        raise Http404("No such organisation")
    return render(request, "volunteers/enquiry_sent.jinja", {"organisation": organisation})


@permission("volunteers.view_volunteer")
def board(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    return render(
        request,
        "volunteers/board.jinja",
        {
            "columns": selectors.pipeline_board(organisation=organisation),
            "public_form": request.build_absolute_uri(
                reverse("volunteers:enquire", kwargs={"organisation_slug": organisation.slug})
            ),
        },
    )


@permission("volunteers.view_volunteer")
def volunteer_list(request: OrganisationRequest) -> HttpResponse:
    filters = VolunteerListFilter.from_query(request.GET)
    stage, search = filters.stage, filters.search
    volunteers = selectors.volunteers_of(
        organisation=request.organisation, stage=stage, search=search
    )
    page = Paginator(volunteers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/list.jinja",
        {
            "page": page,
            "stage": stage,
            "search": search,
            "stage_label": Stage(stage).label if stage else "",
        },
    )


@permission("volunteers.manage_volunteer")
def volunteer_add(request: OrganisationRequest) -> HttpResponse:
    form = VolunteerAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        volunteer = recruitment.volunteer_create(
            by=Acting.from_request(request), **form.cleaned_data
        )
        messages.success(request, f"{volunteer.display_name} has been added as an enquiry")
        return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return render(request, "volunteers/add.jinja", {"form": form})


@permission("volunteers.manage_volunteer")
def volunteer_move(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    form = MoveForm(request.POST or None, volunteer=volunteer)
    return volunteer_form_page(
        request, volunteer, form, title=f"Move {volunteer.display_name} on", button="Move them",
        save=lambda f: recruitment.volunteer_move(
            by=Acting.from_request(request), volunteer=volunteer,
            to_stage=f.cleaned_data["to_stage"], expected=f.cleaned_data["expected"],
            note=f.cleaned_data["note"],
        ),
        success=f"{volunteer.display_name}'s stage has been changed",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def invite(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    """Offer someone the organisation supports the way in to volunteering."""
    organisation = request.organisation
    try:
        person = people_selectors.person_of(organisation=organisation, person_id=person_id)
    except Person.DoesNotExist as missing:
        raise Http404("No such person in this organisation") from missing
    error = ""
    if request.method == "POST":
        enquiry_url = request.build_absolute_uri(
            reverse("volunteers:enquire", kwargs={"organisation_slug": organisation.slug})
        )
        try:
            recruitment.volunteering_invite(
                by=Acting.from_request(request), person=person, enquiry_url=enquiry_url
            )
        except DomainError as refused:
            error = str(refused)
        else:
            messages.success(request, f"{person.display_name} has been invited to volunteer")
            return redirect("volunteers:invite", person_id=person.pk)
    people_viewed(by=Acting.from_request(request), people=person, page="invite to volunteer")
    return render(request, "volunteers/invite.jinja", {"person": person, "error": error})
