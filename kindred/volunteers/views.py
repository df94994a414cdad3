"""Volunteer pages: the public enquiry form, the coordinator's pipeline and records, and each
volunteer's own phone-first pages. Thin: parse, call a service, say what happened, redirect."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kindred.core.access import permission, public
from kindred.core.services import Acting
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.volunteers import forms as vforms
from kindred.volunteers import selectors, services
from kindred.volunteers.models import (
    Expense,
    Stage,
    SupportRequest,
    Volunteer,
    VolunteeringRole,
)


def _organisation(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _volunteer_or_404(request: HttpRequest, volunteer_id: uuid.UUID) -> Volunteer:
    try:
        return selectors.volunteer_of(
            organisation=_organisation(request), volunteer_id=volunteer_id
        )
    except Volunteer.DoesNotExist as missing:
        raise Http404("No such volunteer in this organisation") from missing


def _refuse(form: forms.Form, error: services.VolunteerError) -> None:
    """Show a service's refusal in the form's error summary; nothing has been saved."""
    form.add_error(None, str(error))


# Public enquiry form


@public
def enquire(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = selectors.organisation_taking_enquiries(slug=organisation_slug)
    if organisation is None:
        raise Http404("No such organisation")
    token = (request.POST.get("invite") or request.GET.get("invite") or "")[:500]
    invited = services.invitation_person(organisation=organisation, token=token)
    form = vforms.EnquiryForm(request.POST or None, invited=invited is not None)
    context = {"form": form, "organisation": organisation, "invite": token if invited else ""}
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            return redirect("volunteers:enquiry_sent", organisation_slug=organisation.slug)
        by = Acting(
            user=None, organisation=organisation, ip_address=Acting.from_request(request).ip_address,
            label="public enquiry form",
        )  # fmt: skip
        try:
            services.enquiry_receive(by=by, invited=invited, **form.service_arguments())
        except services.TooManyEnquiries as error:
            _refuse(form, error)
            return render(request, "volunteers/enquire.jinja", context, status=429)
        except services.VolunteerError as error:
            _refuse(form, error)
        else:
            return redirect("volunteers:enquiry_sent", organisation_slug=organisation.slug)
    return render(request, "volunteers/enquire.jinja", context)


@public
def enquiry_sent(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = selectors.organisation_taking_enquiries(slug=organisation_slug)
    if organisation is None:
        raise Http404("No such organisation")
    return render(request, "volunteers/enquiry_sent.jinja", {"organisation": organisation})


# Coordinators


@permission("volunteers.view_volunteer")
def board(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
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
def volunteer_list(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    search = request.GET.get("q", "").strip()[:100]
    volunteers = selectors.volunteers_of(
        organisation=_organisation(request), stage=stage, search=search
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
def volunteer_add(request: HttpRequest) -> HttpResponse:
    form = vforms.VolunteerAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        volunteer = services.volunteer_create(by=Acting.from_request(request), **form.cleaned_data)
        messages.success(request, f"{volunteer.display_name} has been added as an enquiry")
        return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return render(request, "volunteers/add.jinja", {"form": form})


@permission("volunteers.view_volunteer")
def volunteer_detail(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    services.volunteer_view_record(by=Acting.from_request(request), volunteer=volunteer)
    organisation = _organisation(request)
    today = timezone.localdate()
    roles = list(selectors.roles_of(organisation=organisation))
    held = set(volunteer.roles.values_list("pk", flat=True))
    return render(
        request,
        "volunteers/detail.jinja",
        {
            "volunteer": volunteer,
            "history": selectors.stage_history_of(volunteer=volunteer),
            "checks": volunteer.dbs_checks.all(),
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


def _volunteer_form_page(
    request: HttpRequest,
    volunteer: Volunteer,
    form: forms.Form,
    *,
    title: str,
    button: str,
    save: Any,
    success: str,
) -> HttpResponse:
    """A form about one volunteer: on a valid POST call `save(form)`, else show the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except services.VolunteerError as error:
            _refuse(form, error)
        else:
            messages.success(request, success)
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_form.jinja",
        {"volunteer": volunteer, "form": form, "title": title, "button": button},
    )


