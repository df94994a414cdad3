"""What every page's header shows: the organisation the user acts for (ADR-087)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kindred.accounts import selectors


def acting_for(request: HttpRequest) -> dict[str, Any]:
    """The organisation shown in the header, and whether the user can switch."""
    user = getattr(request, "user", None)
    organisation = getattr(request, "organisation", None)
    can_switch = False
    if user is not None and user.is_authenticated:
        can_switch = selectors.organisations_for(user=user)[:2].count() > 1
    return {
        "acting_for": organisation,
        "can_switch_organisation": can_switch,
        # Read by the NHS.UK page template for its one inline script.
        "cspNonce": str(request.csp_nonce) if hasattr(request, "csp_nonce") else "",
    }
