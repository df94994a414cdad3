"""What each app adds to the shared pages: panels on the home page and links in the header.

Apps register in their AppConfig.ready(), so no app edits another's templates:

    @home_panel("referrals-overdue", heading="Referrals past their first-contact date",
                template="referrals/home/overdue.jinja", roles={Role.COORDINATOR}, order=10)
    def overdue(request): return {"referrals": ...}

    nav_item("Referrals", "referrals:inbox", permission="referrals.view_referral", order=20)

A panel that shows people says which (`people=`, from its context); the home page then records
one audit entry naming everyone it showed, through the recorder the people app registers
(`record_home_page_reads`), since core imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from kindred.core.http import OrganisationRequest

PanelContext = Callable[[OrganisationRequest], dict[str, Any]]
PeopleShown = Callable[[dict[str, Any]], Iterable[Any]]
ReadRecorder = Callable[[OrganisationRequest, list[Any]], None]


@dataclass(frozen=True)
class HomePanel:
    key: str
    heading: str
    template: str
    roles: frozenset[str]
    context: PanelContext
    order: int
    people: PeopleShown | None = None


@dataclass(frozen=True)
class NavItem:
    text: str
    url_name: str
    permission: str
    order: int


_panels: dict[str, HomePanel] = {}
_nav: dict[str, NavItem] = {}
_read_recorders: list[ReadRecorder] = []


def home_panel(
    key: str,
    *,
    heading: str,
    template: str,
    roles: Iterable[str],
    order: int = 100,
    people: PeopleShown | None = None,
) -> Callable[[PanelContext], PanelContext]:
    """Show `template` on the home page of anyone holding one of `roles`, with the context
    the decorated function returns for the request. A panel showing people's details gives
    `people`: the people its context shows, for the audit log."""

    def register(context: PanelContext) -> PanelContext:
        _panels[key] = HomePanel(key, heading, template, frozenset(roles), context, order, people)
        return context

    return register


def nav_item(text: str, url_name: str, *, permission: str, order: int = 100) -> None:
    """A header link for anyone holding `permission` in the organisation they act for."""
    _nav[url_name] = NavItem(text, url_name, permission, order)


def record_home_page_reads(recorder: ReadRecorder) -> None:
    """Called with the request and every person the home page shows (the people app audits)."""
    if recorder not in _read_recorders:
        _read_recorders.append(recorder)


def home_panels_for(request: OrganisationRequest) -> list[tuple[HomePanel, dict[str, Any]]]:
    roles = request.roles
    panels = sorted(
        (p for p in _panels.values() if p.roles & roles), key=lambda p: (p.order, p.key)
    )
    shown = [(panel, panel.context(request)) for panel in panels]
    people = [
        person for panel, context in shown if panel.people for person in panel.people(context)
    ]
    for recorder in _read_recorders:
        recorder(request, people)
    return shown


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
