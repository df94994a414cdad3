"""The home page for each role, the audit log search, the health check and the error pages."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache

from kindred.accounts import selectors as account_selectors
from kindred.accounts.models import Role
from kindred.core import selectors
from kindred.core.access import permission, public
from kindred.core.forms import AuditSearchForm
from kindred.core.selectors import AuditSearch
from kindred.people import selectors as people_selectors

# The order a user with several roles sees the sections of their home page.
HOME_SECTIONS = [
    Role.COORDINATOR,
    Role.SAFEGUARDING_LEAD,
    Role.FACILITATOR,
    Role.VOLUNTEER,
    Role.REFERRER,
    Role.ORGANISATION_ADMIN,
    Role.NETWORK_ADMIN,
    Role.COMMISSIONER,
]


@public
def root(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return redirect("accounts:sign_in")


def _home_section(request: HttpRequest, role: Role) -> tuple[str, dict[str, Any]]:
    """Which part of the home page a role sees, and what it shows."""
    organisation = request.organisation  # type: ignore[attr-defined]
    if role in {Role.COORDINATOR, Role.SAFEGUARDING_LEAD}:
        return "people", {
            "people_count": people_selectors.people_of(organisation=organisation).count(),
            "people_added": list(
                people_selectors.people_added_recently(organisation=organisation)[:10]
            ),
        }
    if role in {Role.VOLUNTEER, Role.FACILITATOR, Role.REFERRER}:
        return "contacts", {
            "contacts": list(
                account_selectors.contacts_with_role(
                    organisation=organisation, roles=[Role.COORDINATOR, Role.SAFEGUARDING_LEAD]
                )
            )
        }
    if role == Role.ORGANISATION_ADMIN:
        return "team", {
            "role_counts": account_selectors.role_counts(organisation=organisation),
            "never_signed_in": list(
                account_selectors.members_never_signed_in(organisation=organisation)[:20]
            ),
        }
    return "network", {"figures": account_selectors.network_figures(organisation=organisation)}


@never_cache
@permission("accounts.view_home")
def home(request: HttpRequest) -> HttpResponse:
    roles = request.roles  # type: ignore[attr-defined]
    sections, shown = [], set()
    for role in HOME_SECTIONS:
        if role in roles:
            part, data = _home_section(request, role)
            if part not in shown:  # a coordinator who is also safeguarding lead sees people once
                shown.add(part)
                sections.append((role, part, data))
    return render(request, "core/home.jinja", {"sections": sections})


@permission("core.search_audit_log")
def audit_log(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    form = AuditSearchForm(
        request.GET or None, actions=selectors.audit_actions_of(organisation=organisation)
    )
    search = form.search() if form.is_bound and form.is_valid() else AuditSearch()
    events = selectors.audit_events_of(organisation=organisation, search=search).select_related(
        "actor"
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/audit_log.jinja", {"form": form, "page": page, "query": query.urlencode()}
    )


@public
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: is the database reachable?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, f"core/errors/{template}.jinja", status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "400", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "403", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "404", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: the database may be why we are here.
    return HttpResponse(loader.render_to_string("core/errors/500.jinja"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, "csrf", 403)
