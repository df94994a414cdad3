"""A volunteer's record: the coordinator's view of it, linking it to a sign-in and to their
support record, their peer journey; and the volunteer's own details and availability."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.accounts.models import Role
from kindred.accounts.reach import grantable_roles
from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_view
from kindred.core.transitions import DomainError
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.volunteers import selectors
from kindred.volunteers.audit_actions import VOLUNTEER
from kindred.volunteers.forms import (
    AvailabilityForm,
    DetailsForm,
    JourneyForm,
    PersonLinkForm,
    PersonSearchForm,
    UserLinkForm,
)
from kindred.volunteers.services import profile
from kindred.volunteers.views._common import (
    my_record,
    no_record,
    refuse,
    volunteer_form_page,
    volunteer_or_404,
)

#: The most people the link-records search lists: a page, never the whole organisation.
LINK_MATCHES = 20


@permission("volunteers.view_volunteer")
def volunteer_detail(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    audit_view(by=Acting.from_request(request), entity=VOLUNTEER, target=volunteer)
    organisation = request.organisation
    today = timezone.localdate()
    roles = list(selectors.roles_of(organisation=organisation))
    held = set(volunteer.roles.values_list("pk", flat=True))
    references = list(selectors.references_of(volunteer=volunteer))
    return render(
        request,
        "volunteers/detail.jinja",
        {
            "volunteer": volunteer,
            "history": selectors.stage_history_of(volunteer=volunteer),
            "references": references,
            "satisfactory": sum(1 for r in references if r.is_satisfactory),
            "references_needed": selectors.references_needed(organisation=organisation),
            "invitation": (
                None
                if volunteer.user_id
                else selectors.sign_in_invitation_waiting(volunteer=volunteer)
            ),
            "may_invite": Role.VOLUNTEER in grantable_roles(by=Acting.from_request(request)),
            "checks": volunteer.dbs_checks.select_related("recorded_by"),
            "training": volunteer.training.select_related("course"),
            "roles": [
                (
                    role,
                    role.pk in held,
                    selectors.eligibility_for(volunteer=volunteer, role=role, on=today),
                )
                for role in roles
            ],
            "due": selectors.due_for(volunteer=volunteer, on=today, days=selectors.REMINDER_DAYS),
            "journey": selectors.journey_of(volunteer=volunteer),
            "supervision": selectors.supervision_of(volunteer=volunteer)[:5],
            "availability": volunteer.availability.all(),
            "check_ins": volunteer.check_ins.all()[:3],
            "expenses": selectors.expenses_of(volunteer=volunteer)[:5],
            "hours": selectors.hours_value(organisation=organisation, volunteer=volunteer),
            "today": today,
        },
    )


@permission("volunteers.manage_volunteer")
def person_link(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    """Link a volunteer to their support record: first find the record (at most a page of
    matches, ADR-100), then confirm. Works without JavaScript: a search form, then links."""
    volunteer = volunteer_or_404(request, volunteer_id)
    organisation = request.organisation
    chosen = request.POST.get("person") or request.GET.get("person", "")
    if not chosen:
        search = PersonSearchForm(request.GET or None)
        words = search.cleaned_data["q"].strip() if search.is_valid() else ""
        found = (
            list(people_selectors.people_of(organisation=organisation, search=words)[:LINK_MATCHES])
            if words
            else []
        )
        people_viewed(by=Acting.from_request(request), people=found, page="link records: search")
        return render(
            request,
            "volunteers/link_search.jinja",
            {
                "volunteer": volunteer, "form": search, "found": found, "searched": bool(words),
                "limit": LINK_MATCHES,
            },
        )  # fmt: skip
    try:
        person = people_selectors.person_of(organisation=organisation, person_id=uuid.UUID(chosen))
    except (ValueError, Person.DoesNotExist) as missing:
        raise Http404("No such person in this organisation") from missing
    form = PersonLinkForm(
        request.POST or None,
        initial={"person": person.pk},
        people=selectors.people_for_linking(organisation=organisation),
        volunteer=volunteer,
    )
    response = volunteer_form_page(
        request, volunteer, form, title="Link to their support record", button="Link the records",
        lead=f"Their support record: {person.display_name}"
        + (f", {person.postcode}" if person.postcode else ""),
        save=lambda f: profile.person_link(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="Their volunteer and support records are linked",
    )  # fmt: skip
    if response.status_code == 200:  # the form, naming the person chosen, was shown
        people_viewed(by=Acting.from_request(request), people=[person], page="link records")
    return response


@permission("volunteers.manage_volunteer")
def user_link(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    users = selectors.sign_ins_without_record(organisation=request.organisation)
    form = UserLinkForm(request.POST or None, users=users)
    return volunteer_form_page(
        request, volunteer, form, title="Connect their sign-in", button="Connect their sign-in",
        save=lambda f: profile.user_link(
            by=Acting.from_request(request), volunteer=volunteer, user=f.cleaned_data["user"]
        ),
        success="They can now see their own volunteering pages",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
@require_POST
def sign_in_invite(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    """The button on a volunteer's record: email them an invitation to sign in as a volunteer."""
    volunteer = volunteer_or_404(request, volunteer_id)
    try:
        profile.sign_in_invite(
            by=Acting.from_request(request),
            volunteer=volunteer,
            base_url=request.build_absolute_uri("/"),
        )
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"We have emailed {volunteer.display_name} an invitation to sign in as a volunteer. "
            "When they have accepted it, connect their sign-in to this record.",
        )
    return redirect("volunteers:detail", volunteer_id=volunteer.pk)


