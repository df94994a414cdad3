"""What the volunteers pages share (private to the package)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.http import OrganisationRequest
from kindred.core.transitions import DomainError
from kindred.volunteers import selectors
from kindred.volunteers.models import Volunteer


def volunteer_or_404(request: OrganisationRequest, volunteer_id: uuid.UUID) -> Volunteer:
    try:
        return selectors.volunteer_of(organisation=request.organisation, volunteer_id=volunteer_id)
    except Volunteer.DoesNotExist as missing:
        raise Http404("No such volunteer in this organisation") from missing


def refuse(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal in the form's error summary; nothing has been saved."""
    form.add_error(None, str(error))


def volunteer_form_page(
    request: OrganisationRequest,
    volunteer: Volunteer,
    form: forms.Form,
    *,
    title: str,
    button: str,
    save: Callable[[forms.Form], object],
    success: str,
    lead: str = "",
) -> HttpResponse:
    """A form about one volunteer: on a valid POST call `save(form)`, else show the form (with
    `lead`, a sentence saying what it is about, under its heading)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, success)
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_form.jinja",
        {"volunteer": volunteer, "form": form, "title": title, "button": button, "lead": lead},
    )


def my_record(request: OrganisationRequest) -> Volunteer | None:
    """The signed-in volunteer's own record: their own pages never work from any other."""
    return selectors.volunteer_for_user(organisation=request.organisation, user=request.user)


def no_record(request: OrganisationRequest, title: str) -> HttpResponse:
    return render(request, "volunteers/me/no_record.jinja", {"title": title})
