"""Hours pages: what volunteering is worth to the organisation (and its settings), and the
volunteer's own hours and expense claims."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.presenters import count_of
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.volunteers import selectors
from kindred.volunteers.forms import ExpenseForm, HoursForm, ProgrammeForm
from kindred.volunteers.models import Stage
from kindred.volunteers.services import expenses, hours
from kindred.volunteers.views._common import my_record, no_record, refuse


@permission("volunteers.view_value")
def value(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    programme = selectors.programme_of(organisation=organisation)
    form = ProgrammeForm(
        request.POST or None,
        initial={
            "hourly_value": programme.hourly_value,
            "supervision_every_days": programme.supervision_every_days,
            "references_needed": programme.references_needed,
        },
    )
    can_configure = request.user.has_perm("volunteers.configure", organisation)
    if request.method == "POST" and can_configure and form.is_valid():
        try:
            hours.programme_update(by=Acting.from_request(request), **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
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


@permission("volunteers.self_service")
def my_hours(request: OrganisationRequest) -> HttpResponse:
    volunteer = my_record(request)
    if volunteer is None:
        return no_record(request, "Your hours and expenses")
    is_expense = request.POST.get("form") == "expense"
    is_hours = request.POST.get("form") == "hours"
    hours_form = HoursForm(
        request.POST if request.method == "POST" and is_hours else None,
        initial={"worked_on": timezone.localdate()},
    )
    expense_form = ExpenseForm(
        request.POST if request.method == "POST" and is_expense else None,
        prefix="expense",
    )
    by = Acting.from_request(request)
    if request.method == "POST" and request.POST.get("form") == "remove":
        try:
            hours.hours_remove_own(
                by=by, volunteer=volunteer, entry_id=uuid.UUID(request.POST.get("entry", ""))
            )
        except (ValueError, DomainError):
            messages.error(request, "That entry could not be removed")
        else:
            messages.success(request, "The entry has been removed")
        return redirect("volunteers:my_hours")
    if request.method == "POST" and is_hours and hours_form.is_valid():
        try:
            entry = hours.hours_log(
                by=by, volunteer=volunteer, worked_on=hours_form.cleaned_data["worked_on"],
                minutes=hours_form.minutes(), description=hours_form.cleaned_data["description"],
            )  # fmt: skip
        except DomainError as error:
            refuse(hours_form, error)
        else:
            messages.success(request, f"{count_of(entry.hours, 'hour')} logged. Thank you")
            return redirect("volunteers:my_hours")
    if request.method == "POST" and is_expense and expense_form.is_valid():
        try:
            expenses.expense_claim(by=by, volunteer=volunteer, **expense_form.cleaned_data)
        except DomainError as error:
            refuse(expense_form, error)
        else:
            messages.success(request, "Your expense claim has been sent to your coordinator")
            return redirect("volunteers:my_hours")
    return render(
        request,
        "volunteers/me/hours.jinja",
        {
            "form": hours_form if not is_expense else expense_form,  # for the page title
            "hours_form": hours_form,
            "expense_form": expense_form,
            "entries": selectors.hours_of(volunteer=volunteer)[:20],
            "expenses": selectors.expenses_of(volunteer=volunteer)[:10],
            "total": selectors.hours_value(organisation=request.organisation, volunteer=volunteer),
        },
    )
