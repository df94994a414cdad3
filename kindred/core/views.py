"""The home page for each role, the health check and the error pages. (The audit log page is the
organisation admin's: `kindred.accounts.views.audit_log`.)"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache

from kindred.core.access import permission, public
from kindred.core.http import OrganisationRequest
from kindred.core.pages import home_panels_for


@public
def root(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return redirect("accounts:sign_in")


@never_cache
@permission("accounts.view_home")
def home(request: OrganisationRequest) -> HttpResponse:
    """What needs the user's attention today: the panels each app offers their roles."""
    return render(request, "core/home.jinja", {"panels": home_panels_for(request)})


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
