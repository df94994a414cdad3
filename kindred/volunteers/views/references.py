"""References pages: ask for a reference, and record one as received with its outcome, both from
the volunteer's record."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.presenters import local_date
from kindred.core.services import Acting
from kindred.volunteers import selectors
from kindred.volunteers.forms import ReferenceForm, ReferenceReceivedForm
from kindred.volunteers.models import Reference
from kindred.volunteers.services import references
from kindred.volunteers.views._common import volunteer_form_page, volunteer_or_404


@permission("volunteers.manage_volunteer")
def reference_add(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    form = ReferenceForm(request.POST or None, initial={"requested_on": timezone.localdate()})
    return volunteer_form_page(
        request, volunteer, form, title="Ask for a reference", button="Save the reference",
        save=lambda f: references.reference_request(
            by=Acting.from_request(request), volunteer=volunteer, **f.cleaned_data
        ),
        success="The reference has been recorded as asked for",
    )  # fmt: skip


@permission("volunteers.manage_volunteer")
def reference_receive(
    request: OrganisationRequest, volunteer_id: uuid.UUID, reference_id: uuid.UUID
) -> HttpResponse:
    volunteer = volunteer_or_404(request, volunteer_id)
    try:
        reference = selectors.reference_of(volunteer=volunteer, reference_id=reference_id)
    except Reference.DoesNotExist as missing:
        raise Http404("No such reference for this volunteer") from missing
    if reference.received_on is not None and request.method != "POST":
        messages.info(request, f"The reference from {reference.referee_name} is already recorded")
        return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    form = ReferenceReceivedForm(
        request.POST or None,
        reference=reference,
        initial={"received_on": timezone.localdate()},
    )
    return volunteer_form_page(
        request, volunteer, form,
        title=f"Record the reference from {reference.referee_name}",
        button="Save the reference",
        save=lambda f: references.reference_receive(
            by=Acting.from_request(request), volunteer=volunteer, reference_id=reference.pk,
            **f.cleaned_data,
        ),
        success=f"The reference from {reference.referee_name} has been recorded",
        lead=(
            f"{reference.referee_name} ({reference.relationship}), asked for on "
            f"{local_date(reference.requested_on)}. Contact: {reference.contact}."
        ),
    )  # fmt: skip
