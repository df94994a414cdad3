"""Signing in and out, and choosing which organisation to act for."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kindred.accounts import selectors, services
from kindred.accounts.forms import SignInForm
from kindred.core.access import permission, public, signed_in


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
def choose_organisation(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_for(user=request.user))  # type: ignore[arg-type]
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
    roles = {o.pk: sorted(request.user.roles_in(o)) for o in organisations}  # type: ignore[union-attr]
    return render(
        request,
        "accounts/choose_organisation.jinja",
        {"organisations": organisations, "roles": roles},
    )


@permission("accounts.view_members")
def members(request: HttpRequest) -> HttpResponse:
    memberships = selectors.members_of(organisation=request.organisation)  # type: ignore[attr-defined]
    return render(request, "accounts/members.jinja", {"memberships": memberships})
