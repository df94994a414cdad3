"""Deny by default. Every view declares who may use it; a view that declares nothing is refused.

    @public                      anyone, signed in or not (sign-in page, health check)
    @password_checked            signed in with a password, before the second step (the
                                 two-step verification pages themselves)
    @signed_in                   any signed-in user, before choosing an organisation
    @permission("people.view_person")
                                 a signed-in user acting for an organisation, holding the `rules`
                                 permission for that organisation

Views then load records starting from `request.organisation`, so another organisation's record
is simply not found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kindred.core.http import AuthenticatedRequest

logger = logging.getLogger(__name__)

PUBLIC = "public"
PASSWORD_CHECKED = "password_checked"  # noqa: S105 - a rule name, not a password
SIGNED_IN = "signed_in"
PERMISSION = "permission"

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessRule:
    kind: str
    permission: str = ""


def _declare(rule: AccessRule) -> Callable[[ViewT], ViewT]:
    def decorate(view: ViewT) -> ViewT:
        view.kindred_access = rule  # type: ignore[attr-defined]
        return view

    return decorate


public = _declare(AccessRule(PUBLIC))
password_checked = _declare(AccessRule(PASSWORD_CHECKED))
signed_in = _declare(AccessRule(SIGNED_IN))


def permission(name: str) -> Callable[[ViewT], ViewT]:
    return _declare(AccessRule(PERMISSION, name))


def access_rule_of(view: Callable[..., Any]) -> AccessRule | None:
    rule = getattr(view, "kindred_access", None)
    if rule is None:
        rule = getattr(getattr(view, "view_class", None), "kindred_access", None)
    return rule if isinstance(rule, AccessRule) else None


class AccessMiddleware:
    """Applies each view's declared rule before the view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if view_func.__module__.startswith("django.views.static"):
            return None  # static files in development
        rule = access_rule_of(view_func)
        if rule is None:
            logger.error("View %s declares no access rule; refusing.", view_func.__qualname__)
            raise PermissionDenied("This page has no access rule.")
        if rule.kind == PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if rule.kind == PASSWORD_CHECKED:
            return None
        signed_in_request = cast(AuthenticatedRequest, request)  # is_authenticated, just above
        if settings.KINDRED_TWO_FACTOR and not signed_in_request.user.is_verified():
            return redirect("accounts:two_factor")
        if rule.kind == SIGNED_IN:
            return None
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            return redirect("accounts:choose_organisation")
        if not request.user.has_perm(rule.permission, organisation):
            raise PermissionDenied(f"Needs {rule.permission}")
        return None
