"""Which organisation the signed-in user is acting for, kept in their session (ADR-087).

It lives in accounts, not core: choosing the organisation reads accounts' own records
(`selectors.organisation_for_session`), and core imports no app."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse

from kindred.accounts import selectors
from kindred.core.http import KindredRequest

SESSION_KEY = "kindred_organisation_id"


class CurrentOrganisationMiddleware:
    """Sets `request.organisation` (None until one is chosen) and `request.roles` (the roles the
    user holds there) on every request, as `kindred.core.http.KindredRequest` describes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        kindred_request = cast(KindredRequest, request)  # what this middleware makes of it
        kindred_request.organisation = None
        kindred_request.roles = frozenset()
        user = request.user
        if user.is_authenticated:
            organisation = selectors.organisation_for_session(
                user=user,
                organisation_id=request.session.get(SESSION_KEY),
            )
            if organisation is not None:
                kindred_request.organisation = organisation
                kindred_request.roles = user.roles_in(organisation)
                chosen = str(organisation.pk)
                # Written only when it changes: a request that changes nothing writes no session
                # (ADR-100). Django saves a session only once it is modified, so the 8-hour
                # expiry counts from the last change (sign-in, choosing an organisation).
                if request.session.get(SESSION_KEY) != chosen:
                    request.session[SESSION_KEY] = chosen
        return self.get_response(request)
