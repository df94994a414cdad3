"""Matching pages: people waiting, supporters, and the profiles coordinators keep for each."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_view
from kindred.core.transitions import DomainError
from kindred.matching import audit_actions, runs, selectors, services, suggest
from kindred.matching.forms import (
    ConflictForm,
    RejectForm,
    SharingForm,
    SupporterProfileForm,
    WaitingProfileForm,
    WeightsForm,
)
from kindred.matching.prefill import LABELS, Prefill
from kindred.matching.prefill import from_referral as prefill_from_referral
from kindred.people.services import people_viewed
from kindred.referrals.models import Referral, Status
from kindred.referrals.selectors import referral_of
from kindred.referrals.services import ReferralError
from kindred.relationships.models import Relationship
from kindred.relationships.models import Status as RelationshipStatus
from kindred.relationships.services import relationship_move
from kindred.volunteers.models import Volunteer
from kindred.volunteers.selectors import volunteer_of


def _posted(request: OrganisationRequest) -> QueryDict | None:
    """The submitted form, even an empty one (so an empty submission shows its errors)."""
    return request.POST if request.method == "POST" else None


@permission("matching.view_matching")
def waiting_list(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    waiting = selectors.people_waiting(organisation=organisation)
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    people_viewed(by=Acting.from_request(request), people=[r.person for r in page], page="waiting")
    return render(request, "matching/waiting.jinja", {"page": page})


@permission("matching.edit_profile")
def waiting_profile(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
    referral = _referral_or_404(request, referral_id)
    profile = selectors.waiting_profile_of(referral=referral)
    choices = selectors.experience_choices(organisation=organisation)
    # No profile yet: start from what the referral says, marked, for the coordinator to
    # confirm by saving. A saved profile is what a coordinator set: never refilled (ADR-097).
    prefill = prefill_from_referral(referral=referral, experience_choices=choices)
    if profile is not None:
        prefill = Prefill()
    form = WaitingProfileForm(
        _posted(request),
        initial=WaitingProfileForm.initial_from(profile) if profile else prefill.initial,
        experience_choices=choices,
    )
    form.mark_from_referral(prefill.fields)
    if request.method == "POST" and form.is_valid():
        services.waiting_profile_save(
            by=Acting.from_request(request), referral=referral, details=form.details()
        )
        # What matters in matching them changed: suggestions are worked out again (ADR-101).
        services.suggestions_queue(by=Acting.from_request(request), organisation=organisation)
        messages.success(request, f"Matching profile saved for {referral.person.display_name}")
        return redirect("matching:waiting")
    people_viewed(by=Acting.from_request(request), people=referral.person, page="matching profile")
    return render(
        request,
        "matching/waiting_profile.jinja",
        {
            "referral": referral,
            "form": form,
            "waiting": referral.status == Status.WAITING,
            "from_referral": [LABELS[name] for name in prefill.fields],
        },
    )


@permission("matching.view_matching")
def supporter_list(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    supporters = selectors.supporters_of(organisation=organisation)
    page = Paginator(supporters, 50).get_page(request.GET.get("page"))
    taken = selectors.places_taken(v.pk for v in page.object_list)
    return render(request, "matching/supporters.jinja", {"page": page, "taken": taken})


@permission("matching.edit_profile")
def supporter_profile(request: OrganisationRequest, volunteer_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
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
            services.suggestions_queue(by=Acting.from_request(request), organisation=organisation)
        except services.MatchingError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Matching profile saved for {volunteer.display_name}")
            return redirect("matching:supporters")
    return render(
        request, "matching/supporter_profile.jinja", {"volunteer": volunteer, "form": form}
    )


def _referral_or_404(
    request: OrganisationRequest, referral_id: uuid.UUID, *, network: bool = False
) -> Referral:
    """The referral from the organisation acted for, or (`network`) from any sharing
    organisation of its network; 404 otherwise."""
    organisation = request.organisation
    try:
        if network:
            return selectors.network_referral_of(organisation=organisation, referral_id=referral_id)
        return referral_of(organisation=organisation, referral_id=referral_id)
    except Referral.DoesNotExist as missing:
        raise Http404("No such referral where you can match") from missing


def _supporter_or_404(
    request: OrganisationRequest, volunteer_id: uuid.UUID, *, network: bool = False
) -> Volunteer:
    """The volunteer from the organisation acted for, or (`network`) from any sharing
    organisation of its network; 404 otherwise."""
    organisation = request.organisation
    try:
        if network:
            return selectors.network_supporter_of(
                organisation=organisation, volunteer_id=volunteer_id
            )
        return volunteer_of(organisation=organisation, volunteer_id=volunteer_id)
    except Volunteer.DoesNotExist as missing:
        raise Http404("No such supporter where you can match") from missing


def _suggest_again(
    request: OrganisationRequest, referral: Referral | None, *, network: bool = False
) -> HttpResponse:
    """Something suggestions use has changed: the worker is asked to work them out again, for
    everyone and (`referral`) for this person, and the coordinator goes back to them."""
    by = Acting.from_request(request)
    services.suggestions_queue(by=by, organisation=request.organisation, network=network)
    name = "matching:network_suggest" if network else "matching:suggest"
    if referral is None:
        return redirect(name)
    services.suggestions_queue(
        by=by, organisation=request.organisation, network=network, referral=referral
    )
    return redirect(f"{reverse(name)}?referral={referral.pk}")


def _only(request: OrganisationRequest, *, network: bool = False) -> Referral | None:
    wanted = request.GET.get("referral", "")
    if not wanted:
        return None
    try:
        referral_id = uuid.UUID(wanted)
    except ValueError as bad:
        raise Http404("No such referral") from bad
    return _referral_or_404(request, referral_id, network=network)


@permission("matching.view_matching")
def suggestions(request: OrganisationRequest) -> HttpResponse:
    """The suggestions (GET), or (POST, "Work them out again") ask the worker for new ones."""
    if request.method == "POST":
        return _suggest_again_now(request, network=False)
    return _suggestions_page(request, network=False)


def _suggestions_page(request: OrganisationRequest, *, network: bool) -> HttpResponse:
    """What the worker last worked out (ADR-101), less what has gone stale since; never
    worked out here. The first time anyone looks, the worker is asked."""
    organisation = request.organisation
    only = _only(request, network=network)
    found = runs.latest(organisation=organisation, network=network, referral=only)
    if found.done is None and found.active is None:
        services.suggestions_queue(
            by=Acting.from_request(request),
            organisation=organisation,
            network=network,
            referral=only,
        )
        found = runs.latest(organisation=organisation, network=network, referral=only)
    pool = selectors.sharing_organisations(organisation=organisation) if network else [organisation]
    suggestion = (
        runs.shown(found.done, organisations=pool)
        if found.done is not None
        else suggest.Suggestion(None, organisations=pool)
    )
    if network:
        services.network_suggestions_viewed(by=Acting.from_request(request), suggestion=suggestion)
    else:
        # Suggestions show people's details together: audited like reading a record.
        audit_view(
            by=Acting.from_request(request),
            entity=audit_actions.MATCH_SUGGESTIONS,
            detail={"proposals": len(suggestion.proposals)},
        )
    _suggested_people_viewed(
        request, suggestion, only, page="network suggestions" if network else "suggestions"
    )
    return render(
        request,
        "matching/suggestions.jinja",
        {
            "suggestion": suggestion,
            "only": only,
            "network": network,
            "runs": found,
            "worked_out": runs.worked_out(found.done) if found.done else "",
        },
    )


def _suggest_again_now(request: OrganisationRequest, *, network: bool) -> HttpResponse:
    """A coordinator asks the worker to work suggestions out again."""
    wanted = request.POST.get("referral", "")
    only = None
    if wanted:
        try:
            only = _referral_or_404(request, uuid.UUID(wanted), network=network)
        except ValueError as bad:
            raise Http404("No such referral") from bad
    run = services.suggestions_queue(
        by=Acting.from_request(request),
        organisation=request.organisation,
        network=network,
        referral=only,
    )
    if run.active:
        messages.success(request, "Suggestions are being worked out again")
    name = "matching:network_suggest" if network else "matching:suggest"
    return redirect(f"{reverse(name)}?referral={only.pk}" if only else reverse(name))


def _suggested_people_viewed(
    request: OrganisationRequest,
    suggestion: suggest.Suggestion,
    only: Referral | None,
    *,
    page: str,
) -> None:
    """The people a suggestions page shows: each proposal's, and those still without one."""
    referrals = [p.referral for p in suggestion.proposals] + list(suggestion.without_supporter)
    shown = [r.person for r in ([only] if only is not None else []) + referrals]
    people_viewed(by=Acting.from_request(request), people=shown, page=page)


