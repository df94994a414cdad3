"""The network front door (ADR-092): the network's public self-referral form, and the network
inbox where its network admins send each referral on to the right organisation (or decline it).

The inbox is the network of the organisation the network admin acts for: a network admin of
another network finds none of this network's referrals (404), and every organisation role is
refused by the rules (403)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kindred.accounts.models import Network
from kindred.core.access import permission, public
from kindred.core.http import OrganisationRequest
from kindred.core.limits import try_counted
from kindred.core.services import Acting, client_ip
from kindred.core.transitions import DomainError
from kindred.referrals import network, network_selectors, selectors
from kindred.referrals.forms import DeclineForm, SelfReferralForm
from kindred.referrals.forms_network import RouteForm
from kindred.referrals.models import Channel
from kindred.referrals.models_network import NetworkReferral, NetworkReferralStatus
from kindred.referrals.presenters_network import what_was_sent
from kindred.referrals.views import SELF_REFERRALS_PER_HOUR

# --- the public form --------------------------------------------------------------------------


def _network_or_404(slug: str) -> Network:
    found = network_selectors.network_taking_self_referrals(slug=slug)
    if found is None:
        raise Http404("No such network")
    return found


@public
@require_http_methods(["GET", "POST"])
def network_self_refer(request: HttpRequest, network_slug: str) -> HttpResponse:
    """Anyone can ask a network for support, without signing in: the same form, the same limits
    and the same answer as an organisation's form. It waits in the network's inbox."""
    front_door = _network_or_404(network_slug)
    form = SelfReferralForm(request.POST or None)
    context = {
        "form": form,
        "receiver": front_door,
        "action": reverse("referrals:network_self_refer", kwargs={"network_slug": network_slug}),
    }
    if request.method == "POST":
        # One limit for both forms: the scope and the count are the organisation form's.
        within = try_counted(
            scope="self-referral",
            who=client_ip(request),
            limit=SELF_REFERRALS_PER_HOUR,
            per_seconds=3600,
        )
        sent = selectors.self_referrals_from_address(ip_address=client_ip(request))
        if not within or sent >= SELF_REFERRALS_PER_HOUR:
            return render(
                request,
                "referrals/self_refer_slow_down.jinja",
                {"receiver": front_door},
                status=429,
            )
        if form.is_robot():
            return redirect("referrals:network_self_refer_done", network_slug=front_door.slug)
        if form.is_valid():
            network.network_referral_receive(
                by=Acting(
                    user=None,
                    organisation=None,
                    ip_address=client_ip(request),
                    label="network self-referral form",
                ),
                network=front_door,
                person=form.details(),
                details=form.referral_details(),
                channel=Channel.SELF_REFERRAL,
            )
            return redirect("referrals:network_self_refer_done", network_slug=front_door.slug)
    return render(request, "referrals/self_refer.jinja", context)


@public
@require_safe
def network_self_refer_done(request: HttpRequest, network_slug: str) -> HttpResponse:
    front_door = _network_or_404(network_slug)
    return render(request, "referrals/self_refer_done.jinja", {"receiver": front_door})


# --- the network inbox ------------------------------------------------------------------------


def _network(request: OrganisationRequest) -> Network:
    """The network of the organisation acted for (the rules let only its network admins here)."""
    found = request.organisation.network
    if found is None:
        raise Http404("This organisation is in no network")
    return found


def _network_referral_or_404(
    request: OrganisationRequest, network_referral_id: uuid.UUID
) -> tuple[Network, NetworkReferral]:
    front_door = _network(request)
    try:
        found = network_selectors.network_referral_of(
            network=front_door, network_referral_id=network_referral_id
        )
    except NetworkReferral.DoesNotExist as missing:
        raise Http404("No such referral in this network") from missing
    return front_door, found


@permission("referrals.view_network_referral")
@require_safe
def network_inbox(request: OrganisationRequest) -> HttpResponse:
    """The referrals waiting at the network's front door, oldest first."""
    front_door = _network(request)
    page = Paginator(network_selectors.network_inbox(network=front_door), 50).get_page(
        request.GET.get("page")
    )
    network.network_referrals_viewed(
        by=Acting.from_request(request), network_referrals=list(page), page="network inbox"
    )
    return render(request, "referrals/network/inbox.jinja", {"network": front_door, "page": page})


def _route_choices(suggested: list[network.Suggestion]) -> list[tuple[str, str]]:
    return [(str(s.organisation.pk), s.organisation.name) for s in suggested]


