"""Matching pages: people waiting, supporters, and the profiles coordinators keep for each."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kindred.core.access import permission
from kindred.core.services import Acting
from kindred.matching import selectors, services, suggest
from kindred.matching.forms import (
    ConflictForm,
    RejectForm,
    SupporterProfileForm,
    WaitingProfileForm,
    WeightsForm,
)
from kindred.referrals.models import Referral, Status
from kindred.referrals.services import ReferralError
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


def _referral_or_404(request: HttpRequest, referral_id: uuid.UUID) -> Referral:
    try:
        return selectors.waiting_referral_of(
            organisation=request.organisation,  # type: ignore[attr-defined]
            referral_id=referral_id,
        )
    except Referral.DoesNotExist as missing:
        raise Http404("No such referral in this organisation") from missing


@permission("matching.view_matching")
def suggestions(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    only = None
    if wanted := request.GET.get("referral", ""):
        try:
            only = _referral_or_404(request, uuid.UUID(wanted))
        except ValueError as bad:
            raise Http404("No such referral") from bad
    suggestion = suggest.suggest(organisation=organisation, referral=only)
    services.suggestions_viewed(by=Acting.from_request(request), count=len(suggestion.proposals))
    return render(request, "matching/suggestions.jinja", {"suggestion": suggestion, "only": only})


@permission("matching.decide")
@require_POST
def accept(request: HttpRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID) -> HttpResponse:
    referral = _referral_or_404(request, referral_id)
    try:
        selectors.supporter_of(organisation=request.organisation, volunteer_id=volunteer_id)  # type: ignore[attr-defined]
    except Volunteer.DoesNotExist as missing:
        raise Http404("No such volunteer in this organisation") from missing
    try:
        match = services.match_accept(
            by=Acting.from_request(request), referral_id=referral_id, volunteer_id=volunteer_id
        )
    except services.MatchingError as refused:
        messages.error(request, f"{refused}. The suggestions below have been worked out again.")
        return redirect("matching:suggest")
    messages.success(
        request,
        f"{referral.person.display_name} is to be introduced to {match.volunteer.display_name}. "
        "When support has started, say so on the introductions page.",
    )
    return redirect("matching:suggest")


@permission("matching.decide")
def reject(request: HttpRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID) -> HttpResponse:
    referral = _referral_or_404(request, referral_id)
    try:
        volunteer = selectors.supporter_of(
            organisation=request.organisation,  # type: ignore[attr-defined]
            volunteer_id=volunteer_id,
        )
    except Volunteer.DoesNotExist as missing:
        raise Http404("No such volunteer in this organisation") from missing
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.match_reject(
            by=Acting.from_request(request),
            referral_id=referral.pk,
            volunteer_id=volunteer.pk,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            f"{volunteer.display_name} will not be suggested for "
            f"{referral.person.display_name} again",
        )
        return redirect("matching:suggest")
    return render(
        request,
        "matching/reject.jinja",
        {"referral": referral, "volunteer": volunteer, "form": form},
    )


@permission("matching.view_matching")
def introductions(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    matches = selectors.introductions_of(organisation=organisation)
    return render(request, "matching/introductions.jinja", {"matches": matches})


@permission("matching.decide")
@require_POST
def start(request: HttpRequest, match_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    if (
        not selectors.introductions_of(organisation=organisation, everything=True)
        .filter(pk=match_id)
        .exists()
    ):
        raise Http404("No such introduction in this organisation")
    try:
        match = services.match_start(by=Acting.from_request(request), match_id=match_id)
    except (services.MatchingError, ReferralError) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Support has started for {match.referral.person.display_name} with "
            f"{match.volunteer.display_name}",
        )
    return redirect("matching:introductions")


@permission("matching.tune")
def weights(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    current = selectors.weights_of(organisation=organisation)
    initial = {name: getattr(current, name) for name in WeightsForm.base_fields}
    form = WeightsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.weights_save(by=Acting.from_request(request), values=form.cleaned_data)
        except services.MatchingError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Matching weights saved")
            return redirect("matching:suggest")
    return render(request, "matching/weights.jinja", {"form": form})


@permission("matching.edit_profile")
def conflict_add(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    referral = _referral_or_404(request, referral_id)
    supporters = list(selectors.supporters_of(organisation=organisation))
    form = ConflictForm(
        request.POST or None, supporters=[(str(v.pk), v.display_name) for v in supporters]
    )
    if request.method == "POST" and form.is_valid():
        volunteer = next(v for v in supporters if str(v.pk) == form.cleaned_data["volunteer"])
        services.conflict_record(
            by=Acting.from_request(request),
            person=referral.person,
            volunteer=volunteer,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            f"{volunteer.display_name} will never be suggested for {referral.person.display_name}",
        )
        return redirect("matching:waiting_profile", referral_id=referral.pk)
    return render(request, "matching/conflict_add.jinja", {"referral": referral, "form": form})
