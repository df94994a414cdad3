"""Roles pages: the organisation's roles and courses, who may do a role, what it asks for, and
giving a volunteer a role or stopping one."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.volunteers import selectors
from kindred.volunteers.forms import RoleAssignForm, RoleRemoveForm, RoleRequirementsForm
from kindred.volunteers.models import VolunteeringRole
from kindred.volunteers.services import roles as role_services
from kindred.volunteers.views._common import refuse, volunteer_form_page, volunteer_or_404


def _role_or_404(request: OrganisationRequest, role_id: uuid.UUID) -> VolunteeringRole:
    try:
        return selectors.role_of(organisation=request.organisation, role_id=role_id)
    except VolunteeringRole.DoesNotExist as missing:
        raise Http404("No such role") from missing


@permission("volunteers.view_volunteer")
def roles(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "POST" and request.user.has_perm("volunteers.configure", organisation):
        role_services.standard_roles_ensure(by=Acting.from_request(request))
        messages.success(request, "The usual roles and courses have been set up")
        return redirect("volunteers:roles")
    return render(
        request,
        "volunteers/roles.jinja",
        {
            "roles": selectors.roles_of(organisation=organisation),
            "courses": selectors.courses_of(organisation=organisation),
        },
    )


@permission("volunteers.view_volunteer")
def role_detail(request: OrganisationRequest, role_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
    role = _role_or_404(request, role_id)
    holders = selectors.volunteers_of(organisation=organisation).filter(roles=role)
    eligible = selectors.eligible_volunteers(organisation, role, on=timezone.localdate())
    eligible_ids = {v.pk for v in eligible}
    return render(
        request,
        "volunteers/role_detail.jinja",
        {"role": role, "holders": holders, "eligible_ids": eligible_ids, "eligible": eligible},
    )


@permission("volunteers.configure")
def role_edit(request: OrganisationRequest, role_id: uuid.UUID) -> HttpResponse:
    role = _role_or_404(request, role_id)
    form = RoleRequirementsForm(
        request.POST or None,
        organisation=request.organisation,
        initial={
            "dbs_level": role.dbs_level,
            "dbs_renewal_years": role.dbs_renewal_years,
            "courses": list(role.courses.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            role_services.role_update(
                by=Acting.from_request(request), role=role,
                dbs_level=form.cleaned_data["dbs_level"],
                dbs_renewal_years=form.cleaned_data["dbs_renewal_years"],
                courses=list(form.cleaned_data["courses"]),
            )  # fmt: skip
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, f"What a {role.name.lower()} needs has been saved")
            return redirect("volunteers:roles")
    return render(request, "volunteers/role_edit.jinja", {"role": role, "form": form})


@permission("volunteers.manage_volunteer")
def role_assign(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    form = RoleAssignForm(request.POST or None, organisation=request.organisation)
    return volunteer_form_page(
        request, volunteer, form, title="Give them a role", button="Give them this role",
        save=lambda f: role_services.role_assign(
            by=Acting.from_request(request), volunteer=volunteer, role=f.cleaned_data["role"]
        ),
        success="The role has been given",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def role_remove(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    form = RoleRemoveForm(request.POST or None, volunteer=volunteer)
    return volunteer_form_page(
        request, volunteer, form, title="Stop a role", button="Stop this role",
        save=lambda f: role_services.role_remove(
            by=Acting.from_request(request), volunteer=volunteer, role=f.cleaned_data["role"]
        ),
        success="The role has been stopped",
    )  # fmt: skip