def _partner(request: OrganisationRequest) -> uuid.UUID | None:
    """The second supporter of a pair, from the form (None for one supporter)."""
    value = request.POST.get("partner", "").strip()
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as bad:
        raise Http404("No such supporter") from bad


def _accepted_message(request: OrganisationRequest, accepted: services.Accepted) -> None:
    relationship = accepted.relationship
    names = " and ".join(m.volunteer.display_name for m in accepted.matches)
    messages.success(
        request,
        f"{relationship.person.display_name} is to be introduced to {names}. Support starts "
        "when they first meet, or when you say so on the introductions page.",
    )


@permission("matching.decide")
@require_POST
def accept(
    request: OrganisationRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID
) -> HttpResponse:
    return _accept(request, referral_id, volunteer_id, network=False)


def _accept(
    request: OrganisationRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID, *, network: bool
) -> HttpResponse:
    referral = _referral_or_404(request, referral_id, network=network)
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
        return _suggest_again(request, referral, network=network)
    _accepted_message(request, accepted)
    return _suggest_again(request, None, network=network)


@permission("matching.decide")
def reject(
    request: OrganisationRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID
) -> HttpResponse:
    return _reject(request, referral_id, volunteer_id, network=False)


def _reject(
    request: OrganisationRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID, *, network: bool
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
            return _suggest_again(request, referral, network=network)
    people_viewed(by=Acting.from_request(request), people=referral.person, page="turn down a match")
    return render(
        request,
        "matching/reject.jinja",
        {"referral": referral, "volunteer": volunteer, "form": form, "network": network},
    )


@permission("matching.view_matching")
def introductions(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
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
def start(request: OrganisationRequest, relationship_id: uuid.UUID) -> HttpResponse:
    """The introduction is made and support has begun: the relationships app moves the
    relationship to active, and with it the referral to started and the matches."""
    organisation = request.organisation
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
    except (DomainError, ReferralError) as refused:
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
def network_suggestions(request: OrganisationRequest) -> HttpResponse:
    """Suggestions across the organisations of the network that agree to share (ADR-013)."""
    if request.method == "POST":
        return _suggest_again_now(request, network=True)
    return _suggestions_page(request, network=True)


@permission("matching.match_network")
@require_POST
def network_accept(
    request: OrganisationRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID
) -> HttpResponse:
    return _accept(request, referral_id, volunteer_id, network=True)


@permission("matching.match_network")
def network_reject(
    request: OrganisationRequest, referral_id: uuid.UUID, volunteer_id: uuid.UUID
) -> HttpResponse:
    return _reject(request, referral_id, volunteer_id, network=True)


@permission("matching.share")
def sharing(request: OrganisationRequest) -> HttpResponse:
    """An organisation admin agrees (or not) to matching across the network."""
    organisation = request.organisation
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
def weights(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
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
def conflict_add(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
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
