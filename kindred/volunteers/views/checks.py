"""Checks pages: recording a DBS check or training, training for everyone who attended a course,
and the volunteer's own training and checks."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.volunteers import selectors
from kindred.volunteers.forms import BulkTrainingForm, ChooseCourseForm, DbsCheckForm, TrainingForm
from kindred.volunteers.services import checks
from kindred.volunteers.views._common import (
    my_record,
    no_record,
    refuse,
    volunteer_form_page,
    volunteer_or_404,
)

#: The most volunteers the attendance list shows at once; narrow it by stage for more.
ATTENDANCE_LIST_LIMIT = 200


@permission("volunteers.manage_volunteer")
def dbs_add(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    form = DbsCheckForm(request.POST or None)
    return volunteer_form_page(
        request, volunteer, form, title="Record a DBS check", button="Save the DBS check",
        save=lambda f: checks.dbs_check_record(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="The DBS check has been recorded",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def training_add(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    form = TrainingForm(request.POST or None, organisation=request.organisation)
    return volunteer_form_page(
        request, volunteer, form, title="Record training", button="Save the training",
        save=lambda f: checks.training_record(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="The training has been recorded",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def training_bulk(request: OrganisationRequest) -> HttpResponse:
    """Record one course for everyone who attended it: choose the course (and who to list), then
    tick who came from those who still need it, and give the date. One submission."""
    organisation = request.organisation
    choose = ChooseCourseForm(
        request.GET if "course" in request.GET else None, organisation=organisation
    )
    context: dict[str, object] = {
        "choose": choose,
        "has_courses": selectors.courses_of(organisation=organisation).exists(),
        "form": None,
    }
    if choose.is_bound and choose.is_valid():
        course, stage = choose.cleaned_data["course"], choose.cleaned_data["stage"]
        needing = selectors.volunteers_needing_course(
            organisation=organisation, course=course, stage=stage
        )
        shown = list(needing[:ATTENDANCE_LIST_LIMIT])
        form = BulkTrainingForm(
            request.POST if request.method == "POST" else None,
            needing=selectors.volunteers_needing_course(organisation=organisation, course=course),
            shown=shown,
        )
        if request.method == "POST" and form.is_valid():
            attended = list(form.cleaned_data["volunteers"])
            try:
                checks.training_record_many(
                    by=Acting.from_request(request),
                    course=course,
                    completed_on=form.cleaned_data["completed_on"],
                    volunteers=attended,
                )
            except DomainError as error:
                refuse(form, error)
            else:
                people = "1 volunteer" if len(attended) == 1 else f"{len(attended)} volunteers"
                messages.success(request, f"{course.name} has been recorded for {people}")
                return redirect(request.get_full_path())
        context |= {
            "course": course,
            "form": form,
            "shown": shown,
            "total": len(shown) if len(shown) < ATTENDANCE_LIST_LIMIT else needing.count(),
            "action": f"{reverse('volunteers:training_bulk')}?{request.GET.urlencode()}",
        }
    return render(request, "volunteers/training_bulk.jinja", context)


@permission("volunteers.self_service")
def my_checks(request: OrganisationRequest) -> HttpResponse:
    volunteer = my_record(request)
    if volunteer is None:
        return no_record(request, "Your training and checks")
    today = timezone.localdate()
    roles = list(volunteer.roles.prefetch_related("courses"))
    return render(
        request,
        "volunteers/me/checks.jinja",
        {
            "volunteer": volunteer,
            "due": selectors.due_for(volunteer=volunteer, on=today, days=selectors.REMINDER_DAYS),
            "training": volunteer.training.select_related("course"),
            "checks": volunteer.dbs_checks.all(),
            "roles": [
                (role, selectors.eligibility_for(volunteer=volunteer, role=role, on=today))
                for role in roles
            ],
            "today": today,
        },
    )