@permission("volunteers.manage_volunteer")
def journey_add(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    form = JourneyForm(request.POST or None)
    return volunteer_form_page(
        request, volunteer, form, title="Add a step to their journey", button="Add this step",
        save=lambda f: profile.journey_event_add(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="Their journey has been updated",
    )  # fmt: skip


# The volunteer's own pages (phone-first)


@permission("volunteers.self_service")
def me(request: OrganisationRequest) -> HttpResponse:
    volunteer = my_record(request)
    if volunteer is None:
        return no_record(request, "Your volunteering")
    form = DetailsForm(
        request.POST or None, initial={"phone": volunteer.phone, "email": volunteer.email}
    )
    if request.method == "POST" and form.is_valid():
        profile.details_update(
            by=Acting.from_request(request), volunteer=volunteer, **form.cleaned_data
        )
        messages.success(request, "Your details have been saved")
        return redirect("volunteers:me")
    today = timezone.localdate()
    return render(
        request,
        "volunteers/me/index.jinja",
        {
            "volunteer": volunteer,
            "form": form,
            "due": selectors.due_for(volunteer=volunteer, on=today, days=selectors.REMINDER_DAYS),
            "hours": selectors.hours_value(organisation=request.organisation, volunteer=volunteer),
            "checked_in": selectors.check_in_this_month(volunteer=volunteer, on=today),
            "journey": selectors.journey_of(volunteer=volunteer),
        },
    )


@permission("volunteers.self_service")
def my_availability(request: OrganisationRequest) -> HttpResponse:
    volunteer = my_record(request)
    if volunteer is None:
        return no_record(request, "When you are free")
    form = AvailabilityForm(request.POST or None)
    windows = list(volunteer.availability.all())
    if request.method == "POST" and "remove" in request.POST:
        keep = [
            (w.weekday, w.starts_at, w.ends_at)
            for w in windows
            if str(w.pk) != request.POST["remove"]
        ]
        profile.availability_set(by=Acting.from_request(request), volunteer=volunteer, windows=keep)
        messages.success(request, "That time has been removed")
        return redirect("volunteers:my_availability")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = (data["weekday"], data["starts_at"], data["ends_at"])
        try:
            profile.availability_set(
                by=Acting.from_request(request), volunteer=volunteer,
                windows=[(w.weekday, w.starts_at, w.ends_at) for w in windows] + [new],
            )  # fmt: skip
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, "Your availability has been saved")
            return redirect("volunteers:my_availability")
    return render(request, "volunteers/me/availability.jinja", {"form": form, "windows": windows})
