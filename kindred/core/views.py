"""The home page for each role, the audit log search, the health check and the error pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache

from kindred.core import selectors
from kindred.core.access import permission, public
from kindred.core.forms import AuditSearchForm
from kindred.core.pages import home_panels_for
from kindred.core.selectors import AuditSearch


# The order a user with several roles sees the sections of their home page.
@public
def root(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return redirect("accounts:sign_in")


@never_cache
@permission("accounts.view_home")
def home(request: HttpRequest) -> HttpResponse:
    """What needs the user's attention today: the panels each app offers their roles."""
    return render(request, "core/home.jinja", {"panels": home_panels_for(request)})


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