def _route_items(form: RouteForm, suggested: list[network.Suggestion]) -> list[dict[str, object]]:
    """The radios, each with why it would suit (the NHS.UK radios' hints)."""
    chosen = str(form["organisation"].value() or "")
    return [
        {
            "value": str(s.organisation.pk),
            "text": s.organisation.name + (" (suggested)" if s.suggested else ""),
            "hint": {"text": "; ".join(s.reasons)},
            "checked": chosen == str(s.organisation.pk),
        }
        for s in suggested
    ]


def _detail_page(
    request: OrganisationRequest,
    front_door: Network,
    network_referral: NetworkReferral,
    *,
    route_form: RouteForm | None = None,
    decline_form: DeclineForm | None = None,
) -> HttpResponse:
    suggested = network.suggestions(
        network_referral=network_referral,
        organisations=network_selectors.organisations_to_route_to(network=front_door),
    )
    route_form = route_form or RouteForm(choices=_route_choices(suggested))
    decline_form = decline_form or DeclineForm()
    waiting = network_referral.status == NetworkReferralStatus.RECEIVED
    history = list(network_selectors.history_of(network_referral=network_referral))
    network.network_referrals_viewed(
        by=Acting.from_request(request), network_referrals=network_referral, page="network referral"
    )
    return render(
        request,
        "referrals/network/detail.jinja",
        {
            "network": front_door,
            "network_referral": network_referral,
            "sent_rows": what_was_sent(network_referral),
            "suggested": suggested,
            "route_form": route_form,
            "route_items": _route_items(route_form, suggested),
            "decline_form": decline_form,
            "waiting": waiting,
            "may_route": request.user.has_perm(
                "referrals.route_network_referral", request.organisation
            ),
            "may_decline": request.user.has_perm(
                "referrals.decline_network_referral", request.organisation
            ),
            "history": history,
            "forms_in_error": [
                form for form in (route_form, decline_form) if form.is_bound and form.errors
            ],
        },
    )


@permission("referrals.view_network_referral")
@require_safe
def network_referral_detail(
    request: OrganisationRequest, network_referral_id: uuid.UUID
) -> HttpResponse:
    """What was sent, where it could go and why, and the forms to send it on or decline it."""
    front_door, found = _network_referral_or_404(request, network_referral_id)
    return _detail_page(request, front_door, found)


def _expected(data: QueryDict) -> str:
    """The status the admin saw when they chose (so a change since is caught)."""
    return data.get("expected", "")


@permission("referrals.route_network_referral")
@require_POST
def network_referral_route(
    request: OrganisationRequest, network_referral_id: uuid.UUID
) -> HttpResponse:
    front_door, found = _network_referral_or_404(request, network_referral_id)
    suggested = network.suggestions(
        network_referral=found,
        organisations=network_selectors.organisations_to_route_to(network=front_door),
    )
    form = RouteForm(request.POST, choices=_route_choices(suggested))
    if not form.is_valid():
        return _detail_page(request, front_door, found, route_form=form)
    try:
        referral = network.network_referral_route(
            by=Acting.from_request(request),
            network_referral_id=found.pk,
            expected=_expected(request.POST),
            organisation_id=uuid.UUID(form.cleaned_data["organisation"]),
            note=form.cleaned_data["note"],
        )
    except DomainError as refused:
        messages.error(request, str(refused))
        return redirect("referrals:network_referral", network_referral_id=found.pk)
    messages.success(
        request,
        f"Sent to {referral.organisation.name}: their coordinators have been told",
    )
    return redirect("referrals:network_inbox")


@permission("referrals.decline_network_referral")
@require_POST
def network_referral_decline(
    request: OrganisationRequest, network_referral_id: uuid.UUID
) -> HttpResponse:
    front_door, found = _network_referral_or_404(request, network_referral_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, front_door, found, decline_form=form)
    try:
        network.network_referral_decline(
            by=Acting.from_request(request),
            network_referral_id=found.pk,
            expected=_expected(request.POST),
            reason=form.cleaned_data["reason"],
            signposted_to=form.cleaned_data["signposted_to"],
        )
    except DomainError as refused:
        messages.error(request, str(refused))
        return redirect("referrals:network_referral", network_referral_id=found.pk)
    messages.success(request, "The referral has been declined")
    return redirect("referrals:network_inbox")
