"""Matching pages: people waiting, supporters, and the profiles coordinators keep for each."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.access import permission
from kindred.core.services import Acting
from kindred.matching import selectors, services
from kindred.matching.forms import SupporterProfileForm, WaitingProfileForm
from kindred.referrals.models import Referral, Status
from kindred.volunteers.models import Volunteer


@permission("matching.view_matching")
def waiting_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    waiting = selectors.people_waiting(organisation=organisation)
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    return render(request, "matching/waiting.jinja", {"page": page})


@permission("matching.edit_profile")
def waiting_profile(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    try:
        referral = selectors.waiting_referral_of(organisation=organisation, referral_id=referral_id)
    except Referral.DoesNotExist as missing:
        raise Http404("No such referral in this organisation") from missing
    profile = selectors.waiting_profile_of(referral=referral)
    form = WaitingProfileForm(
        request.POST or None,
        initial=WaitingProfileForm.initial_from(profile),
        experience_choices=selectors.experience_choices(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        services.waiting_profile_save(
            by=Acting.from_request(request), referral=referral, details=form.details()
        )
        messages.success(request, f"Matching profile saved for {referral.person.display_name}")
        return redirect("matching:waiting")
    return render(
        request,
        "matching/waiting_profile.jinja",
        {"referral": referral, "form": form, "waiting": referral.status == Status.WAITING},
    )


@permission("matching.view_matching")
def supporter_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    supporters = selectors.supporters_of(organisation=organisation)
    page = Paginator(supporters, 50).get_page(request.GET.get("page"))
    return render(request, "matching/supporters.jinja", {"page": page})


@permission("matching.edit_profile")
def supporter_profile(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    try:
        volunteer = selectors.supporter_of(organisation=organisation, volunteer_id=volunteer_id)
    except Volunteer.DoesNotExist as missing:
        raise Http404("No such volunteer in this organisation") from missing
    profile = selectors.supporter_profile_of(volunteer=volunteer)
    form = SupporterProfileForm(
        request.POST or None,
        initial=SupporterProfileForm.initial_from(profile),
        experience_choices=selectors.experience_choices(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.supporter_profile_save(
                by=Acting.from_request(request), volunteer=volunteer, details=form.details()
            )
        except services.MatchingError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Matching profile saved for {volunteer.display_name}")
            return redirect("matching:supporters")
    return render(
        request, "matching/supporter_profile.jinja", {"volunteer": volunteer, "form": form}
    )
