"""The request as Kindred's views see it, typed, so that mypy checks views too.

The organisation middleware (`kindred.accounts.middleware`) sets `organisation` and `roles` on
every request. Views behind `@permission(...)` run only when an organisation is chosen, so they
take an `OrganisationRequest`; views behind `@signed_in` or `@password_checked` take an
`AuthenticatedRequest`; public views take Django's `HttpRequest`.

    @permission("referrals.view_referral")
    def inbox(request: OrganisationRequest) -> HttpResponse:
        referrals = request.organisation.referrals.all()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from kindred.accounts.models import Organisation, User


class KindredRequest(HttpRequest):
    """Any request that has been through Kindred's middleware (signed in or not)."""

    organisation: Organisation | None
    roles: frozenset[str]


class AuthenticatedRequest(KindredRequest):
    """A request from a signed-in user (`@signed_in`, `@password_checked`)."""

    user: User


class OrganisationRequest(AuthenticatedRequest):
    """A request from a signed-in user acting for an organisation (`@permission(...)`)."""

    organisation: Organisation
