"""Where a referral waiting for a match is worked on: a page of an app above referrals
(matching's page for the person), which referrals may not import nor name (ADR-097).

The app that owns the page registers it when Django starts, in its AppConfig.ready():

    from kindred.referrals.waiting_pages import waiting_page
    waiting_page(matching_page)     # (request, referral) -> WaitingPage | None

The function returns None when this user may not open the page: a link is shown only where it
works. With nothing registered, the referral's pages link nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kindred.core.http import OrganisationRequest
from kindred.referrals.models import Referral


@dataclass(frozen=True)
class WaitingPage:
    href: str
    #: Where the person is, as the link says it: "their matching page".
    text: str


PageMaker = Callable[[OrganisationRequest, Referral], WaitingPage | None]

_makers: list[PageMaker] = []


def waiting_page(make: PageMaker) -> PageMaker:
    """Register `make` (once, however often ready() runs); usable as a decorator."""
    if make not in _makers:
        _makers.append(make)
    return make


def waiting_page_for(request: OrganisationRequest, referral: Referral) -> WaitingPage | None:
    """The first registered page this user may open for this waiting referral, if any."""
    for make in _makers:
        page = make(request, referral)
        if page is not None:
            return page
    return None