@permission("volunteers.manage_volunteer")
def volunteer_move(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    form = vforms.MoveForm(request.POST or None, volunteer=volunteer)
    return _volunteer_form_page(
        request, volunteer, form, title=f"Move {volunteer.display_name} on", button="Move them",
        save=lambda f: services.volunteer_move(
            by=Acting.from_request(request), volunteer=volunteer,
            to_stage=f.cleaned_data["to_stage"], note=f.cleaned_data["note"],
            version=f.cleaned_data["version"],
        ),
        success=f"{volunteer.display_name}'s stage has been changed",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def dbs_add(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    form = vforms.DbsCheckForm(request.POST or None)
    return _volunteer_form_page(
        request, volunteer, form, title="Record a DBS check", button="Save the DBS check",
        save=lambda f: services.dbs_check_record(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="The DBS check has been recorded",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def training_add(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    form = vforms.TrainingForm(request.POST or None, organisation=_organisation(request))
    return _volunteer_form_page(
        request, volunteer, form, title="Record training", button="Save the training",
        save=lambda f: services.training_record(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="The training has been recorded",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def role_assign(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    form = vforms.RoleAssignForm(request.POST or None, organisation=_organisation(request))
    return _volunteer_form_page(
        request, volunteer, form, title="Give them a role", button="Give them this role",
        save=lambda f: services.role_assign(
            by=Acting.from_request(request), volunteer=volunteer, role=f.cleaned_data["role"]
        ),
        success="The role has been given",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def role_remove(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    form = vforms.RoleRemoveForm(request.POST or None, volunteer=volunteer)
    return _volunteer_form_page(
        request, volunteer, form, title="Stop a role", button="Stop this role",
        save=lambda f: services.role_remove(
            by=Acting.from_request(request), volunteer=volunteer, role=f.cleaned_data["role"]
        ),
        success="The role has been stopped",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def person_link(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    people = selectors.people_for_linking(organisation=_organisation(request))
    form = vforms.PersonLinkForm(request.POST or None, people=people, volunteer=volunteer)
    response = _volunteer_form_page(
        request, volunteer, form, title="Link to their support record", button="Link the records",
        save=lambda f: services.person_link(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="Their volunteer and support records are linked",
    )  # fmt: skip
    if response.status_code == 200:  # the form, listing the people to choose from, was shown
        people_viewed(by=Acting.from_request(request), people=people, page="link records")
    return response


@permission("volunteers.manage_volunteer")
def user_link(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    users = selectors.sign_ins_without_record(organisation=_organisation(request))
    form = vforms.UserLinkForm(request.POST or None, users=users)
    return _volunteer_form_page(
        request, volunteer, form, title="Connect their sign-in", button="Connect their sign-in",
        save=lambda f: services.user_link(
            by=Acting.from_request(request), volunteer=volunteer, user=f.cleaned_data["user"]
        ),
        success="They can now see their own volunteering pages",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def journey_add(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = _volunteer_or_404(request, volunteer_id)
    form = vforms.JourneyForm(request.POST or None)
    return _volunteer_form_page(
        request, volunteer, form, title="Add a step to their journey", button="Add this step",
        save=lambda f: services.journey_event_add(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="Their journey has been updated",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def supervision_add(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    current = selectors.volunteers_of(organisation=organisation).filter(
        stage__in=[Stage.ACTIVE, Stage.PAUSED, Stage.INDUCTION]
    )
    form = vforms.SupervisionForm(request.POST or None, volunteers=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_record(
                by=Acting.from_request(request),
                volunteers=list(form.cleaned_data["volunteers"]),
                kind=form.cleaned_data["kind"],
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
            )
        except services.VolunteerError as error:
            _refuse(form, error)
        else:
            messages.success(request, "The supervision session has been recorded")
            return redirect("volunteers:supervision")
    return render(request, "volunteers/supervision_add.jinja", {"form": form})


@permission("volunteers.view_volunteer")
def supervision(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
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
def support_answer(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    try:
        support = selectors.support_request_of(
            organisation=_organisation(request), request_id=request_id
        )
    except SupportRequest.DoesNotExist as missing:
        raise Http404("No such request") from missing
    if request.method == "POST":
        services.support_request_answer(by=Acting.from_request(request), request=support)
        messages.success(
            request, f"{support.volunteer.display_name}'s request is marked as answered"
        )
        return redirect("volunteers:supervision")
    return render(request, "volunteers/support_answer.jinja", {"support": support})


@permission("volunteers.manage_volunteer")
def invite(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Offer someone the organisation supports the way in to volunteering."""
    organisation = _organisation(request)
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
            services.volunteering_invite(
                by=Acting.from_request(request), person=person, enquiry_url=enquiry_url
            )
        except services.VolunteerError as refused:
            error = str(refused)
        else:
            messages.success(request, f"{person.display_name} has been invited to volunteer")
            return redirect("volunteers:invite", person_id=person.pk)
    people_viewed(by=Acting.from_request(request), people=person, page="invite to volunteer")
    return render(request, "volunteers/invite.jinja", {"person": person, "error": error})


@permission("volunteers.manage_volunteer")
def expenses(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    if request.method == "POST":
        try:
            expense = selectors.expense_of(
                organisation=organisation, expense_id=uuid.UUID(request.POST.get("paid", ""))
            )
        except (ValueError, Expense.DoesNotExist) as missing:
            raise Http404("No such expense") from missing
        services.expense_mark_paid(by=Acting.from_request(request), expense=expense)
        messages.success(
            request, f"£{expense.amount} to {expense.volunteer.display_name} is marked as paid"
        )
        return redirect("volunteers:expenses")
    to_pay = list(selectors.expenses_to_pay(organisation=organisation))
    return render(request, "volunteers/expenses.jinja", {"to_pay": to_pay})


@permission("volunteers.view_volunteer")
def roles(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    if request.method == "POST" and request.user.has_perm("volunteers.configure", organisation):
        services.standard_roles_ensure(by=Acting.from_request(request))
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
def role_detail(request: HttpRequest, role_id: uuid.UUID) -> HttpResponse:
    organisation = _organisation(request)
    try:
        role = selectors.role_of(organisation=organisation, role_id=role_id)
    except VolunteeringRole.DoesNotExist as missing:
        raise Http404("No such role") from missing
    holders = selectors.volunteers_of(organisation=organisation).filter(roles=role)
    eligible = selectors.eligible_volunteers(organisation, role, on=timezone.localdate())
    eligible_ids = {v.pk for v in eligible}
    return render(
        request,
        "volunteers/role_detail.jinja",
        {"role": role, "holders": holders, "eligible_ids": eligible_ids, "eligible": eligible},
    )


@permission("volunteers.configure")
def role_edit(request: HttpRequest, role_id: uuid.UUID) -> HttpResponse:
    organisation = _organisation(request)
    try:
        role = selectors.role_of(organisation=organisation, role_id=role_id)
    except VolunteeringRole.DoesNotExist as missing:
        raise Http404("No such role") from missing
    form = vforms.RoleRequirementsForm(
        request.POST or None,
        organisation=organisation,
        initial={
            "dbs_level": role.dbs_level,
            "dbs_renewal_years": role.dbs_renewal_years,
            "courses": list(role.courses.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.role_update(
                by=Acting.from_request(request), role=role,
                dbs_level=form.cleaned_data["dbs_level"],
                dbs_renewal_years=form.cleaned_data["dbs_renewal_years"],
                courses=list(form.cleaned_data["courses"]),
            )  # fmt: skip
        except services.VolunteerError as error:
            _refuse(form, error)
        else:
            messages.success(request, f"What a {role.name.lower()} needs has been saved")
            return redirect("volunteers:roles")
    return render(request, "volunteers/role_edit.jinja", {"role": role, "form": form})


@permission("volunteers.view_value")
def value(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = vforms.ProgrammeForm(
        request.POST or None,
        initial={
            "hourly_value": selectors.programme_of(organisation=organisation).hourly_value,
            "supervision_every_days": selectors.programme_of(
                organisation=organisation
            ).supervision_every_days,
        },
    )
    can_configure = request.user.has_perm("volunteers.configure", organisation)
    if request.method == "POST" and can_configure and form.is_valid():
        try:
            services.programme_update(by=Acting.from_request(request), **form.cleaned_data)
        except services.VolunteerError as error:
            _refuse(form, error)
        else:
            messages.success(request, "The settings have been saved")
            return redirect("volunteers:value")
    today = timezone.localdate()
    year_start = (
        today.replace(month=4, day=1)
        if today.month >= 4
        else today.replace(year=today.year - 1, month=4, day=1)
    )
    return render(
        request,
        "volunteers/value.jinja",
        {
            "form": form,
            "can_configure": can_configure,
            "all_time": selectors.hours_value(organisation=organisation),
            "this_year": selectors.hours_value(organisation=organisation, since=year_start),
            "year_start": year_start,
            "by_source": selectors.hours_by_source(organisation=organisation),
            "by_month": selectors.hours_by_month(organisation=organisation, on=today),
            "expenses": selectors.expenses_total(organisation=organisation),
            "began_receiving": selectors.supporters_who_received_support(
                organisation=organisation
            ).count(),
            "supporters": selectors.volunteers_of(organisation=organisation)
            .filter(stage__in=[Stage.ACTIVE, Stage.PAUSED])
            .count(),
        },
    )


# Volunteers' own pages (phone-first). Each works from the signed-in user's own record only.


def _me(request: HttpRequest) -> Volunteer | None:
    return selectors.volunteer_for_user(organisation=_organisation(request), user=request.user)  # type: ignore[arg-type]


def _no_record(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "volunteers/me/no_record.jinja", {"title": title})


@permission("volunteers.self_service")
def me(request: HttpRequest) -> HttpResponse:
    volunteer = _me(request)
    if volunteer is None:
        return _no_record(request, "Your volunteering")
    form = vforms.DetailsForm(
        request.POST or None, initial={"phone": volunteer.phone, "email": volunteer.email}
    )
    if request.method == "POST" and form.is_valid():
        services.details_update(
            by=Acting.from_request(request), volunteer=volunteer, **form.cleaned_data
        )
        messages.success(request, "Your details have been saved")
        return redirect("volunteers:me")
    organisation = _organisation(request)
    today = timezone.localdate()
    return render(
        request,
        "volunteers/me/index.jinja",
        {
            "volunteer": volunteer,
            "form": form,
            "due": selectors.due_for(volunteer=volunteer, on=today, days=selectors.REMINDER_DAYS),
            "hours": selectors.hours_value(organisation=organisation, volunteer=volunteer),
            "checked_in": selectors.check_in_this_month(volunteer=volunteer, on=today),
            "journey": selectors.journey_of(volunteer=volunteer),
        },
    )


@permission("volunteers.self_service")
def my_availability(request: HttpRequest) -> HttpResponse:
    volunteer = _me(request)
    if volunteer is None:
        return _no_record(request, "When you are free")
    form = vforms.AvailabilityForm(request.POST or None)
    windows = list(volunteer.availability.all())
    if request.method == "POST" and "remove" in request.POST:
        keep = [
            (w.weekday, w.starts_at, w.ends_at)
            for w in windows
            if str(w.pk) != request.POST["remove"]
        ]
        services.availability_set(
            by=Acting.from_request(request), volunteer=volunteer, windows=keep
        )
        messages.success(request, "That time has been removed")
        return redirect("volunteers:my_availability")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = (data["weekday"], data["starts_at"], data["ends_at"])
        try:
            services.availability_set(
                by=Acting.from_request(request), volunteer=volunteer,
                windows=[(w.weekday, w.starts_at, w.ends_at) for w in windows] + [new],
            )  # fmt: skip
        except services.VolunteerError as error:
            _refuse(form, error)
        else:
            messages.success(request, "Your availability has been saved")
            return redirect("volunteers:my_availability")
    return render(request, "volunteers/me/availability.jinja", {"form": form, "windows": windows})


@permission("volunteers.self_service")
def my_checks(request: HttpRequest) -> HttpResponse:
    volunteer = _me(request)
    if volunteer is None:
        return _no_record(request, "Your training and checks")
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


@permission("volunteers.self_service")
def my_hours(request: HttpRequest) -> HttpResponse:
    volunteer = _me(request)
    if volunteer is None:
        return _no_record(request, "Your hours and expenses")
    is_expense = request.POST.get("form") == "expense"
    is_hours = request.POST.get("form") == "hours"
    hours_form = vforms.HoursForm(
        request.POST if request.method == "POST" and is_hours else None,
        initial={"worked_on": timezone.localdate()},
    )
    expense_form = vforms.ExpenseForm(
        request.POST if request.method == "POST" and is_expense else None,
        prefix="expense",
    )
    by = Acting.from_request(request)
    if request.method == "POST" and request.POST.get("form") == "remove":
        try:
            services.hours_remove_own(
                by=by, volunteer=volunteer, entry_id=uuid.UUID(request.POST.get("entry", ""))
            )
        except (ValueError, services.VolunteerError):
            messages.error(request, "That entry could not be removed")
        else:
            messages.success(request, "The entry has been removed")
        return redirect("volunteers:my_hours")
    if request.method == "POST" and is_hours and hours_form.is_valid():
        try:
            entry = services.hours_log(
                by=by, volunteer=volunteer, worked_on=hours_form.cleaned_data["worked_on"],
                minutes=hours_form.minutes(), description=hours_form.cleaned_data["description"],
            )  # fmt: skip
        except services.VolunteerError as error:
            _refuse(hours_form, error)
        else:
            messages.success(request, f"{entry.hours.normalize():f} hours logged. Thank you")
            return redirect("volunteers:my_hours")
    if request.method == "POST" and is_expense and expense_form.is_valid():
        try:
            services.expense_claim(by=by, volunteer=volunteer, **expense_form.cleaned_data)
        except services.VolunteerError as error:
            _refuse(expense_form, error)
        else:
            messages.success(request, "Your expense claim has been sent to your coordinator")
            return redirect("volunteers:my_hours")
    organisation = _organisation(request)
    return render(
        request,
        "volunteers/me/hours.jinja",
        {
            "form": hours_form if not is_expense else expense_form,  # for the page title
            "hours_form": hours_form,
            "expense_form": expense_form,
            "entries": selectors.hours_of(volunteer=volunteer)[:20],
            "expenses": selectors.expenses_of(volunteer=volunteer)[:10],
            "total": selectors.hours_value(organisation=organisation, volunteer=volunteer),
        },
    )


@permission("volunteers.self_service")
def my_supervision(request: HttpRequest) -> HttpResponse:
    volunteer = _me(request)
    if volunteer is None:
        return _no_record(request, "Supervision and support")
    which = request.POST.get("form", "")
    posted = request.method == "POST"
    support_form = vforms.SupportRequestForm(
        request.POST if posted and which == "support" else None, prefix="support"
    )
    check_in_form = vforms.CheckInForm(
        request.POST if posted and which == "check_in" else None, prefix="check_in"
    )
    by = Acting.from_request(request)
    try:
        if posted and which == "support" and support_form.is_valid():
            services.support_request(by=by, volunteer=volunteer, **support_form.cleaned_data)
            messages.success(request, "Your coordinator has been told and will be in touch")
            return redirect("volunteers:my_supervision")
        if posted and which == "check_in" and check_in_form.is_valid():
            services.wellbeing_check_in(by=by, volunteer=volunteer, **check_in_form.cleaned_data)
            messages.success(request, "Thank you for telling us how you are finding it")
            return redirect("volunteers:my_supervision")
    except services.VolunteerError as error:
        _refuse(support_form if which == "support" else check_in_form, error)
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
