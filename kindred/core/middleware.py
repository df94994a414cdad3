"""Which organisation the signed-in user is acting for, kept in their session."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kindred.accounts import selectors

SESSION_KEY = "kindred_organisation_id"


class CurrentOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None  # type: ignore[attr-defined]
        request.roles = frozenset()  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            organisation = selectors.organisation_for_session(
                user=user,
                organisation_id=request.session.get(SESSION_KEY),
            )
            if organisation is not None:
                request.organisation = organisation  # type: ignore[attr-defined]
                request.roles = user.roles_in(organisation)  # type: ignore[attr-defined]
                request.session[SESSION_KEY] = str(organisation.pk)
        return self.get_response(request)
