"""Signing in and out, choosing which organisation to act for, the team, and the audit log."""

from __future__ import annotations

import base64
import uuid

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kindred.accounts import selectors, services
from kindred.accounts.forms import (
    AuditSearchForm,
    ForgottenPasswordForm,
    NewPasswordForm,
    PersonToInviteForm,
    SignInForm,
    TeamMemberForm,
    TwoFactorCodeForm,
)
from kindred.accounts.models import Network, Role
from kindred.accounts.reach import first_admin_refusal, grantable_roles
from kindred.core import selectors as audit_selectors
from kindred.core.access import password_checked, permission, public, signed_in
from kindred.core.http import AuthenticatedRequest, OrganisationRequest
from kindred.core.selectors import AuditSearch
from kindred.core.services import Acting, client_ip


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return None


@public
@never_cache
@sensitive_post_parameters("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        services.user_sign_in(request=request, user=form.user)
        return redirect(_safe_next(request) or "core:home")
    return render(
        request, "accounts/sign_in.jinja", {"form": form, "next": _safe_next(request) or ""}
    )


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.user_sign_out(request=request)
    messages.success(request, "You have signed out")
    return redirect("accounts:sign_in")


@signed_in
@never_cache
def choose_organisation(request: AuthenticatedRequest) -> HttpResponse:
    organisations = list(selectors.organisations_for(user=request.user))
    if request.method == "POST":
        chosen = next(
            (o for o in organisations if str(o.pk) == request.POST.get("organisation")), None
        )
        if chosen is None:
            messages.error(request, "Choose one of your organisations")
        else:
            services.organisation_switch(request=request, organisation=chosen)
            messages.success(request, f"You are now acting for {chosen.name}")
            return redirect("core:home")
    roles = {o.pk: sorted(request.user.roles_in(o)) for o in organisations}
    waiting = selectors.invitations_waiting_for(user=request.user).count()
    return render(
        request,
        "accounts/choose_organisation.jinja",
        {"organisations": organisations, "roles": roles, "invitations": waiting},
    )


@permission("accounts.view_members")
def members(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    return render(
        request,
        "accounts/members.jinja",
        {
            "memberships": selectors.members_of(organisation=organisation),
            "network_memberships": selectors.network_members_of(organisation=organisation),
            "invitations": selectors.invitations_pending_for(organisation=organisation),
            "grantable": set(grantable_roles(by=Acting.from_request(request))),
        },
    )


@permission("accounts.manage_members")
def member_add(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    by = Acting.from_request(request)
    form = TeamMemberForm(
        request.POST or None, organisation=organisation, roles=grantable_roles(by=by)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.team_member_add(
                by=by,
                email=data["email"],
                full_name=data["full_name"],
                role=Role(data["role"]),
                base_url=request.build_absolute_uri("/"),
            )
        except (services.RoleRefused, services.InvitationError) as refused:
            form.add_error("role", str(refused))
        else:
            # The same words whether or not the email already has a sign-in (ADR-071).
            messages.success(
                request,
                f"We have invited {invitation.full_name} to be "
                f"{invitation.get_role_display().lower()}. They join when they accept",
            )
            return redirect("accounts:members")
    return render(request, "accounts/member_add.jinja", {"form": form})


@permission("accounts.manage_members")
@require_POST
def membership_end(request: OrganisationRequest, membership_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
    membership = selectors.membership_reaching(
        organisation=organisation, membership_id=membership_id
    )
    if membership is None:
        raise Http404("No such role in this organisation")
    try:
        services.membership_end(by=Acting.from_request(request), membership=membership)
    except (services.LastAdmin, services.RoleRefused) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"{membership.user.full_name} is no longer {membership.get_role_display().lower()}",
        )
    return redirect("accounts:members")


@permission("accounts.manage_members")
@require_POST
def invitation_withdraw(request: OrganisationRequest, invitation_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
    invitation = (
        selectors.invitations_pending_for(organisation=organisation)
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation from this organisation")
    try:
        services.invitation_withdraw(by=Acting.from_request(request), invitation=invitation)
    except (services.RoleRefused, services.InvitationError) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The invitation to {invitation.full_name} is withdrawn")
    return redirect("accounts:members")


@signed_in
@never_cache
def invitations(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in user's invitations to take a role, to accept or decline."""
    waiting = selectors.invitations_waiting_for(user=request.user)
    return render(request, "accounts/invitations.jinja", {"invitations": waiting})


@signed_in
@require_POST
def invitation_answer(request: AuthenticatedRequest, invitation_id: uuid.UUID) -> HttpResponse:
    by = Acting.from_request(request)
    accept = request.POST.get("answer") == "accept"
    try:
        if accept:
            membership = services.invitation_accept(by=by, invitation_id=invitation_id)
        else:
            invitation = services.invitation_decline(by=by, invitation_id=invitation_id)
    except services.InvitationError as refused:
        messages.error(request, str(refused))
        return redirect("accounts:invitations")
    if accept:
        messages.success(
            request,
            f"You are now {membership.get_role_display().lower()} for {membership.scope.name}",
        )
    else:
        messages.success(
            request, f"You have declined the invitation from {invitation.organisation.name}"
        )
    return redirect("accounts:invitations")


@public
@never_cache
def forgotten_password(request: HttpRequest) -> HttpResponse:
    form = ForgottenPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"],
                base_url=request.build_absolute_uri("/"),
                ip_address=client_ip(request),
            )
        except services.TooManyPasswordResets:
            return render(request, "accounts/password_slow_down.jinja", status=429)
        return render(request, "accounts/password_link_sent.jinja")
    return render(request, "accounts/forgotten_password.jinja", {"form": form})


@public
@never_cache
@sensitive_post_parameters("password", "confirm")
def set_password(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    user = services.user_for_password_link(uid=uid, token=token)
    if user is None:
        return render(request, "accounts/password_link_expired.jinja", status=400)
    form = NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                by=Acting(user=user, organisation=None, ip_address=client_ip(request)),
                uid=uid,
                token=token,
                password=form.cleaned_data["password"],
            )
        except services.PasswordLinkInvalid:  # used by someone else a moment ago
            return render(request, "accounts/password_link_expired.jinja", status=400)
        messages.success(request, "Your password has been set. Sign in with it now")
        return redirect("accounts:sign_in")
    return render(request, "accounts/set_password.jinja", {"form": form})


@password_checked
@never_cache
def two_factor(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in: set up an authenticator app, or enter its code."""
    if request.user.is_verified():
        return redirect("core:home")
    device = services.two_factor_device(user=request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = services.two_factor_retry_in(device=device)
        if wait:
            form.add_error("code", f"Too many wrong codes. Wait {wait} seconds, then try again")
        elif services.two_factor_verify(
            request=request, device=device, code=form.cleaned_data["code"]
        ):
            return redirect("core:home")
        else:
            form.add_error("code", "The code is not right. Check your app and try the newest code")
    context = {"form": form, "setting_up": not device.confirmed}
    if not device.confirmed:
        key = base64.b32encode(device.bin_key).decode()
        context["secret"] = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
        context["qr_code"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "accounts/two_factor.jinja", context)


@permission("accounts.reset_two_factor")
@require_POST
def two_factor_reset(request: OrganisationRequest, membership_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
    membership = selectors.members_of(organisation=organisation).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such role in this organisation")
    try:
        services.two_factor_reset(by=Acting.from_request(request), user=membership.user)
    except services.TwoFactorResetRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"{membership.user.full_name} will set up a new authenticator app when they next "
            "sign in",
        )
    return redirect("accounts:members")


@permission("accounts.search_audit_log")
def audit_log(request: OrganisationRequest) -> HttpResponse:
    """The organisation admin searches everything done or viewed while acting for their
    organisation. Searching for an action finds the entries written under its old names too."""
    organisation = request.organisation
    form = AuditSearchForm(
        request.GET or None, actions=audit_selectors.audit_actions_of(organisation=organisation)
    )
    search = form.search() if form.is_bound and form.is_valid() else AuditSearch()
    events = audit_selectors.audit_events_of(
        organisation=organisation, search=search
    ).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.jinja",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _network_of(request: OrganisationRequest) -> Network:
    """The network of the organisation the network admin acts for: the one their pages show."""
    network = request.organisation.network
    if network is None:  # a network role is held only in a network, so never for a permitted user
        raise Http404("This organisation is in no network")
    return network


@permission("accounts.view_network")
def network(request: OrganisationRequest) -> HttpResponse:
    """The network admin's list of the network's organisations (ADR-091)."""
    network = _network_of(request)
    return render(
        request,
        "accounts/network.jinja",
        {"network": network, "rows": selectors.network_organisations(network=network)},
    )


@permission("accounts.invite_first_admin")
def network_admin_invite(request: OrganisationRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """Invite the first organisation admin of one of the network's organisations (ADR-091)."""
    network = _network_of(request)
    organisation = selectors.network_organisation(network=network, organisation_id=organisation_id)
    if organisation is None:
        raise Http404("No such organisation in this network")
    by = Acting.from_request(request)
    form = PersonToInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.organisation_first_admin_invite(
                by=by,
                organisation=organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                base_url=request.build_absolute_uri("/"),
            )
        except services.InvitationError as refused:
            form.add_error("email", str(refused))
        except services.RoleRefused as refused:
            form.add_error(None, str(refused))
        else:
            # The same words whether or not the email already has a sign-in (ADR-071).
            messages.success(
                request,
                f"We have invited {invitation.full_name} to be the organisation admin of "
                f"{organisation.name}. They join when they accept",
            )
            return redirect("accounts:network")
    return render(
        request,
        "accounts/network_admin_invite.jinja",
        {
            "network": network,
            "organisation": organisation,
            "form": form,
            "refusal": first_admin_refusal(by=by, organisation=organisation),
            "invitations": selectors.admin_invitations_in(network=network).filter(
                organisation=organisation
            ),
        },
    )


@permission("accounts.invite_first_admin")
@require_POST
def network_invitation_withdraw(
    request: OrganisationRequest, invitation_id: uuid.UUID
) -> HttpResponse:
    network = _network_of(request)
    invitation = selectors.admin_invitations_in(network=network).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation in this network")
    try:
        services.organisation_first_admin_withdraw(
            by=Acting.from_request(request), invitation=invitation
        )
    except (services.RoleRefused, services.InvitationError) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The invitation to {invitation.full_name} is withdrawn")
    return redirect("accounts:network_admin_invite", organisation_id=invitation.organisation_id)


@permission("accounts.view_network")
def network_roles(request: OrganisationRequest) -> HttpResponse:
    """Who holds a role across the network: its network admins and commissioners (ADR-091)."""
    network = _network_of(request)
    return render(
        request,
        "accounts/network_roles.jinja",
        {
            "network": network,
            "holders": selectors.network_role_holders(network=network),
            "invitations": selectors.network_role_invitations(network=network),
        },
    )
