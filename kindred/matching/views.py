"""Matching pages: people waiting, supporters, and the profiles coordinators keep for each."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kindred.core.access import permission
from kindred.core.services import Acting
from kindred.matching import selectors, services, suggest
from kindred.matching.forms import (
    ConflictForm,
    RejectForm,
    SharingForm,
    SupporterProfileForm,
    WaitingProfileForm,
    WeightsForm,
)
from kindred.people.services import people_viewed
from kindred.referrals.models import Referral, Status
from kindred.referrals.selectors import referral_of
from kindred.referrals.services import ReferralError
from kindred.relationships.models import Relationship
from kindred.relationships.models import Status as RelationshipStatus
from kindred.relationships.services import RelationshipError, relationship_move
from kindred.volunteers.models import Volunteer
from kindred.volunteers.selectors import volunteer_of


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted form, even an empty one (so an empty submission shows its errors)."""
    return request.POST if request.method == "POST" else None


@permission("matching.view_matching")
def waiting_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    waiting = selectors.people_waiting(organisation=organisation)
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    people_viewed(by=Acting.from_request(request), people=[r.person for r in page], page="waiting")
    return render(request, "matching/waiting.jinja", {"page": page})


@permission("matching.edit_profile")
def waiting_profile(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    referral = _referral_or_404(request, referral_id)
    profile = selectors.waiting_profile_of(referral=referral)
    form = WaitingProfileForm(
        _posted(request),
        initial=WaitingProfileForm.initial_from(profile),
        experience_choices=selectors.experience_choices(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        services.waiting_profile_save(
            by=Acting.from_request(request), referral=referral, details=form.details()
        )
        messages.success(request, f"Matching profile saved for {referral.person.display_name}")
        return redirect("matching:waiting")
    people_viewed(by=Acting.from_request(request), people=referral.person, page="matching profile")
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
    taken = selectors.places_taken(v.pk for v in page.object_list)
    return render(request, "matching/supporters.jinja", {"page": page, "taken": taken})


@permission("matching.edit_profile")
def supporter_profile(request: HttpRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    volunteer = _supporter_or_404(request, volunteer_id)
    profile = selectors.supporter_profile_of(volunteer=volunteer)
    form = SupporterProfileForm(
        _posted(request),
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


def _referral_or_404(
    request: HttpRequest, referral_id: uuid.UUID, *, network: bool = False
) -> Referral:
    """The referral from the organisation acted for, or (`network`) from any sharing
    organisation of its network; 404 otherwise."""
    organisation = request.organisation  # type: ignore[attr-defined]
    try:
        if network:
            return selectors.network_referral_of(organisation=organisation, referral_id=referral_id)
        return referral_of(organisation=organisation, referral_id=referral_id)
    except Referral.DoesNotExist as missing:
        raise Http404("No such referral where you can match") from missing


def _supporter_or_404(
    request: HttpRequest, volunteer_id: uuid.UUID, *, network: bool = False
) -> Volunteer:
    """The volunteer from the organisation acted for, or (`network`) from any sharing
    organisation of its network; 404 otherwise."""
    organisation = request.organisation  # type: ignore[attr-defined]
    try:
        if network:
            return selectors.network_supporter_of(
                organisation=organisation, volunteer_id=volunteer_id
            )
        return volunteer_of(organisation=organisation, volunteer_id=volunteer_id)
    except Volunteer.DoesNotExist as missing:
        raise Http404("No such supporter where you can match") from missing


def _suggest_again(referral_id: uuid.UUID, *, network: bool = False) -> HttpResponse:
    """Back to the suggestions for this person, worked out afresh."""
    name = "matching:network_suggest" if network else "matching:suggest"
    return redirect(f"{reverse(name)}?referral={referral_id}")


def _only(request: HttpRequest, *, network: bool = False) -> Referral | None:
    wanted = request.GET.get("referral", "")
    if not wanted:
        return None
    try:
        referral_id = uuid.UUID(wanted)
    except ValueError as bad:
        raise Http404("No such referral") from bad
    return _referral_or_404(request, referral_id, network=network)


@permission("matching.view_matching")
def suggestions(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    only = _only(request)
    suggestion = suggest.suggest(organisation=organisation, referral=only)
    services.suggestions_viewed(by=Acting.from_request(request), count=len(suggestion.proposals))
    _suggested_people_viewed(request, suggestion, only, page="suggestions")
    return render(
        request,
        "matching/suggestions.jinja",
        {"suggestion": suggestion, "only": only, "network": False},
    )


def _suggested_people_viewed(
    request: HttpRequest, suggestion: suggest.Suggestion, only: Referral | None, *, page: str
) -> None:
    """The people a suggestions page shows: each proposal's, and those still without one."""
    referrals = [p.referral for p in suggestion.proposals] + list(suggestion.without_supporter)
    shown = [r.person for r in ([only] if only is not None else []) + referrals]
    people_viewed(by=Acting.from_request(request), people=shown, page=page)


def _partner(request: HttpRequest) -> uuid.UUID | None:
    """The second supporter of a pair, from the form (None for one supporter)."""
    value = request.POST.get("partner", "").strip()
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as bad:
        raise Http404("No such supporter") from bad


def _accepted_message(request: HttpRequest, accepted: services.Accepted) -> None:
    relationship = accepted.relationship
    names = " and ".join(m.volunteer.display_name for m in accepted.matches)
    messages.success(
        request,
        f"{relationship.person.display_name} is to be introduced to {names}. Support starts "
        "when they first meet, or when you say so on the introductions page.",
    )


@permission("matching.decide")
@require_POST
def accept(request: HttpRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID) -> HttpResponse:
    return _accept(request, referral_id, volunteer_id, network=False)


def _accept(
    request: HttpRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID, *, network: bool
) -> HttpResponse:
    _referral_or_404(request, referral_id, network=network)
    partner = _partner(request)
    for wanted in (volunteer_id, partner):
        if wanted is not None:
            _supporter_or_404(request, wanted, network=network)
    try:
        accepted = services.match_accept(
            by=Acting.from_request(request),
            referral_id=referral_id,
            volunteer_id=volunteer_id,
            partner_id=partner,
            across_network=network,
        )
    except services.MatchingError as refused:
        messages.error(request, f"{refused}. The suggestions below have been worked out again.")
        return _suggest_again(referral_id, network=network)
    _accepted_message(request, accepted)
    return redirect("matching:network_suggest" if network else "matching:suggest")


@permission("matching.decide")
def reject(request: HttpRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID) -> HttpResponse:
    return _reject(request, referral_id, volunteer_id, network=False)


def _reject(
    request: HttpRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID, *, network: bool
) -> HttpResponse:
    referral = _referral_or_404(request, referral_id, network=network)
    volunteer = _supporter_or_404(request, volunteer_id, network=network)
    form = RejectForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.match_reject(
                by=Acting.from_request(request),
                referral_id=referral.pk,
                volunteer_id=volunteer.pk,
                reason=form.cleaned_data["reason"],
                across_network=network,
            )
        except services.MatchingError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"{volunteer.display_name} will not be suggested for "
                f"{referral.person.display_name} again",
            )
            return _suggest_again(referral.pk, network=network)
    people_viewed(by=Acting.from_request(request), people=referral.person, page="turn down a match")
    return render(
        request,
        "matching/reject.jinja",
        {"referral": referral, "volunteer": volunteer, "form": form, "network": network},
    )


@permission("matching.view_matching")
def introductions(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    waiting = list(selectors.introductions_of(organisation=organisation))
    people_viewed(
        by=Acting.from_request(request), people=[r.person for r in waiting], page="introductions"
    )
    return render(
        request,
        "matching/introductions.jinja",
        {"relationships": waiting},
    )


@permission("matching.decide")
@require_POST
def start(request: HttpRequest, relationship_id: uuid.UUID) -> HttpResponse:
    """The introduction is made and support has begun: the relationships app moves the
    relationship to active, and with it the referral to started and the matches."""
    organisation = request.organisation  # type: ignore[attr-defined]
    try:
        relationship = selectors.introduction_of(
            organisation=organisation, relationship_id=relationship_id
        )
    except Relationship.DoesNotExist as missing:
        raise Http404("No such introduction in this organisation") from missing
    try:
        relationship_move(
            by=Acting.from_request(request),
            relationship_id=relationship.pk,
            expected=RelationshipStatus.INTRODUCED,
            to=RelationshipStatus.ACTIVE,
            note="Introduction made, support started",
        )
    except (RelationshipError, ReferralError) as refused:
        messages.error(request, str(refused))
    else:
        names = " and ".join(
            link.volunteer.display_name for link in relationship.supporter_links.all()
        )
        messages.success(
            request, f"Support has started for {relationship.person.display_name} with {names}"
        )
    return redirect("matching:introductions")


@permission("matching.match_network")
def network_suggestions(request: HttpRequest) -> HttpResponse:
    """Suggestions across the organisations of the network that agree to share (ADR-013)."""
    organisation = request.organisation  # type: ignore[attr-defined]
    only = _only(request, network=True)
    suggestion = suggest.suggest_network(organisation=organisation, referral=only)
    services.network_suggestions_viewed(by=Acting.from_request(request), suggestion=suggestion)
    _suggested_people_viewed(request, suggestion, only, page="network suggestions")
    return render(
        request,
        "matching/suggestions.jinja",
        {"suggestion": suggestion, "only": only, "network": True},
    )


@permission("matching.match_network")
@require_POST
def network_accept(
    request: HttpRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID
) -> HttpResponse:
    return _accept(request, referral_id, volunteer_id, network=True)


@permission("matching.match_network")
def network_reject(
    request: HttpRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID
) -> HttpResponse:
    return _reject(request, referral_id, volunteer_id, network=True)


@permission("matching.share")
def sharing(request: HttpRequest) -> HttpResponse:
    """An organisation admin agrees (or not) to matching across the network."""
    organisation = request.organisation  # type: ignore[attr-defined]
    current = selectors.shares_with_network(organisation=organisation)
    shares = bool(current and current.shares)
    form = SharingForm(_posted(request), initial={"shares": "yes" if shares else "no"})
    if request.method == "POST" and form.is_valid():
        try:
            services.sharing_save(
                by=Acting.from_request(request), shares=form.cleaned_data["shares"]
            )
        except services.MatchingError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "Your network's admins can now match your people and supporters across the network"
                if form.cleaned_data["shares"]
                else "Matching stays within your organisation",
            )
            return redirect("matching:sharing")
    return render(
        request,
        "matching/sharing.jinja",
        {
            "form": form,
            "current": current,
            "shares": shares,
            "partners": [
                o
                for o in selectors.sharing_organisations(organisation=organisation)
                if o.pk != organisation.pk
            ],
        },
    )


@permission("matching.tune")
def weights(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    current = selectors.weights_of(organisation=organisation)
    initial = {name: getattr(current, name) for name in WeightsForm.base_fields}
    form = WeightsForm(_posted(request), initial=initial)
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
        _posted(request), supporters=[(str(v.pk), v.display_name) for v in supporters]
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
    people_viewed(by=Acting.from_request(request), people=referral.person, page="never match")
    return render(request, "matching/conflict_add.jinja", {"referral": referral, "form": form})
