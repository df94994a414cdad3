"""What each app adds to the shared pages: panels on the home page and links in the header.

Apps register in their AppConfig.ready(), so no app edits another's templates:

    @home_panel("referrals-overdue", heading="Referrals past their first-contact date",
                template="referrals/home/overdue.jinja", roles={Role.COORDINATOR}, order=10)
    def overdue(request): return {"referrals": ...}

    nav_item("Referrals", "referrals:inbox", permission="referrals.view_referral", order=20)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

PanelContext = Callable[[HttpRequest], dict[str, Any]]


@dataclass(frozen=True)
class HomePanel:
    key: str
    heading: str
    template: str
    roles: frozenset[str]
    context: PanelContext
    order: int


@dataclass(frozen=True)
class NavItem:
    text: str
    url_name: str
    permission: str
    order: int


_panels: dict[str, HomePanel] = {}
_nav: dict[str, NavItem] = {}


def home_panel(
    key: str, *, heading: str, template: str, roles: Iterable[str], order: int = 100
) -> Callable[[PanelContext], PanelContext]:
    """Show `template` on the home page of anyone holding one of `roles`, with the context
    the decorated function returns for the request."""

    def register(context: PanelContext) -> PanelContext:
        _panels[key] = HomePanel(key, heading, template, frozenset(roles), context, order)
        return context

    return register


def nav_item(text: str, url_name: str, *, permission: str, order: int = 100) -> None:
    """A header link for anyone holding `permission` in the organisation they act for."""
    _nav[url_name] = NavItem(text, url_name, permission, order)


def home_panels_for(request: HttpRequest) -> list[tuple[HomePanel, dict[str, Any]]]:
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    panels = sorted(
        (p for p in _panels.values() if p.roles & roles), key=lambda p: (p.order, p.key)
    )
    return [(panel, panel.context(request)) for panel in panels]


def nav_items_for(request: HttpRequest) -> list[dict[str, Any]]:
    """NHS.UK header navigation items the user may follow, the current page marked."""
    organisation = getattr(request, "organisation", None)
    if not isinstance(request, HttpRequest) or organisation is None:
        return []  # e.g. the server error page, rendered without the request
    here = request.resolver_match.view_name if request.resolver_match else ""
    items = [{"href": reverse("core:home"), "text": "Home", "current": here == "core:home"}]
    for item in sorted(_nav.values(), key=lambda i: (i.order, i.text)):
        if request.user.has_perm(item.permission, organisation):
            app = item.url_name.split(":")[0]
            current = here == item.url_name or (here.startswith(app + ":") and here != "core:home")
            items.append({"href": reverse(item.url_name), "text": item.text, "current": current})
    return items
